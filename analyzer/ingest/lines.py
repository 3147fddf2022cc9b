"""Bytes -> a polars Series of lines, vectorized. Invalid UTF-8 becomes U+FFFD, a trailing
carriage return is dropped, over-long lines are cut to a cap (and counted)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import polars as pl

from analyzer.model import SourceStats
from analyzer.textsafe import ANSI_RE

_SEP = "\x1f"  # a separator that (almost) never occurs in logs; blocks holding it take the slow way
# polars' CSV reader decompresses input that starts like zlib, gzip or zstd data; a block of
# text lines that happens to start so (`x^hello`) is read behind one empty line instead.
_LOOKS_COMPRESSED = (b"x\x01", b"x^", b"x\x9c", b"x\xda", b"\x1f\x8b", b"\x28\xb5\x2f\xfd")


def block_to_lines(block: bytes) -> pl.Series:
    if not block:
        return pl.Series("line", [], dtype=pl.String)
    if _SEP.encode() in block or block.startswith(b"\xef\xbb\xbf"):
        return _split_in_python(block)
    shifted = block.startswith(_LOOKS_COMPRESSED)
    frame = pl.read_csv(
        io.BytesIO(b"\n" + block if shifted else block), has_header=False, separator=_SEP,
        quote_char=None,
        encoding="utf8-lossy", new_columns=["line"], infer_schema=False,
        raise_if_empty=False, comment_prefix=None,
    )
    lines = frame.get_column("line").fill_null("")
    return lines.slice(1) if shifted else lines


def _split_in_python(block: bytes) -> pl.Series:
    text = block.decode("utf-8", errors="replace")
    if text.endswith("\n"):
        text = text[:-1]
    parts = [p[:-1] if p.endswith("\r") else p for p in text.split("\n")]
    return pl.Series("line", parts, dtype=pl.String)


def strip_ansi_messages(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with colour codes stripped from `message` (the line where it has none): rules
    match what is read, `raw` keeps them."""
    frame = frame.with_columns(pl.col("message").fill_null(pl.col("line")))
    if frame.height and frame.get_column("message").str.contains("\x1b", literal=True).any():
        return frame.with_columns(message=pl.col("message").str.replace_all(ANSI_RE.pattern, ""))
    return frame


def cap_lengths(lines: pl.Series, max_chars: int) -> tuple[pl.Series, int]:
    """Cut lines longer than max_chars; returns the lines and how many were cut."""
    too_long = lines.str.len_chars() > max_chars
    count = int(too_long.sum())
    if count:
        lines = lines.str.slice(0, max_chars)
    return lines, count


def numbered_lines(blocks: Iterator[bytes], stats: SourceStats, max_chars: int, *,
                   marks: bool = False) -> Iterator[tuple[int, str]]:
    """(line number, text) of every physical line, for readers that go line by line in Python:
    invalid UTF-8 as U+FFFD, a leading BOM and trailing carriage returns dropped, over-long
    lines cut (and counted). With marks, (0, None) follows each block's lines."""
    lineno = 0
    first = True
    for block in blocks:
        text = block.decode("utf-8", errors="replace")
        if first:
            text, first = text.removeprefix("\ufeff"), False
        if text.endswith("\n"):
            text = text[:-1]
        for line in text.split("\n"):
            lineno += 1
            stats.lines += 1
            if line.endswith("\r"):
                line = line[:-1]
            if len(line) > max_chars:
                line = line[:max_chars]
                stats.truncated_lines += 1
            yield lineno, line
        if marks:
            yield 0, None  # type: ignore[misc]
