"""JSON log objects -> one normalized Entry (message, level, time, fields).

The shapes an object can have, recognised by its keys (a registry, first match wins):
PostgreSQL jsonlog, Supabase Auth (GoTrue) lines, a PostgREST error body, and application
loggers (pino, bunyan, winston and similar: `msg`/`message`, numeric or named `level`,
`err.stack`). Used by the JSON-lines formats and to unwrap an app's JSON line carried inside
another format (a Render line whose message is a pino object).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from analyzer.ingest.levels import normalize_level
from analyzer.ingest.sqlstate import CLASSES as SQLSTATE_CLASSES
from analyzer.ingest.timestamps import parse_iso_ns

# pino / bunyan numeric levels
_NUMERIC_LEVELS = {10: "debug", 20: "debug", 30: "info", 40: "warning", 50: "error",
                   60: "critical"}
# Error properties (node-pg, postgres.js, PostgREST, Prisma) -> canonical field names.
ERROR_FIELDS = {
    "code": "code", "hint": "hint", "detail": "detail", "details": "detail",
    "position": "position", "where": "context", "schema": "schema", "table": "table",
    "column": "column", "constraint": "constraint", "routine": "routine", "sql": "statement",
    "query": "statement", "severity": "severity", "errno": "errno", "syscall": "syscall",
    "pgcode": "code", "sqlstate": "code", "sqlState": "code", "sql_state": "code",
}
# Top-level keys of app logs that are worth keeping as fields.
TOP_FIELDS = {
    "hostname": "host", "pid": "pid", "reqId": "request_id", "req_id": "request_id",
    "requestId": "request_id", "request_id": "request_id", "method": "method", "path": "path",
    "url": "path", "status": "status", "statusCode": "status", "code": "code",
    "hint": "hint", "detail": "detail", "sql": "statement", "table": "table",
    "column": "column", "schema": "schema", "error_name": "error_name",
    # the SQLSTATE as Python drivers name it (psycopg's pgcode / sqlstate, asyncpg's sqlstate)
    "pgcode": "code", "sqlstate": "code", "sql_state": "code",
}


@dataclass(slots=True)
class Entry:
    message: str
    shape: str
    level: str | None = None
    ts: int | None = None
    service: str | None = None
    instance: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def epoch_to_ns(value: float) -> int | None:
    """Seconds, ms, µs or ns since the epoch (told apart by magnitude) -> ns."""
    if value <= 0:
        return None
    for limit, scale in ((1e11, 1_000_000_000), (1e14, 1_000_000), (1e17, 1_000)):
        if value < limit:
            return int(value * scale)
    return int(value)


def ts_of(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return epoch_to_ns(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return epoch_to_ns(int(text))
        return parse_iso_ns(text)
    return None


def level_of(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _NUMERIC_LEVELS.get(int(value) // 10 * 10)
    if isinstance(value, str):
        return normalize_level(value) or (_NUMERIC_LEVELS.get(int(value) // 10 * 10)
                                          if value.isdigit() else None)
    return None


def level_from_status(status: Any) -> str | None:
    """HTTP status -> level (Auth logs every request at info, even failed ones)."""
    try:
        code = int(status)
    except (TypeError, ValueError):
        return None
    return "error" if code >= 500 else "warning" if code >= 400 else "info"


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _put(fields: dict[str, Any], name: str, value: Any) -> None:
    text = text_of(value)
    if text not in (None, "", "null", "undefined") and name not in fields:
        fields[name] = text


# -- shapes ------------------------------------------------------------------------------------

def _is_pg_json(obj: dict) -> bool:
    return "error_severity" in obj and "message" in obj


def pg_json_entry(obj: dict) -> Entry:
    fields: dict[str, Any] = {}
    for key, name in (("error_severity", "severity"), ("state_code", "code"),
                      ("hint", "hint"), ("detail", "detail"), ("statement", "statement"),
                      ("context", "context"), ("internal_query", "internal_query"),
                      ("cursor_position", "position"), ("user", "user"),
                      ("dbname", "database"), ("application_name", "application_name"),
                      ("pid", "pid"), ("session_id", "session_id"),
                      ("remote_host", "host"), ("backend_type", "backend_type")):
        _put(fields, name, obj.get(key))
    return Entry(message=pg_event_text(text_of(obj.get("message")) or "", fields),
                 shape="postgres_json",
                 level=normalize_level(obj.get("error_severity")),
                 ts=ts_of(obj.get("timestamp")), fields=fields)


def pg_event_text(message: str, fields: dict[str, Any]) -> str:
    """A Postgres error as its stderr lines read: the message, then DETAIL/HINT/STATEMENT."""
    lines = [message]
    for tag, name in (("DETAIL", "detail"), ("HINT", "hint"), ("CONTEXT", "context"),
                      ("STATEMENT", "statement")):
        if fields.get(name):
            lines.append(f"{tag}:  {fields[name]}")
    return "\n".join(lines)


# csvlog column -> canonical field name (csvlog files and CloudNativePG's JSON records)
CSVLOG_FIELDS = {
    "user_name": "user", "database_name": "database", "process_id": "pid",
    "session_id": "session_id", "error_severity": "severity", "sql_state_code": "code",
    "detail": "detail", "hint": "hint", "internal_query": "internal_query",
    "context": "context", "query": "statement", "query_pos": "position",
    "application_name": "application_name", "backend_type": "backend_type",
    "command_tag": "command_tag",
}


def _is_cnpg(obj: dict) -> bool:
    return obj.get("logger") == "postgres" and isinstance(obj.get("record"), dict)


def cnpg_entry(obj: dict) -> Entry:
    """CloudNativePG: the instance manager wraps each csvlog record, its columns as keys."""
    record = obj["record"]
    fields: dict[str, Any] = {}
    for key, name in CSVLOG_FIELDS.items():
        _put(fields, name, record.get(key))
    host = text_of(record.get("connection_from"))
    if host:
        fields["host"] = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return Entry(message=pg_event_text(text_of(record.get("message")) or "", fields),
                 shape="cnpg", level=normalize_level(text_of(record.get("error_severity"))),
                 ts=ts_of(record.get("log_time")) or ts_of(obj.get("ts")),
                 instance=text_of(obj.get("logging_pod")), fields=fields)


def _is_gotrue(obj: dict) -> bool:
    return "msg" in obj and ("component" in obj or "auth_event" in obj
                             or ("remote_addr" in obj and "status" in obj))


def gotrue_entry(obj: dict) -> Entry:
    fields: dict[str, Any] = {}
    for key, name in (("status", "status"), ("method", "method"), ("path", "path"),
                      ("request_id", "request_id"), ("error_code", "code"),
                      ("remote_addr", "host"), ("level", "severity")):
        _put(fields, name, obj.get(key))
    message = text_of(obj.get("msg")) or ""
    error = text_of(obj.get("error"))
    if error and error not in message:
        message = f"{message}: {error}" if message else error
    level = level_from_status(obj.get("status")) or level_of(obj.get("level"))
    return Entry(message=message, shape="supabase_auth", level=level,
                 ts=ts_of(obj.get("time") or obj.get("timestamp")), fields=fields)


def _is_postgrest_body(obj: dict) -> bool:
    return "code" in obj and "message" in obj and set(obj) <= {"code", "details", "hint",
                                                               "message"}


def postgrest_body_entry(obj: dict) -> Entry:
    fields: dict[str, Any] = {}
    for key, name in (("code", "code"), ("details", "detail"), ("hint", "hint")):
        _put(fields, name, obj.get(key))
    return Entry(message=text_of(obj.get("message")) or "", shape="postgrest", level="error",
                 fields=fields)


_BODY_KEYS = ("details", "detail", "hint")


def is_error_body(obj: Any) -> bool:
    """An error object as drivers and PostgREST print it: a `code` and a `message`, with
    `details`/`hint` beside them or a code in the shape of a SQLSTATE or a PGRST code."""
    if not isinstance(obj, dict) or "message" not in obj or not obj.get("code"):
        return False
    code = str(obj["code"])
    if len(code) == 5 and code[:2] in ("00", "01", "02"):
        return False  # success, warning, no data: said by a server, no error
    return any(key in obj for key in _BODY_KEYS) or is_error_code(code)


def is_error_code(code: str) -> bool:
    """A SQLSTATE outside the success and warning classes, or a PostgREST error code."""
    if len(code) == 8 and code.startswith("PGRST") and code[5:].isdigit():
        return True
    return (len(code) == 5 and code.isalnum() and code.upper() == code
            and code[:2] in SQLSTATE_CLASSES and code[:2] not in ("00", "01", "02"))


def _is_app(obj: dict) -> bool:
    return any(key in obj for key in ("msg", "message", "err", "error"))


def app_entry(obj: dict) -> Entry:
    """pino / bunyan / winston: message, level, time and the error's properties."""
    fields: dict[str, Any] = {}
    message = text_of(obj.get("msg") if "msg" in obj else obj.get("message")) or ""
    error = obj.get("err") if isinstance(obj.get("err"), dict) else obj.get("error")
    stack = text_of(obj.get("stack"))
    if isinstance(error, dict):
        stack = text_of(error.get("stack")) or stack
        _lift_error(error, fields)
        inner = text_of(error.get("message"))
        if inner and inner not in message and not (stack and inner in stack):
            message = f"{message}: {inner}" if message else inner
    elif isinstance(error, str) and error not in message:
        message = f"{message}: {error}" if message else error
    if stack:
        # winston puts `Error: <message>` first in the stack: do not say it twice
        said = not message or message in stack.split("\n", 1)[0]
        message = stack if said else f"{message}\n{stack}"
    for key, name in TOP_FIELDS.items():
        _put(fields, name, obj.get(key))
    for nested, key, name in (("req", "method", "method"), ("req", "url", "path"),
                              ("req", "id", "request_id"), ("res", "statusCode", "status")):
        inner_obj = obj.get(nested)
        if isinstance(inner_obj, dict):
            _put(fields, name, inner_obj.get(key))
    level_word = obj.get("level", obj.get("severity"))
    _put(fields, "severity", level_word)
    level = level_of(level_word)
    if level is None and (is_error_body(obj) or is_error_body(error)):
        level = "error"  # a printed error body says what it is without a level
    return Entry(message=message, shape="app_json", level=level,
                 ts=ts_of(obj.get("time", obj.get("timestamp"))),
                 service=text_of(obj.get("name") if isinstance(obj.get("name"), str)
                                 and "v" in obj else obj.get("service")),
                 fields=fields)


def _lift_error(error: dict, fields: dict[str, Any]) -> None:
    for key, name in ERROR_FIELDS.items():
        _put(fields, name, error.get(key))
    error_name = error.get("name") or error.get("type")
    if isinstance(error_name, str) and error_name[:1].isupper():
        _put(fields, "error_name", error_name)
    meta = error.get("meta")
    if isinstance(meta, dict):
        for key in ("column", "table"):
            _put(fields, key, meta.get(key))
    for cause_key in ("cause", "parent", "original", "driverError"):
        cause = error.get(cause_key)
        if isinstance(cause, dict):
            _lift_error(cause, fields)


SHAPES: tuple[tuple[str, Callable[[dict], bool], Callable[[dict], Entry]], ...] = (
    ("cnpg", _is_cnpg, cnpg_entry),
    ("postgres_json", _is_pg_json, pg_json_entry),
    ("supabase_auth", _is_gotrue, gotrue_entry),
    ("postgrest", _is_postgrest_body, postgrest_body_entry),
    ("app_json", _is_app, app_entry),
)


def is_log_object(obj: Any) -> bool:
    """Whether entry_of(obj) gives an Entry (without building it)."""
    return isinstance(obj, dict) and any(test(obj) for _name, test, _build in SHAPES)


def entry_of(obj: Any) -> Entry | None:
    """The Entry of a decoded JSON log object, or None when it is no log object we know."""
    if not isinstance(obj, dict):
        return None
    for _name, test, build in SHAPES:
        if test(obj):
            return build(obj)
    return None


def decode_object(text: str) -> dict | None:
    """A JSON object from text, or None (never raises)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
