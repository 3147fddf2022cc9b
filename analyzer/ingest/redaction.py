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
