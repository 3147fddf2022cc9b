"""What every input format provides, and the shared driver for line-oriented formats.

A format detects itself (`sniff`), and reads byte blocks into Records (`read`). Line formats
only describe their columns vectorized (`columns`) and build one Record from its rows
(`record`); the driver here does the rest: caps, multi-line assembly, the keyword prefilter,
carrying an open event across block boundaries, and the counts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import polars as pl

from analyzer.ingest import multiline
from analyzer.ingest.levels import infer_level
from analyzer.ingest.lines import block_to_lines, cap_lengths
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.model import Record, SourceStats, frozen_map
from analyzer.textsafe import ANSI_RE

ANSI_PATTERN = ANSI_RE.pattern

# An event longer than this many physical lines is cut: its first lines are what matter, and a
# runaway "continuation" (a file of indented lines) must not hold memory.
MAX_EVENT_LINES = 500


@dataclass(frozen=True, slots=True)
class ReadOptions:
    keywords: tuple[str, ...] | None = None  # prefilter: yield only events holding one of these
    max_line_chars: int = 64 * 1024


class Format(Protocol):
    name: str
    description: str
    example: str

    def sniff(self, head: Sequence[str]) -> float:
        """Fraction (0..1) of these first lines that look like this format."""
        ...

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        ...


@dataclass(slots=True)
class EventRows:
    """The physical lines of one event, as the driver hands them to a format."""

    lineno: int
    lines: list[str]
    messages: list[str]
    parsed: bool
    columns: dict[str, Any]  # the head row's extra columns (ts text, level, instance, ...)


class LineFormat:
    """A format where every physical line stands alone or continues the event above it."""

    name: ClassVar[str]
    description: ClassVar[str]
    example: ClassVar[str]
    # Rust-regex (polars) pattern a line of this format matches; used by sniff and columns.
    line_pattern: ClassVar[str]
    # The plain format takes any line: its records are never counted as unparsed.
    is_fallback: ClassVar[bool] = False

    def sniff(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        series = pl.Series(lines, dtype=pl.String)
        return float(series.str.contains(self.line_pattern).mean() or 0.0)

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        """At least: `parsed` (bool: the line is of this format) and `message` (the text after
        the format's prefix, or the whole line when not parsed). Extra columns are handed to
        `record` for the head row of each event."""
        raise NotImplementedError(f"{type(self).__name__} must describe its columns")

    def parse_ts(self, text: str) -> int | None:
        return parse_iso_ns(text)

    def record(self, rows: EventRows, source: str) -> Record:
        """One Record from an event's rows; formats with more columns extend this."""
        message = "\n".join(rows.messages)
        ts_text = rows.columns.get("ts")
        return Record(
            source=source, lineno=rows.lineno, end_lineno=rows.lineno + len(rows.lines) - 1,
            format=self.name if rows.parsed else "plain", message=message,
            raw="\n".join(rows.lines), level=infer_level(message),
            ts=self.parse_ts(ts_text) if ts_text else None,
        )

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        carry: pl.DataFrame | None = None
        next_lineno = 1
        for block in blocks:
            lines, cut = cap_lengths(block_to_lines(block), options.max_line_chars)
            stats.lines += len(lines)
            stats.truncated_lines += cut
            frame = self._frame(lines, next_lineno)
            next_lineno += len(lines)
            if carry is not None:
                frame = pl.concat([carry, frame], how="vertical_relaxed")
            carry = yield from self._emit(frame, source, stats, options, final=False)
        if carry is not None:
            yield from self._emit(carry, source, stats, options, final=True)

    def _frame(self, lines: pl.Series, first_lineno: int) -> pl.DataFrame:
        frame = self.columns(lines).with_columns(
            line=lines,
            lineno=pl.int_range(first_lineno, first_lineno + len(lines), eager=True),
        )
        # Colour codes stay in `raw` (the line) but are stripped from what rules match.
        if frame.get_column("message").str.contains("\x1b", literal=True).any():
            frame = frame.with_columns(
                message=pl.col("message").str.replace_all(ANSI_PATTERN, ""))
        return frame

    def _emit(self, frame: pl.DataFrame, source: str, stats: SourceStats,
              options: ReadOptions, *, final: bool) -> Iterator[Record]:
        """Yield the complete events of frame; return the rows of the last, maybe open, one."""
        if frame.height == 0:
            return None
        continues = multiline.continuation(frame)
        heads = continues.not_().arg_true()
        # Cut runaway events so one event never spans more than MAX_EVENT_LINES rows.
        heads = _bounded_heads(heads, frame.height)
        open_from = frame.height if final else int(heads[-1])
        complete = heads.filter(heads < open_from)
        self._count(frame, complete, open_from, stats)
        if options.keywords is None:
            chosen = complete.to_list()
        else:
            chosen = _events_with_keywords(frame, complete, open_from, options.keywords)
        # One vectorized search and one row gather for all chosen events: per-event polars
        # calls (~0.5 ms each) dominated scans where many events pass the prefilter.
        positions = heads.search_sorted(pl.Series(chosen, dtype=heads.dtype), side="right")
        bounds = heads.to_list()
        spans = []
        for start, position in zip(chosen, positions.to_list(), strict=True):
            end = bounds[position] if position < len(bounds) else frame.height
            spans.append((int(start), min(end, open_from)))
        yield from self._build_all(frame, spans, source)
        return None if final else frame.slice(open_from)

    def _count(self, frame: pl.DataFrame, complete: pl.Series, open_from: int,
               stats: SourceStats) -> None:
        if len(complete) == 0:
            return
        head_rows = frame.select("parsed", "message").slice(0, open_from)[complete]
        non_blank = head_rows.filter(pl.col("message").str.contains(r"\S"))
        parsed = int(non_blank.get_column("parsed").sum())
        unparsed = non_blank.height - parsed
        stats.records += non_blank.height
        if self.is_fallback:
            stats.add_format(self.name, non_blank.height)
        else:
            stats.unparsed += unparsed
            stats.add_format(self.name, parsed)
            stats.add_format("plain", unparsed)

    def _build_all(self, frame: pl.DataFrame, spans: list[tuple[int, int]],
                   source: str) -> Iterator[Record]:
        """Records of the events at spans ([start, end) row ranges), blank events skipped."""
        if not spans:
            return
        rows = frame[[i for start, end in spans for i in range(start, end)]]
        columns = rows.to_dict(as_series=False)
        extra_names = [k for k in columns if k not in ("line", "message", "parsed", "lineno")]
        offset = 0
        for start, end in spans:
            head, offset = offset, offset + end - start
            messages = columns["message"][head:offset]
            if not any(m.strip() for m in messages):
                continue
            event = EventRows(lineno=columns["lineno"][head], lines=columns["line"][head:offset],
                              messages=messages, parsed=bool(columns["parsed"][head]),
                              columns={k: columns[k][head] for k in extra_names})
            yield self.record(event, source)


def _bounded_heads(heads: pl.Series, height: int) -> pl.Series:
    if len(heads) == 0:
        return pl.Series([0], dtype=heads.dtype)
    gaps = heads.diff().fill_null(0)
    tail_gap = height - int(heads[-1])
    if int(gaps.max() or 0) <= MAX_EVENT_LINES and tail_gap <= MAX_EVENT_LINES:
        return heads
    bounded: list[int] = []
    boundaries = [*heads.to_list(), height]
    for start, end in itertools.pairwise(boundaries):
        bounded.extend(range(start, end, MAX_EVENT_LINES))
    return pl.Series(bounded, dtype=heads.dtype)


def _events_with_keywords(frame: pl.DataFrame, complete: pl.Series, open_from: int,
                          keywords: tuple[str, ...]) -> list[int]:
    if len(complete) == 0 or not keywords:
        return []
    hits = frame.get_column("message").slice(0, open_from).str.contains_any(
        list(keywords), ascii_case_insensitive=True).arg_true()
    if len(hits) == 0:
        return []
    owners = complete.search_sorted(hits, side="right") - 1
    return complete[owners.unique().sort()].to_list()


def record_fields(**values: Any) -> Any:
    """Frozen fields mapping without None values."""
    return frozen_map({k: v for k, v in values.items() if v is not None})
