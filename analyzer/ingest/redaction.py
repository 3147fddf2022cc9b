"""The cleaning stage: every Record leaves ingest with its secrets and control characters gone.

Readers build Records from raw text; before one reaches matching, mining or any report, its
message, raw text and field values pass the cleaner (`ReadOptions.clean`, from the settings:
`textsafe.cleaner`, escapes and controls stripped, secrets redacted unless `--no-redact`).
Rules, captures, entities, template text and values, samples, alerts and the state DB then only
ever see clean text; the reporters clean once more on output (text they did not get from a
Record, such as a file name or a schema URL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

import polars as pl

from analyzer.model import Record, frozen_map

Cleaner = Callable[[str], str]


def clean_value(value: Any, clean: Cleaner) -> Any:
    """Strings cleaned, also inside lists and mappings (structured JSON fields)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, Mapping):
        return {k: clean_value(v, clean) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_value(v, clean) for v in value)
    return value


def clean_record(record: Record, clean: Cleaner) -> Record:
    """The record cleaned; the same object when nothing changes (the common
    case costs the cleaner's searches per text, no copy)."""
    message = clean(record.message)
    raw = message if record.raw == record.message else clean(record.raw)
    cleaned = {k: clean_value(v, clean) for k, v in record.fields.items()}
    fields_changed = cleaned != record.fields
    if message == record.message and raw == record.raw and not fields_changed:
        return record
    fields = frozen_map(cleaned) if fields_changed else record.fields
    return replace(record, message=message, raw=raw, fields=fields)


def cleaned(records: Iterable[Record], clean: Cleaner | None) -> Iterator[Record]:
    if clean is None:
        yield from records
        return
    for record in records:
        yield clean_record(record, clean)


def read_cleaned(records: Iterable[Record], clean: Cleaner | None, *,
                 cleans_itself: bool) -> Iterator[Record]:
    """A format's records through the cleaning stage, unless the format cleans its own
    (frame formats: `event_cleaning`)."""
    return iter(records) if cleans_itself else cleaned(records, clean)


def event_cleaning(rows: pl.DataFrame, offsets: pl.Series, clean: Cleaner | None,
                   gate: str | None) -> list[bool]:
    """Which events of these rows (event k is rows offsets[k] up to the next offset) must pass
    the cleaner: those with a row whose text columns the gate matches (textsafe.cleaner_gate).
    A record's text is made of its rows' texts, so an event with no such row has nothing to
    clean. No gate, or a column that is not text, numbers or flags: every event."""
    if clean is None:
        return [False] * len(offsets)
    texts = []
    for name, dtype in rows.schema.items():
        if dtype == pl.String:
            texts.append(pl.col(name).str.contains(gate or "").fill_null(False))
        elif not (dtype.is_numeric() or dtype in (pl.Boolean, pl.Null)):
            gate = None
    if gate is None or not texts:
        return [gate is None] * len(offsets)
    # flagged rows up to each row: an event's count is the difference across its rows
    seen = rows.select(pl.any_horizontal(texts).cast(pl.Int64).cum_sum()).to_series()
    ends = offsets.shift(-1, fill_value=rows.height) - 1
    before = seen.shift(1, fill_value=0).gather(offsets)
    return (seen.gather(ends) - before > 0).to_list()
