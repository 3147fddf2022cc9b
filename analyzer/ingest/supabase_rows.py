"""Supabase Logs Explorer rows (any export: JSON, CSV, Markdown) -> one normalized Entry.

Both storage generations map to the same fields: the BigQuery era nests everything in arrays
of one object (`metadata[0].parsed[0].error_severity`, timestamps in µs since the epoch), the
ClickHouse era has a flat `log_attributes` map (`parsed.error_severity`, zone-less ISO
timestamps). Exports also flatten chosen columns to the top level (`error_severity`,
`status_code`, `method`, ...). Postgres rows read like Postgres errors (HINT/STATEMENT under
the message), Auth rows carry GoTrue JSON in `event_message`, edge rows say
`METHOD | STATUS | ip | ray | url | ua` and name the PostgREST code in `proxy_status`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from analyzer.ingest.levels import normalize_level
from analyzer.ingest.shapes import (
    Entry,
    decode_object,
    entry_of,
    level_from_status,
    pg_event_text,
    text_of,
    ts_of,
)

# canonical field -> the flattened keys that can hold it, best first
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "severity": ("parsed.error_severity", "error_severity", "severity_text", "level",
                 "severity"),
    "code": ("parsed.sql_state_code", "sql_state_code", "x_sb_error_code",
             "response.headers.x_sb_error_code"),
    "hint": ("parsed.hint", "hint"),
    "detail": ("parsed.detail", "detail"),
    "statement": ("parsed.query", "query"),
    "context": ("parsed.context", "context"),
    "position": ("parsed.query_pos", "query_pos"),
    "user": ("parsed.user_name", "user_name"),
    "database": ("parsed.database_name", "database_name"),
    "application_name": ("parsed.application_name", "application_name"),
    "pid": ("parsed.process_id", "process_id"),
    "session_id": ("parsed.session_id", "session_id"),
    "status": ("response.status_code", "status_code", "status"),
    "method": ("request.method", "method"),
    "path": ("request.path", "path", "pathname", "request.pathname"),
    "host": ("request.host", "host"),
    "request_id": ("response.headers.sb_request_id", "request_id", "sb_request_id"),
}
_PROXY_CODE_RE = re.compile(r"error=(PGRST\w+|[0-9A-Z]{5})")
_EDGE_RE = re.compile(r"^([A-Z]+) \| (\d{3}) \|")
_POSTGRES_SOURCES = ("postgres_logs", "postgres", "pg_cron_logs", "pg_upgrade_logs")


def flatten(value: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Nested dicts and one-element arrays of dicts -> `a.b.c` keys (the BigQuery nesting)."""
    out = {} if out is None else out
    while isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict | list):
        value = value[0]
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif prefix and prefix not in out:
        out[prefix] = value
    return out


def row_values(row: dict[str, Any]) -> dict[str, Any]:
    """Every value of a row by flattened key (metadata/log_attributes without their prefix)."""
    flat: dict[str, Any] = {}
    for container in ("metadata", "log_attributes"):
        inner = row.get(container)
        if isinstance(inner, str) and inner[:1] in "[{":
            inner = _json_or(inner)
        if isinstance(inner, dict | list):
            flatten(inner, "", flat)
    for key, value in row.items():
        if key not in ("metadata", "log_attributes"):
            flat.setdefault(key, value)
    return flat


def _json_or(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _first(flat: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        text = text_of(flat.get(key))
        if text not in (None, "", "null", "undefined"):
            return text
    return None


# flattened key -> (canonical field, rank): one pass over a row's keys finds every field
_KEY_FIELDS = {key: (name, rank) for name, keys in FIELD_KEYS.items()
               for rank, key in enumerate(keys)}


def _fields_of(flat: dict[str, Any]) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    for key, value in flat.items():
        known = _KEY_FIELDS.get(key)
        if known is None or value is None:
            continue
        name, rank = known
        if name in best and best[name][0] <= rank:
            continue
        text = text_of(value)
        if text not in (None, "", "null", "undefined"):
            best[name] = (rank, text)
    return {name: text for name, (_, text) in best.items()}


def supabase_entry(row: dict[str, Any]) -> Entry | None:
    """The Entry of one exported row, or None when it has no event_message."""
    if "event_message" not in row:
        return None
    flat = row_values(row)
    source = text_of(row.get("source") or row.get("log_type") or row.get("identifier"))
    fields = _fields_of(flat)
    message = text_of(row.get("event_message")) or ""
    if _is_postgres(source, fields) and fields.get("status") and "code" not in fields:
        fields["code"] = fields.pop("status")  # Unified Logs put the SQLSTATE in `status`
    proxy = _first(flat, ("response.headers.proxy_status", "proxy_status"))
    if proxy and "code" not in fields and (found := _PROXY_CODE_RE.search(proxy)):
        fields["code"] = found.group(1)
    ts = ts_of(row.get("timestamp")) or ts_of(flat.get("parsed.timestamp"))
    level = _level(message, fields)
    inner = entry_of(decode_object(message)) if message.startswith("{") else None
    if inner is not None:  # Auth rows: GoTrue's JSON line
        for name, value in inner.fields.items():
            fields.setdefault(name, value)
        message, level = inner.message, inner.level or level
    elif fields.get("severity") and _is_postgres(source, fields):
        message = pg_event_text(message, fields)
    return Entry(message=message, shape="supabase", level=level, ts=ts, service=source,
                 fields=fields)


def _is_postgres(source: str | None, fields: dict[str, Any]) -> bool:
    if source:
        return source in _POSTGRES_SOURCES
    return "user" in fields or "database" in fields or "pid" in fields


def _level(message: str, fields: dict[str, Any]) -> str | None:
    edge = _EDGE_RE.match(message)
    if edge:
        fields.setdefault("method", edge.group(1))
        fields.setdefault("status", edge.group(2))
    status = fields.get("status")
    if status and str(status).isdigit() and len(str(status)) == 3:
        return level_from_status(status)
    return normalize_level(fields.get("severity"))
