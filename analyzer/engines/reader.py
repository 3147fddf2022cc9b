"""Candidate rows of an engine -> Records, streamed one Arrow batch at a time.

The engine runs the candidate query (see compile); each batch becomes Records the Session
routes like any file's. What came back is counted in a Transfer (rows, Arrow bytes), and the
source's SourceStats says how many rows the table has (`lines`) and how many came back
(`records`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analyzer.engines.compile import Columns, Prefilter, candidate_query
from analyzer.engines.connect import Engine, optional_module
from analyzer.errors import InputError
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.model import Record, SourceStats, frozen_map

# column names taken when the URL does not name them (first one present wins)
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "message": ("message", "event_message", "msg"),
    "time": ("ts", "timestamp", "time"),
    "service": ("service",), "instance": ("instance",), "level": ("level",),
    "code": ("code", "sql_state_code"), "fields": ("fields",), "lineno": ("lineno",),
    "format": ("format",),
}
_UNIT_NS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


@dataclass(slots=True)
class Transfer:
    """What one engine source brought back."""

    rows_total: int = 0
    rows_back: int = 0
    bytes_back: int = 0


def table_columns(engine: Engine) -> Columns:
    """The columns to read: named in the URL, else the default names the table has."""
    present = engine.column_names()
    chosen: dict[str, str | None] = {}
    for key, names in DEFAULT_NAMES.items():
        asked = engine.params.get(key)
        if asked:
            if asked not in present:
                raise InputError(engine.name, f"{key}={asked}: no such column (the table has "
                                              f"{', '.join(present) or 'no columns'})")
            chosen[key] = asked
        else:
            chosen[key] = next((n for n in names if n in present), None)
    message = chosen.pop("message")
    if message is None:
        raise InputError(engine.name, "no message column (name it with ?message=COLUMN; the "
                                      f"table has {', '.join(present) or 'no columns'})")
    return Columns(message=message, **chosen)


def read_engine(engine: Engine, prefilter: Prefilter, stats: SourceStats, *,
                max_line_chars: int = 64 * 1024,
                transfer: Transfer | None = None) -> Iterator[Record]:
    """The candidate rows as Records, in the table's line order (its lineno column) or time
    order. InputError when the engine rejects the query."""
    transfer = transfer if transfer is not None else Transfer()
    try:
        columns = table_columns(engine)
        order = [c for c in (columns.lineno or columns.time,) if c]
        query = candidate_query(engine.dialect, engine.table, columns, prefilter, order)
        transfer.rows_total = engine.count()
        stats.lines += transfer.rows_total
        for batch in engine.batches(query):
            transfer.rows_back += batch.num_rows
            transfer.bytes_back += batch.nbytes
            yield from _records(engine.name, batch, stats, max_line_chars)
    except InputError:
        raise
    except Exception as exc:  # the driver's own error: one line
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(engine.name, f"query failed: {first}") from None


def _records(source: str, batch: Any, stats: SourceStats,
             max_chars: int) -> Iterator[Record]:
    names = batch.schema.names
    column = {name: batch.column(name) for name in names}
    times = _times(column["ts"]) if "ts" in column else [None] * batch.num_rows
    values = {name: column[name].to_pylist() for name in names if name != "ts"}
    messages = values["message"]
    for i in range(batch.num_rows):
        message = messages[i]
        if message is None:
            stats.unparsed += 1
            continue
        message = str(message)
        if len(message) > max_chars:
            message = message[:max_chars]
            stats.truncated_lines += 1
        fields = _fields(values, i, stats)
        lineno = values["lineno"][i] if "lineno" in values else None
        fmt = str(values["format"][i]) if "format" in values and values["format"][i] else "engine"
        stats.records += 1
        stats.formats[fmt] = stats.formats.get(fmt, 0) + 1
        yield Record(source=source, lineno=int(lineno) if lineno is not None else stats.records,
                     format=fmt, message=message, raw=message, ts=times[i],
                     service=_text(values, "service", i), instance=_text(values, "instance", i),
                     level=_text(values, "level", i), fields=frozen_map(fields))


def _text(values: dict[str, list[Any]], name: str, i: int) -> str | None:
    value = values[name][i] if name in values else None
    return None if value is None or value == "" else str(value)


def _fields(values: dict[str, list[Any]], i: int, stats: SourceStats) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    text = values["fields"][i] if "fields" in values else None
    if text:
        try:
            parsed = json.loads(text) if isinstance(text, str | bytes) else text
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            fields = parsed
        else:
            stats.unparsed += 1
    code = _text(values, "code", i)
    if code is not None:
        fields.setdefault("code", code)
    return fields


def _times(array: Any) -> list[int | None]:
    """A time column as ns since the epoch (UTC): timestamps of any unit (a zone-less one
    read as UTC), RFC3339 text, or integers (s/ms/µs/ns told apart by size)."""
    pa = optional_module("pyarrow", "engine")
    kind = array.type
    if pa.types.is_timestamp(kind):
        scale = _UNIT_NS[kind.unit]
        return [None if v is None else v * scale for v in array.cast(pa.int64()).to_pylist()]
    if pa.types.is_integer(kind):
        return [None if v is None else _int_ns(v) for v in array.to_pylist()]
    return [None if v is None else parse_iso_ns(str(v)) for v in array.to_pylist()]


def _int_ns(value: int) -> int:
    for limit, scale in ((10**17, 1), (10**14, 1_000), (10**11, 1_000_000)):
        if abs(value) >= limit:
            return value * scale
    return value * 1_000_000_000
