"""Records of the chosen events of one block (frames.FrameFormat._build): the rows' columns as
Python lists in, Records out, one pass over the events.

A format that keeps the driver's own `record` and `event_ts` (most line formats) has its
records built straight from the lists: no EventRows, no per-event dict of columns, no slices
for a one-line event (most events are one line). The records are those `record` builds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from analyzer.ingest.events import event_record, unlifted_record
from analyzer.ingest.lift import LIFT_LITERALS
from analyzer.ingest.redaction import clean_record
from analyzer.model import Record

if TYPE_CHECKING:
    from analyzer.ingest.formats.frames import FrameFormat

# Columns every row has, which are not the head row's `columns` of an EventRows.
BOOKKEEPING = ("line", "message", "parsed", "lineno", "end_lineno", "claimed_ts_ns")


@dataclass(slots=True)
class EventRows:
    """The rows of one event, as the driver hands them to a format."""

    lineno: int
    end_lineno: int
    lines: list[str]
    messages: list[str]
    parsed: bool
    columns: dict[str, Any]  # the head row's other columns (ts text, level, instance, ...)


def block_records(fmt: FrameFormat, rows: pl.DataFrame, data: dict[str, list[Any]],
                  offsets: list[int], sizes: list[int], dirty: list[bool], source: str,
                  clean: Callable[[str], str] | None) -> Iterator[Record]:
    """Event k is rows offsets[k] up to +sizes[k] of `rows` (`data`: its columns as lists);
    blank events are skipped; those flagged in `dirty` pass `clean`."""
    if _is_plain(fmt, data):
        # which rows' messages hold a literal field lifting looks for, in one pass: a one-line
        # event whose message holds none has no fields to lift (the common ORM query line)
        lifts = rows.get_column("message").str.contains_any(list(LIFT_LITERALS)) \
            .fill_null(True).to_list()
        built = _plain(fmt, data, lifts, offsets, sizes, dirty, source)
    else:
        built = _through_format(fmt, data, offsets, sizes, dirty, source)
    for record, to_clean in built:
        yield clean_record(record, clean) if to_clean and clean else record


def _is_plain(fmt: FrameFormat, data: dict[str, list[Any]]) -> bool:
    from analyzer.ingest.formats.frames import FrameFormat

    kind = type(fmt)
    return "fmt" not in data and kind.record is FrameFormat.record and \
        kind.event_ts is FrameFormat.event_ts


def _through_format(fmt: FrameFormat, data: dict[str, list[Any]], offsets: list[int],
                    sizes: list[int], dirty: list[bool], source: str
                    ) -> Iterator[tuple[Record, bool]]:
    extra = [name for name in data if name not in BOOKKEEPING]
    messages_of, lines_of, linenos_of = data["message"], data["line"], data["lineno"]
    # Rows read from multi-line entries (JSON, YAML) say where each ends.
    ends_of = data.get("end_lineno", linenos_of)
    for at, size, to_clean in zip(offsets, sizes, dirty, strict=True):
        stop = at + size
        messages = messages_of[at:stop]
        blank = not messages[0].strip() if size == 1 else not any(m.strip() for m in messages)
        if blank:
            continue
        event = EventRows(lineno=linenos_of[at], end_lineno=max(ends_of[at:stop]),
                          lines=lines_of[at:stop], messages=messages,
                          parsed=bool(data["parsed"][at]),
                          columns={name: data[name][at] for name in extra})
        other = event.columns.get("fmt")
        yield (fmt._others.get(other, fmt) if other else fmt).record(event, source), to_clean


def _plain(fmt: FrameFormat, data: dict[str, list[Any]], lifts: list[bool], offsets: list[int],
           sizes: list[int], dirty: list[bool], source: str) -> Iterator[tuple[Record, bool]]:
    """What FrameFormat.record and event_ts give, from the lists directly."""
    messages_of, lines_of, linenos_of = data["message"], data["line"], data["lineno"]
    ends_of, parsed_of = data.get("end_lineno", linenos_of), data["parsed"]
    ts_ns_of, ts_of, instance_of = data.get("ts_ns"), data.get("ts"), data.get("instance")
    name = fmt.name
    for at, size, to_clean in zip(offsets, sizes, dirty, strict=True):
        if size == 1:
            message = messages_of[at]
            if not message.strip():
                continue
            raw, end = lines_of[at], ends_of[at]
        else:
            stop = at + size
            messages = messages_of[at:stop]
            if not any(m.strip() for m in messages):
                continue
            message, raw = "\n".join(messages), "\n".join(lines_of[at:stop])
            end = max(ends_of[at:stop])
        ts = ts_ns_of[at] if ts_ns_of is not None else None
        if ts is None and ts_of is not None:
            text = ts_of[at]
            ts = fmt.parse_ts(text) if text else None
        build = event_record if size > 1 or lifts[at] else unlifted_record
        yield build(source=source, lineno=linenos_of[at], end_lineno=end,
                    fmt=name if parsed_of[at] else "plain", message=message, raw=raw, ts=ts,
                    instance=instance_of[at] if instance_of is not None else None), to_clean
