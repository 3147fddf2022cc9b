"""Building a Record from what a format parsed: the one place that also unwraps an app's JSON
line carried inside another format, lifts structured fields from the text and settles the
level, so every format gives rules and diagnosis the same fields."""

from __future__ import annotations

import re
from typing import Any

from analyzer.ingest.levels import infer_level, normalize_level
from analyzer.ingest.lift import lift_text_fields
from analyzer.ingest.shapes import decode_object, entry_of
from analyzer.memo import memoized_text
from analyzer.model import Record, frozen_map

_NO_FIELDS = frozen_map()
# A message longer than this is not tried as embedded JSON (it would be a dump, not a line).
_MAX_EMBEDDED = 256 * 1024


def event_record(*, source: str, lineno: int, fmt: str, message: str, raw: str,
                 end_lineno: int | None = None, ts: int | None = None,
                 level: str | None = None, service: str | None = None,
                 instance: str | None = None, fields: dict[str, Any] | None = None) -> Record:
    first = message[:1]
    embedded = first == "{" or (first.isspace() and message.lstrip()[:1] == "{")
    if not fields and level is None and not embedded:
        # the common case: what the text says, looked up for a message seen before
        lifted, level = _lifted(message)
        return Record(source=source, lineno=lineno, end_lineno=end_lineno or lineno,
                      format=fmt, message=message, raw=raw, ts=ts, service=service,
                      instance=instance, level=level, fields=lifted)
    values: dict[str, Any] = dict(fields) if fields else {}
    if embedded:
        message, level, ts, service = _unwrap(message, values, level, ts, service)
    lift_text_fields(message, values)
    if level is None:
        level = _level(message, values)
    return Record(source=source, lineno=lineno, end_lineno=end_lineno or lineno, format=fmt,
                  message=message, raw=raw, ts=ts, service=service, instance=instance,
                  level=level, fields=frozen_map(_texts(values)) if values else _NO_FIELDS)


def unlifted_record(*, source: str, lineno: int, fmt: str, message: str, raw: str,
                    end_lineno: int, ts: int | None, instance: str | None) -> Record:
    """event_record of a message holding none of lift.LIFT_LITERALS (so no JSON object
    either) with no fields or level given: no fields to lift, the level from the text."""
    return Record(source=source, lineno=lineno, end_lineno=end_lineno, format=fmt,
                  message=message, raw=raw, ts=ts, instance=instance,
                  level=_platform_level(message) or infer_level(message))


def _level(message: str, values: dict[str, Any]) -> str | None:
    return (normalize_level(values.get("severity")) if values else None) \
        or _platform_level(message) or infer_level(message)


def _lift_only(message: str) -> tuple[Any, str | None]:
    """The fields and level of a plain message (no fields, no level given): a pure function
    of the text, so memoized (`_lifted`); the frozen fields are shared, never changed."""
    values = lift_text_fields(message, {})
    return (frozen_map(_texts(values)) if values else _NO_FIELDS), _level(message, values)


_lifted = memoized_text(_lift_only)


def _unwrap(message: str, fields: dict[str, Any], level: str | None, ts: int | None,
            service: str | None) -> tuple[str, str | None, int | None, str | None]:
    """A JSON log object inside the message (pino in a Render line) is parsed a second time:
    its message, level and fields replace the outer ones; the outer time stays."""
    first, _, rest = message.lstrip().partition("\n")
    if len(first) > _MAX_EMBEDDED or not first.rstrip().endswith("}"):
        return message, level, ts, service
    entry = entry_of(decode_object(first))
    if entry is None:
        return message, level, ts, service
    for name, value in entry.fields.items():
        fields.setdefault(name, value)
    inner = entry.message + ("\n" + rest if rest else "")
    return inner, entry.level or level, ts or entry.ts, service or entry.service


# Render's own `==> ` lines that say a deploy or the service is in trouble.
_PLATFORM_ERROR = re.compile(r"^==> (?:Exited with status [1-9]|Build failed|Deploy failed"
                             r"|Timed out|Out of memory|Ran out of memory)")
_PLATFORM_WARNING = re.compile(r"^==> No open ports detected")


def _platform_level(message: str) -> str | None:
    if not message.startswith("==> "):
        return None
    if _PLATFORM_ERROR.match(message):
        return "error"
    if _PLATFORM_WARNING.match(message):
        return "warning"
    return "info"


def _texts(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str) else str(v) for k, v in values.items()
            if v is not None and v != ""}
