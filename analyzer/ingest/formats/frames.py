"""The vectorized driver for formats whose input is a sequence of rows: physical lines (Render,
Postgres stderr, JSON lines, ...) or decoded entries (`render logs -o json` objects).

A format yields polars frames of rows (`parsed`, `message`, `line`, `lineno`, optionally `ts`
text, `instance` and extra columns); the driver does the rest the same way for all of them:
multi-line assembly (the continuation mask of multiline.py, the one truth for full and
prefiltered reads), the keyword prefilter, carrying an open event across blocks, and the
counts. Only the events the prefilter keeps are turned into Python objects.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Generator, Iterator, Sequence
from typing import ClassVar, cast

import polars as pl

from analyzer.ingest import multiline
from analyzer.ingest.events import event_record
from analyzer.ingest.formats.base import ReadOptions, share
from analyzer.ingest.formats.eventbuild import EventRows as EventRows  # formats import it here
from analyzer.ingest.formats.eventbuild import block_records
from analyzer.ingest.lines import block_to_lines, cap_lengths, strip_ansi_messages
from analyzer.ingest.prefilter import SeenShapes, events_with_keywords, row_numbers
from analyzer.ingest.redaction import event_cleaning
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.model import Record, SourceStats

# An event longer than this many rows is cut: its first lines are what matter, and a runaway
# "continuation" (a file of indented lines) must not hold memory.
MAX_EVENT_LINES = 500
# Instances whose last event started within this many rows of a block's end keep it open.
RECENT_ROWS = 2000
_NO_OTHERS: dict[str, FrameFormat] = {}


class FrameFormat(ABC):
    """Base of row formats: subclasses provide `sniff`, `frames` and maybe `record`."""

    name: ClassVar[str]
    description: ClassVar[str]
    example: ClassVar[str]
    # The plain format takes any line: its records are never counted as unparsed.
    is_fallback: ClassVar[bool] = False
    # Rows join the event above only if their timestamps are this close (None: no check).
    proximity_ns: ClassVar[int | None] = None
    # Events at the end of a block that stay open for lines of the next block (Postgres: a
    # DETAIL line can come after other backends' lines).
    open_events: ClassVar[int] = 1
    # Which text of a row the prefilter reads: "line", "both" (the message too: formats whose
    # message is decoded, not a slice of the line) or "message" (the line's prefix is only a
    # timestamp). See prefilter.searched.
    search: ClassVar[str] = "line"
    # What to tell the user when lines of two events interleave (see multiline.misfit).
    interleave_hint: ClassVar[str | None] = None
    # Other line formats that may claim lines this one does not parse (set by the registry).
    _others: dict[str, FrameFormat] = _NO_OTHERS
    cleans_itself: ClassVar[bool] = True  # read() cleans its records (ReadOptions.clean)

    def adopt(self, others: Sequence[FrameFormat]) -> None:
        """Let these formats read the lines this one does not recognise."""
        self._others = {fmt.name: fmt for fmt in others if fmt is not self}

    @abstractmethod
    def sniff(self, head: Sequence[str]) -> float:
        """How sure (0..1) this format is that these first lines are its own."""

    @abstractmethod
    def frames(self, blocks: Iterator[bytes], stats: SourceStats,
               options: ReadOptions) -> Iterator[pl.DataFrame]:
        """The rows of each block, as a frame (see the module docstring for its columns)."""

    def continues(self) -> pl.Expr | None:
        """Rows that continue the event above by this format's own rule (Postgres: a DETAIL
        line of the same pid), besides the generic content rule of multiline.py."""
        return None

    def generic_applies(self) -> pl.Expr:
        """Rows the generic content rule may join (Postgres: only lines without a prefix)."""
        return pl.lit(True)

    def arrange(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Reorder rows before assembly. Here: when instances interleave, a continuation line
        goes under the last event of its instance (as Postgres does by pid); one naming none
        stays with the line above it (an indented line under a line another format claimed)."""
        if "instance" not in frame.columns or frame.get_column("instance").n_unique() < 2:
            return multiline.strays_apart(frame)
        frame = frame.with_columns(_joins=self._content_joins(frame, shape=False))
        continues, instance = pl.col("_joins"), pl.col("instance")
        row = pl.col("_row")  # a column: int_range inside over() would restart per group
        owner = pl.when(continues).then(pl.when(~continues).then(row).forward_fill()
                                        .over("_whose")).otherwise(row)
        whose = pl.when(continues & instance.is_null()).then(None) \
            .otherwise(instance.fill_null("\0")).forward_fill()
        return (frame.with_row_index("_row").with_columns(_whose=whose)
                .with_columns(_owner=pl.coalesce(owner, row))
                .sort("_owner", "_row").drop("_owner", "_row", "_joins", "_whose"))

    def ts_text(self, rows: pl.DataFrame) -> pl.Series | None:
        """The timestamp text of these rows (null where none). Formats whose time sits at a
        fixed place in the line derive it here, so no column is built for every line."""
        return rows.get_column("ts") if "ts" in rows.columns else None

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        """Vectorized timestamp text -> ns (Int64, null when unknown), for time proximity."""
        return ts_text.map_elements(parse_iso_ns, return_dtype=pl.Int64)

    def parse_ts(self, text: str) -> int | None:
        return parse_iso_ns(text)

    def record(self, rows: EventRows, source: str) -> Record:
        """One Record from an event's rows; formats with more columns extend this."""
        return event_record(
            source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
            fmt=self.name if rows.parsed else "plain", message="\n".join(rows.messages),
            raw="\n".join(rows.lines), ts=self.event_ts(rows),
            instance=rows.columns.get("instance"))

    def event_ts(self, rows: EventRows) -> int | None:
        """The head row's time: parsed in bulk by the driver (ts_ns), else from its text."""
        if rows.columns.get("ts_ns") is not None:
            return rows.columns["ts_ns"]
        text = rows.columns.get("ts")
        return self.parse_ts(text) if text else None

    # -- the driver -------------------------------------------------------------------------

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        carry: pl.DataFrame | None = None
        shapes = SeenShapes()  # context statement shapes already built, across blocks
        for frame in self.frames(blocks, stats, options):
            frame = strip_ansi_messages(frame)
            if carry is not None:
                frame = pl.concat([carry, frame], how="diagonal_relaxed")
            carry = yield from self._emit(frame, source, stats, options, shapes, final=False)
            del frame  # memory: not held while the next block is read (see ingest/live.py)
        if carry is not None:
            yield from self._emit(carry, source, stats, options, shapes, final=True)

    def _continuation(self, frame: pl.DataFrame) -> pl.Series:
        """The continuation mask: true where a row joins the event above (never row 0)."""
        joins = self._content_joins(frame)
        if len(joins):
            joins[0] = False  # the first row starts an event
        if "instance" in frame.columns:
            instance = frame.get_column("instance")
            joins = joins & (instance == instance.shift(1)).fill_null(True)
        if self.proximity_ns is not None and joins.any():
            joins = joins & self._close_in_time(frame, joins)
        return joins

    def _content_joins(self, frame: pl.DataFrame, *, shape: bool = True) -> pl.Series:
        """The content part of the continuation mask: the format's own rule, or the generic
        rule (multiline.by_content) where it applies. The generic rule only runs on the rows a
        cheap test says might continue (and the rows above them): most lines cannot."""
        own = self.continues()
        if own is None:
            joins = pl.repeat(False, frame.height, eager=True)
        else:
            joins = frame.select(own.fill_null(False)).to_series()
        maybe = frame.select((multiline.maybe_continues() & self.generic_applies())
                             .fill_null(False)).to_series()
        if not maybe.any():
            return joins
        # The candidate rows and the rows above them, in order (a mask: linear, no sort).
        context = row_numbers(maybe | maybe.shift(-1, fill_value=False))
        part = frame.select("message")[context]
        found = part.select(multiline.by_content(shape=shape).fill_null(False)).to_series()
        joined = context.filter(maybe.gather(context) & found)
        return joins.scatter(joined, True) if len(joined) else joins

    def _close_in_time(self, frame: pl.DataFrame, joins: pl.Series) -> pl.Series:
        # Only the joining rows and the rows above them need a parsed timestamp.
        rows = row_numbers(joins)
        now = self._ts_ns_of(frame[rows])
        ok = pl.repeat(True, len(joins), eager=True)
        if now is None:
            return ok
        before = self._ts_ns_of(frame[rows - 1])
        far = ((now - before).abs() > self.proximity_ns).fill_null(False)
        return ok.scatter(rows.filter(far), False)

    def _ts_ns_of(self, rows: pl.DataFrame) -> pl.Series | None:
        """ns timestamps of rows; lines another format claimed carry their own."""
        text = self.ts_text(rows)
        own = self.ts_ns(text) if text is not None else None
        if "claimed_ts_ns" not in rows.columns:
            return own
        claimed = rows.get_column("claimed_ts_ns")
        return claimed if own is None else pl.select(pl.coalesce(claimed, own)).to_series()

    def assemble(self, frame: pl.DataFrame, stats: SourceStats, *, final: bool
                 ) -> tuple[pl.DataFrame, pl.Series, int, pl.Series]:
        """The arranged frame, its event heads, where the last (maybe open) event starts, the
        complete events' heads (their lines counted)."""
        frame = self.arrange(frame)
        heads = _bounded_heads(row_numbers(~self._continuation(frame)), frame.height)
        open_from = frame.height if final else self._open_from(frame, heads)
        complete = heads.filter(heads < open_from)
        self._count(frame, complete, stats)
        # the first open event too: carried on, it is the next frame's row 0 (never tested)
        self._count_interleaved(frame, heads.filter(heads <= open_from), stats)
        return frame, heads, open_from, complete

    def _emit(self, frame: pl.DataFrame, source: str, stats: SourceStats,
              options: ReadOptions, shapes: SeenShapes, *, final: bool
              ) -> Generator[Record, None, pl.DataFrame | None]:
        """Yield the complete events of frame; return the rows of the last, maybe open, one."""
        if frame.height == 0:
            return None
        frame, heads, open_from, complete = self.assemble(frame, stats, final=final)
        if options.keywords is None:
            chosen = complete
        else:
            chosen = events_with_keywords(frame, complete, open_from, options.keywords,
                                          self.search, options.context_keywords,
                                          options.marker, shapes)
        yield from self._build(frame, heads, chosen, open_from, source, options)
        return None if final else frame.slice(open_from)

    def _open_from(self, frame: pl.DataFrame, heads: pl.Series) -> int:
        """The first row of the events that may still get lines from the next block: the last
        `open_events` ones, and the last one of each instance seen near the end (another
        instance's output may come in between)."""
        start = int(heads[max(0, len(heads) - self.open_events)])
        if "instance" not in frame.columns:
            return start
        recent = max(0, frame.height - RECENT_ROWS)
        near_end = heads.filter(heads >= recent)
        if len(near_end) == 0:
            return start
        instances = frame.get_column("instance").gather(near_end)
        last = pl.DataFrame({"row": near_end, "instance": instances}).group_by(
            "instance").agg(pl.col("row").max()).get_column("row")
        return min(start, int(cast(int, last.min())))

    def _count_interleaved(self, frame: pl.DataFrame, heads: pl.Series,
                           stats: SourceStats) -> None:
        count = multiline.refused_heads(frame, heads)
        if count:
            stats.interleaved += count
            stats.interleave_hint = stats.interleave_hint or self.interleave_hint

    def _count(self, frame: pl.DataFrame, complete: pl.Series, stats: SourceStats) -> None:
        if len(complete) == 0:
            return
        flags = frame.select(pl.col("parsed").fill_null(False),
                             nonblank=pl.col("message").str.contains(r"\S").fill_null(False)
                             )[complete]
        nonblank = flags.get_column("nonblank")
        parsed = flags.get_column("parsed") & nonblank
        records, parsed_count = int(nonblank.sum()), int(parsed.sum())
        stats.records += records
        if self.is_fallback:
            stats.add_format(self.name, records)
            return
        stats.unparsed += records - parsed_count
        stats.add_format("plain", records - parsed_count)
        if "fmt" not in frame.columns:
            stats.add_format(self.name, parsed_count)
            return
        # Lines another format claimed (two formats in one file) count under that format.
        names = frame.get_column("fmt").gather(complete.filter(parsed)).value_counts()
        for name, count in names.iter_rows():
            stats.add_format(name or self.name, int(count))

    def _build(self, frame: pl.DataFrame, heads: pl.Series, chosen: pl.Series,
               open_from: int, source: str, options: ReadOptions) -> Iterator[Record]:
        if len(chosen) == 0:
            return
        ends = heads.shift(-1, fill_value=frame.height).gather(
            heads.search_sorted(chosen, side="left"))
        ends = ends.clip(upper_bound=open_from)
        sizes = ends - chosen
        offsets = sizes.cum_sum().shift(1, fill_value=0)
        # The rows of all chosen events, in one gather: event k is rows[offsets[k]:+sizes[k]].
        index = pl.int_ranges(chosen, ends, eager=True).explode()
        rows = frame[index]
        data = {name: rows.get_column(name).to_list() for name in rows.columns}
        clean = options.clean if self.cleans_itself else None  # only the events it may change
        dirty = event_cleaning(rows, offsets, clean, options.clean_gate)
        head_ts = self._ts_ns_of(rows[offsets])
        if head_ts is not None:
            # One vectorized parse for the head rows instead of one per event.
            data["ts_ns"] = [None] * len(index)
            for at, value in zip(offsets.to_list(), head_ts, strict=True):
                data["ts_ns"][at] = value
        yield from block_records(self, rows, data, offsets.to_list(), sizes.to_list(), dirty,
                                 source, clean)


class LineFormat(FrameFormat):
    """A format where every physical line stands alone or continues the event above it."""

    # Rust-regex (polars) pattern a line of this format matches; used by sniff and columns.
    line_pattern: ClassVar[str]

    def sniff(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        series = pl.Series(lines, dtype=pl.String)
        return share(series.str.contains(self.line_pattern))

    def claims(self, lines: pl.Series) -> pl.Series:
        """Which of these lines (of a file in another format) are this format's."""
        return lines.str.contains(self.line_pattern)

    @abstractmethod
    def columns(self, lines: pl.Series) -> pl.DataFrame:
        """At least: `parsed` (bool: the line is of this format) and `message` (the text after
        the format's prefix, or the whole line when not parsed). Extra columns are handed to
        `record` for the head row of each event."""

    def frames(self, blocks: Iterator[bytes], stats: SourceStats,
               options: ReadOptions) -> Iterator[pl.DataFrame]:
        next_lineno = 1
        for block in blocks:
            lines, cut = cap_lengths(block_to_lines(block), options.max_line_chars)
            stats.lines += len(lines)
            stats.truncated_lines += cut
            numbers = pl.int_range(next_lineno, next_lineno + len(lines), eager=True)
            frame = self.columns(lines).with_columns(line=lines, lineno=numbers)
            next_lineno += len(lines)
            yield self._adopt_strays(frame) if self._others else frame

    def _adopt_strays(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Two formats in one file: lines this format does not parse are offered to the other
        line formats (in registry order); a claimed line is parsed by its format and marked
        with its name in `fmt`, so it is counted and built as that format."""
        stray = frame.filter(~pl.col("parsed").fill_null(False)).select("line", "lineno")
        if stray.height == 0:
            return frame
        # Blank and indented lines continue events; they are nobody's to claim.
        stray = stray.filter(pl.col("line").str.contains(r"^\S"))
        claimed_parts = []
        for other in self._others.values():
            if stray.height == 0:
                break
            if not isinstance(other, LineFormat):
                continue
            mine = other.claims(stray.get_column("line")).fill_null(False)
            if not mine.any():
                continue
            rows = stray.filter(mine)
            parsed = other.columns(rows.get_column("line")).with_columns(
                line=rows.get_column("line"), lineno=rows.get_column("lineno"),
                fmt=pl.lit(other.name)).filter(pl.col("parsed"))
            ts_text = other.ts_text(parsed)
            if ts_text is not None:
                parsed = parsed.with_columns(claimed_ts_ns=other.ts_ns(ts_text))
            claimed_parts.append(parsed)
            stray = stray.filter(~mine)
        if not claimed_parts:
            return frame
        claimed = pl.concat(claimed_parts, how="diagonal_relaxed")
        kept = frame.join(claimed.select("lineno"), on="lineno", how="anti")
        return pl.concat([kept, claimed], how="diagonal_relaxed").sort("lineno")


def _bounded_heads(heads: pl.Series, height: int) -> pl.Series:
    """The event heads (sorted row numbers), with an event longer than MAX_EVENT_LINES cut."""
    if len(heads) == 0:
        return pl.Series([0], dtype=pl.Int64)
    longest = max(cast(int | None, heads.diff().max()) or 0, height - cast(int, heads[-1]))
    if longest <= MAX_EVENT_LINES:
        return heads
    cut: list[int] = []
    for start, end in itertools.pairwise([*heads.to_list(), height]):
        cut.extend(range(start, end, MAX_EVENT_LINES))
    return pl.Series(cut, dtype=pl.Int64)
