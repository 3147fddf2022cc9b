"""Event heads in bulk: what template mining needs of every event, straight from the line frame.

`analyzer templates` mines the line that names each event (mining.head_line of its message),
with its time and line number, for every event of the input. Building a Record per line for
that costs more than the mining; for line formats whose records keep the head row's message
(FrameFormat.record not overridden) the driver's frames already hold it. Only the events whose
record could name them differently (an embedded JSON object, a Python traceback, a blank head
line, a line another format claimed) are built into records, as `read` would build them.
The counts (lines, records, unparsed, interleaved) are the ones `read` keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from analyzer.ingest.formats.base import ReadOptions
from analyzer.ingest.formats.frames import FrameFormat, LineFormat
from analyzer.ingest.lines import strip_ansi_messages
from analyzer.ingest.redaction import Cleaner, clean_record
from analyzer.model import Record, SourceStats

# head rows whose record may be named otherwise than by the row's own message
_SPECIAL = r"^\s*(?:\{|$|Traceback \(most recent call last\):\s*$)"
_HEAD_LINE = "Traceback (most recent call last):"


@dataclass(slots=True)
class Heads:
    """One block's events, in input order: the naming text, time (ns) and first line of each
    (polars columns from the frame driver; `add_record` builds lists, record by record)."""

    texts: pl.Series | list[str] = field(default_factory=list)
    ts: pl.Series | list[int | None] = field(default_factory=list)
    linenos: pl.Series | list[int] = field(default_factory=list)

    def add_record(self, record: Record) -> None:
        assert isinstance(self.texts, list) and isinstance(self.ts, list) \
            and isinstance(self.linenos, list)
        self.texts.append(head_line(record.message))
        self.ts.append(record.ts)
        self.linenos.append(record.lineno)

    def __len__(self) -> int:
        return len(self.texts)


def head_line(message: str) -> str:
    """mining.head_line, restated here: ingest may not import mining (the data flows one way);
    tests check that the two agree."""
    first, newline, rest = message.partition("\n")
    if newline and first.strip() == _HEAD_LINE:
        for line in reversed(rest.splitlines()):
            if line.strip() and not line[:1].isspace():
                return f"Traceback: {line.strip()}"
    return first


def supports_heads(fmt: object) -> bool:
    """Line formats whose records carry the head row's message as it is."""
    return isinstance(fmt, LineFormat) and type(fmt).record is FrameFormat.record


def read_heads(fmt: LineFormat, blocks: Iterator[bytes], source: str, stats: SourceStats,
               options: ReadOptions) -> Iterator[Heads]:
    carry: pl.DataFrame | None = None
    for frame in fmt.frames(blocks, stats, options):
        frame = strip_ansi_messages(frame)
        if carry is not None:
            frame = pl.concat([carry, frame], how="diagonal_relaxed")
        heads, carry = _block_heads(fmt, frame, source, stats, options, final=False)
        yield heads
    if carry is not None:
        yield _block_heads(fmt, carry, source, stats, options, final=True)[0]


def _block_heads(fmt: LineFormat, frame: pl.DataFrame, source: str, stats: SourceStats,
                 options: ReadOptions, *, final: bool) -> tuple[Heads, pl.DataFrame | None]:
    if frame.height == 0:
        return Heads(), None
    frame, heads, open_from, complete = fmt.assemble(frame, stats, final=final)
    rest = None if final else frame.slice(open_from)
    return _heads_of(fmt, frame, heads, complete, open_from, source, options.clean,
                     options.clean_gate), rest


def _may_change(texts: pl.Series, clean: Cleaner | None, gate: str | None) -> pl.Series:
    """Which texts the cleaner may change: those the cleaning gate (textsafe.cleaner_gate)
    matches, tested in one vectorised pass, so the common clean line costs no Python call."""
    if clean is None or gate is None:
        return pl.repeat(clean is not None, len(texts), eager=True)
    return texts.str.contains(gate).fill_null(True)


def _heads_of(fmt: LineFormat, frame: pl.DataFrame, heads: pl.Series, complete: pl.Series,
              open_from: int, source: str, clean: Cleaner | None,
              gate: str | None = None) -> Heads:
    """The complete events' heads as columns: the head rows' message, time and line; the
    texts the cleaner may change cleaned, and the special events' from their records."""
    if len(complete) == 0:
        return Heads()
    rows = frame[complete]
    texts = rows.get_column("message")
    special = texts.str.contains(_SPECIAL).fill_null(True)
    if "fmt" in rows.columns:
        special = special | rows.get_column("fmt").is_not_null()
    ts_ns = fmt._ts_ns_of(rows)
    ts = ts_ns if ts_ns is not None else pl.repeat(None, len(texts), dtype=pl.Int64, eager=True)
    dirty = (_may_change(texts, clean, gate) & ~special).arg_true()
    if clean is not None and len(dirty):
        texts = texts.scatter(dirty, [clean(text) for text in texts.gather(dirty)])
    keep = ~special
    if special.any():
        at = special.arg_true()
        built = {r.lineno: r for r in fmt._build(frame, heads, complete.gather(at), open_from,
                                                 source, ReadOptions())}  # cleaned below
        found = [(i, built.get(lineno)) for i, lineno in
                 zip(at.to_list(), rows.get_column("lineno").gather(at).to_list(), strict=True)]
        records = [(i, clean_record(r, clean) if clean is not None else r)
                   for i, r in found if r is not None]  # None: a blank event, no record
        if records:
            where = [i for i, _ in records]
            texts = texts.scatter(where, [head_line(r.message) for _, r in records])
            ts = ts.scatter(where, pl.Series([r.ts for _, r in records], dtype=pl.Int64))
            keep = keep.scatter(where, True)
    return Heads(texts.filter(keep), ts.cast(pl.Int64).filter(keep),
                 rows.get_column("lineno").filter(keep))
