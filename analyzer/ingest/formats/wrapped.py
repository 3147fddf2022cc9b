"""Formats that carry another format's lines inside their own: a docker compose prefix
(`db-1  | <line>`), a Google Cloud Logging entry (`textPayload`), syslog's `postgres[pid]:
[7-2] <line>`. The wrapper takes its part off every row (time, service, instance, level) and
hands the inner line to the format it holds, chosen by sniffing the inner lines of the first
block; that format's columns, continuation rule and records then apply as if the inner lines
were the file. A wrapper may replace the inner continuation rule when its own framing says
more (syslog's `[seq-chunk]` names the event a line belongs to).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import polars as pl

from analyzer.ingest.formats.base import ReadOptions, share
from analyzer.ingest.formats.frames import EventRows, FrameFormat, LineFormat
from analyzer.ingest.lines import block_to_lines
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.model import Record, SourceStats, frozen_map

# What a wrapper's frames hold that is not carried to the inner rows as a column.
_NOT_CARRIED = frozenset(("line", "inner"))
# As much as detection waits for (ingest.read_source): a live pipe is not held back longer.
_HEAD_LINES = 50
_HEAD_BYTES = 64 * 1024


class Wrapper(FrameFormat):
    """Base of wrapping formats: `unwrap` lines (or `outer_frames` for non-line input)."""

    # The formats an inner line may be in (set by the registry: line formats, no wrappers).
    inner_formats: list[LineFormat] = []  # noqa: RUF012 (replaced, never mutated)
    # A fixed inner format (syslog from PostgreSQL only carries PostgreSQL lines).
    inner_name: ClassVar[str | None] = None
    cleans_itself = False  # its reads (Unwrapped) leave the cleaning to read_source

    def nest(self, formats: list[LineFormat]) -> None:
        self.inner_formats = [fmt for fmt in formats if not isinstance(fmt, Wrapper)]

    def unwrap(self, lines: pl.Series) -> pl.DataFrame:
        """Per line: `w_parsed` (the wrapper's shape), `inner` (the carried line; the whole
        line where not parsed), maybe `w_ts`, `w_service`, `w_instance`, `w_level` (null where
        unknown) and columns of the wrapper's own rules (they replace inner ones by name).
        Line wrappers implement it; one that reads entries (JSON) implements outer_frames,
        inner_head and sniff instead."""
        raise NotImplementedError(f"{self.name} reads entries, not lines")

    def outer_frames(self, blocks: Iterator[bytes], stats: SourceStats,
                     options: ReadOptions) -> Iterator[pl.DataFrame]:
        """Frames of `line`, `lineno` and the unwrap columns; line input by default."""
        reader = _LineReader()
        for frame in reader.frames(blocks, stats, options):
            lines = frame.get_column("line")
            yield pl.concat([frame.select("line", "lineno"), self.unwrap(lines)],
                            how="horizontal")

    def inner_head(self, head: Sequence[str]) -> list[str]:
        lines = pl.Series(list(head), dtype=pl.String)
        unwrapped = self.unwrap(lines)
        return unwrapped.filter(pl.col("w_parsed")).get_column("inner").to_list()

    def continues(self) -> pl.Expr | None:
        return None  # the inner format's rule (see Unwrapped)

    def own_continues(self) -> pl.Expr | None:
        """The wrapper's continuation rule, replacing the inner one (None: keep it)."""
        return None

    def own_arrange(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        """The wrapper's reordering, replacing the inner one (None: keep it)."""
        return None

    def sniff_fraction(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        parsed = self.unwrap(pl.Series(lines, dtype=pl.String)).get_column("w_parsed")
        return share(parsed.fill_null(False))

    def frames(self, blocks: Iterator[bytes], stats: SourceStats,
               options: ReadOptions) -> Iterator[pl.DataFrame]:
        raise NotImplementedError("a wrapper reads through Unwrapped")  # pragma: no cover

    def choose_inner(self, head: Sequence[str]) -> LineFormat:
        by_name = {fmt.name: fmt for fmt in self.inner_formats}
        if self.inner_name:
            return by_name[self.inner_name]
        inner = self.inner_head(head)
        best, best_score = by_name["plain"], 0.3
        for fmt in self.inner_formats:
            if fmt.is_fallback:
                continue
            score = fmt.sniff(inner)
            if score > best_score:
                best, best_score = fmt, score
        return best

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        blocks = iter(blocks)
        first: list[bytes] = []
        for block in blocks:  # a pipe may hand over its first lines in small pieces
            first.append(block)
            if sum(map(len, first)) >= _HEAD_BYTES or sum(b.count(b"\n") for b in first) \
                    >= _HEAD_LINES:
                break
        if not first:
            return
        head = block_to_lines(b"".join(first)[:_HEAD_BYTES]).head(_HEAD_LINES).to_list()
        reader = Unwrapped(self, self.choose_inner(head))
        yield from reader.read(itertools.chain(first, blocks), source, stats, options)

    def finish(self, record: Record, head: dict[str, Any], *, own: bool = True) -> Record:
        """The inner format's record (or, not own, another format's that claimed the line),
        completed with what the wrapper knew."""
        changes: dict[str, Any] = {}
        if own and record.format != "plain":
            changes["format"] = self.name
        if record.ts is None and head.get("w_ts"):
            changes["ts"] = parse_iso_ns(head["w_ts"])
        for name in ("service", "instance", "level"):
            if getattr(record, name) is None and head.get(f"w_{name}"):
                changes[name] = head[f"w_{name}"]
        outer = head.get("outer")
        if outer is not None:
            lines = record.raw.split("\n", 1)
            changes["raw"] = "\n".join([outer, *lines[1:]])
        extra = self.extra_fields(head)
        if extra:
            changes["fields"] = frozen_map({**extra, **record.fields})
        return dataclasses.replace(record, **changes) if changes else record

    def extra_fields(self, head: dict[str, Any]) -> dict[str, Any]:
        return {}


class _LineReader(LineFormat):
    """Physical lines with their numbers and the counts, nothing parsed (a wrapper's input)."""

    name = "_lines"
    description = example = ""
    line_pattern = r"^"

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        return pl.DataFrame({"parsed": pl.repeat(True, len(lines), eager=True),
                             "message": lines})


class Unwrapped(LineFormat):
    """One read of a wrapper holding one inner format: frames of inner lines with the
    wrapper's columns, the inner format's rules, and records the wrapper completes."""

    description = example = ""
    line_pattern = r"^"
    # the wrapper completes some records after they are built: read_source cleans them all
    cleans_itself = False

    def __init__(self, wrapper: Wrapper, inner: LineFormat) -> None:
        self.wrapper, self.inner = wrapper, inner
        self.name = wrapper.name  # type: ignore[misc]
        self.proximity_ns = inner.proximity_ns  # type: ignore[misc]
        self.open_events = max(inner.open_events, wrapper.open_events)  # type: ignore[misc]
        self.search = "both"  # type: ignore[misc]
        self._others = inner._others

    def sniff(self, head: Sequence[str]) -> float:  # pragma: no cover - never registered
        return 0.0

    def frames(self, blocks: Iterator[bytes], stats: SourceStats,
               options: ReadOptions) -> Iterator[pl.DataFrame]:
        for outer in self.wrapper.outer_frames(blocks, stats, options):
            inner_lines = outer.get_column("inner").fill_null("")
            # Rows are keyed by their place in the outer frame, not by line number: entries
            # read from JSON can share a line (`[2025-11-13 …` is several values), and a key
            # they shared would repeat each once per entry of its line.
            rows = pl.int_range(0, outer.height, dtype=pl.Int64, eager=True)
            frame = self.inner.columns(inner_lines).with_columns(line=inner_lines, lineno=rows)
            if self._others:
                frame = self._adopt_strays(frame)  # keeps the key's order
            # The wrapper's columns win over the inner format's (syslog's pid is the process's);
            # joined by row, so lines another format claimed keep them too.
            carried = [c for c in outer.columns if c not in _NOT_CARRIED]
            frame = frame.drop([c for c in carried if c in frame.columns and c != "lineno"])
            frame = frame.rename({"lineno": "_outer_row"}).join(
                outer.select(*carried, outer=pl.col("line"), _outer_row=rows), on="_outer_row",
                how="left", maintain_order="left").drop("_outer_row")
            if "w_instance" in frame.columns:
                frame = frame.with_columns(instance=pl.col("w_instance"))
            yield frame

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        return self.inner.columns(lines)

    def continues(self) -> pl.Expr | None:
        own = self.wrapper.own_continues()
        return own if own is not None else self.inner.continues()

    def generic_applies(self) -> pl.Expr:
        return self.inner.generic_applies()

    def arrange(self, frame: pl.DataFrame) -> pl.DataFrame:
        own = self.wrapper.own_arrange(frame)
        if own is not None:
            return own
        # Continuation lines go under their own instance's event first (two services'
        # output interleaves), then the inner format reorders within (Postgres: by pid).
        frame = FrameFormat.arrange(self, frame)
        if type(self.inner).arrange is FrameFormat.arrange:
            return frame
        return self.inner.arrange(frame)

    def ts_text(self, rows: pl.DataFrame) -> pl.Series | None:
        return self.inner.ts_text(rows)

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        return self.inner.ts_ns(ts_text)

    def parse_ts(self, text: str) -> int | None:
        return self.inner.parse_ts(text)

    def _count(self, frame: pl.DataFrame, complete: Any, stats: SourceStats) -> None:
        # A line in the wrapper's shape is parsed even when what it carries is free text (a
        # Node stack in compose output); the inner rules keep seeing the inner verdict.
        counted = frame.with_columns(parsed=pl.col("parsed").fill_null(False)
                                     | pl.col("w_parsed").fill_null(False))
        super()._count(counted, complete, stats)

    def _build(self, frame: pl.DataFrame, heads: Any, chosen: Any, open_from: int,
               source: str, options: ReadOptions) -> Iterator[Record]:
        # Lines another format claimed (app JSON among PostgreSQL lines) are built by that
        # format; the wrapper still adds its time, service and instance.
        claimed: dict[int, dict[str, Any]] | None = None
        for record in super()._build(frame, heads, chosen, open_from, source, options):
            if record.format not in (self.name, "plain") and "fmt" in frame.columns:
                if claimed is None:
                    rows = frame.filter(pl.col("fmt").is_not_null())
                    claimed = {row["lineno"]: row for row in rows.iter_rows(named=True)}
                record = self.wrapper.finish(record, claimed.get(record.lineno, {}), own=False)
            yield record

    def record(self, rows: EventRows, source: str) -> Record:
        record = self.inner.record(rows, source)
        if record.format == "plain" and rows.columns.get("w_parsed"):
            record = dataclasses.replace(record, format=self.name)
        return self.wrapper.finish(record, rows.columns)
