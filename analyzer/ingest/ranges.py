"""Ingest stage, one part of a file: the records of a run of its blocks, as the whole-file read
would build them (ingest.split cuts a file into such parts for worker processes).

The frame driver (formats/frames.py) carries state from one block to the next: the rows of the
events still open at a block's end (a stack trace, a PostgreSQL ERROR whose DETAIL may come
later), the line number, and the statement shapes a source has already built a context record
for. A part that starts at a block boundary rebuilds the first from a lead-in (the block before
it, read for its open rows only: nothing is built or counted from it) and reports it, so the
caller can check it against the rows the previous part really left open. Line numbers are given.
Shapes are logged instead of shared: the part builds every event the first of a shape in the
part, and says which of them it built for that reason only (`optional`: line -> the shapes), so
the caller drops those whose shapes an earlier part had already seen.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field

import polars as pl

from analyzer.ingest.formats.base import ReadOptions
from analyzer.ingest.formats.frames import FrameFormat
from analyzer.ingest.lines import strip_ansi_messages
from analyzer.ingest.prefilter import SeenShapes
from analyzer.model import Record, SourceStats


class ShapeLog(SeenShapes):
    """SeenShapes of one part of a file that also remembers, per event it built only as the
    first of a statement shape, that event's line and shapes."""

    def __init__(self) -> None:
        super().__init__()
        self.optional: dict[int, frozenset[str]] = {}
        self._pending: dict[int, str] = {}

    def note(self, rows: pl.Series, shapes: pl.Series) -> None:
        self._pending.update(zip(rows.to_list(), shapes.to_list(), strict=True))

    def settle(self, part: pl.DataFrame, complete: pl.Series, hits: pl.Series,
               context: pl.Series) -> None:
        pending, self._pending = self._pending, {}
        if not pending:
            return
        optional = sorted(pending)
        sure = sorted(set(hits.to_list()) | (set(context.to_list()) - set(optional)))
        sure_heads = set(_owners(complete, sure))
        by_head: dict[int, set[str]] = {}
        for row, head in zip(optional, _owners(complete, optional), strict=True):
            if head >= 0 and head not in sure_heads:
                by_head.setdefault(head, set()).add(pending[row])
        if not by_head:
            return
        linenos = part.get_column("lineno").gather(list(by_head)).to_list()
        for lineno, shapes in zip(linenos, by_head.values(), strict=True):
            self.optional[int(lineno)] = frozenset(shapes)


def _owners(complete: pl.Series, rows: list[int]) -> list[int]:
    """The head row of the event each row belongs to (-1: none); complete is sorted."""
    if not rows or len(complete) == 0:
        return [-1] * len(rows)
    at = complete.search_sorted(pl.Series(rows, dtype=complete.dtype), side="right") \
        .cast(pl.Int64) - 1
    heads = complete.gather(at.clip(lower_bound=0)).to_list()
    return [int(h) if a >= 0 else -1 for a, h in zip(at.to_list(), heads, strict=True)]


@dataclass(slots=True)
class PartRead:
    """What one part gave: its records (cleaned), counts, the shapes it saw, the events built
    only for a shape (see ShapeLog), the open rows the lead-in left (None: none) and the ones
    it leaves open at its end (None when it is the file's last part)."""

    records: list[Record] = field(default_factory=list)
    stats: SourceStats = field(default_factory=lambda: SourceStats(""))
    shapes: set[str] = field(default_factory=set)
    optional: dict[int, frozenset[str]] = field(default_factory=dict)
    lead_carry: pl.DataFrame | None = None
    end_carry: pl.DataFrame | None = None
    lead_lines: int = 0


def read_part(fmt: FrameFormat, source: str, blocks: Iterable[bytes], options: ReadOptions,
              *, first_lineno: int, last: bool, lead: Iterable[bytes] = (),
              lead_lineno: int = 1, carry: pl.DataFrame | None = None,
              shapes: SeenShapes | None = None) -> PartRead:
    """Read `blocks` (the part) after `lead` (the blocks before it, from `lead_lineno`) or,
    without a lead-in, after the rows `carry` the part before left open. `shapes`: what the
    source has seen before this part when the caller knows it (then nothing is optional)."""
    log = shapes if shapes is not None else ShapeLog()
    result = PartRead(stats=SourceStats(source))
    if carry is None:
        scratch = SourceStats(source)
        carry = _frames(fmt, source, lead, options, scratch, SeenShapes(), None,
                        lead_lineno - 1, None)
        result.lead_lines = scratch.lines
    result.lead_carry = carry
    carry = _frames(fmt, source, blocks, options, result.stats, log, result.records,
                    first_lineno - 1, carry)
    if last and carry is not None:
        _drain(fmt._emit(carry, source, result.stats, options, log, final=True),
               result.records)
        carry = None
    result.end_carry = carry
    result.shapes = log.seen
    result.optional = log.optional if isinstance(log, ShapeLog) else {}
    if options.clean is not None:
        from analyzer.ingest.redaction import clean_record

        result.records = [clean_record(r, options.clean) for r in result.records]
    return result


def _frames(fmt: FrameFormat, source: str, blocks: Iterable[bytes], options: ReadOptions,
            stats: SourceStats, shapes: SeenShapes, out: list[Record] | None, base: int,
            carry: pl.DataFrame | None) -> pl.DataFrame | None:
    """The frame driver's loop (FrameFormat.read) over these blocks, numbered from base + 1,
    after `carry`; the rows left open at the end."""
    for frame in fmt.frames(iter(blocks), stats, options):
        frame = strip_ansi_messages(frame)
        if base:
            frame = frame.with_columns(pl.col("lineno") + base)
        if carry is not None:
            frame = pl.concat([carry, frame], how="diagonal_relaxed")
        carry = _drain(fmt._emit(frame, source, stats, options, shapes, final=False), out)
    return carry


def _drain(events: Generator[Record, None, pl.DataFrame | None],
           out: list[Record] | None) -> pl.DataFrame | None:
    while True:
        try:
            record = next(events)
        except StopIteration as stop:
            return stop.value
        if out is not None:
            out.append(record)
