"""Structured fields found in free text, lifted into Record.fields under the canonical names.

Sources: util.inspect property blocks (`code: '42703'`, `hint: '…'`, `sql: '…'`), JSON bodies
embedded in a line (`{"code":"PGRST204",…}`), libpq / psycopg lines under an error (`HINT:  …`,
`DETAIL:  …`, `LINE 1: …`), SQLAlchemy's `[SQL: …]`, ` at character N`, the error class
that heads a stack (`SequelizeDatabaseError: …`), and the SQLSTATE wherever a driver or
platform prints it (sqlstate.py). A value the format already gave wins.
"""

from __future__ import annotations

import re
from typing import Any

from analyzer.ingest.sqlstate import SQLSTATE_HINTS, sqlstate_in

# Property names as drivers print them -> canonical field names.
PROPERTY_FIELDS = {
    "code": "code", "severity": "severity", "detail": "detail", "details": "detail",
    "hint": "hint", "position": "position", "where": "context", "schema": "schema",
    "table": "table", "column": "column", "constraint": "constraint", "routine": "routine",
    "sql": "statement", "query": "statement", "name": "error_name", "statusCode": "status",
    "status": "status", "method": "method", "path": "path", "requestId": "request_id",
    "request_id": "request_id", "errno": "code",
    # the SQLSTATE as Python drivers name it: psycopg's pgcode / sqlstate, asyncpg's sqlstate
    "pgcode": "code", "sqlstate": "code", "sqlState": "code", "sql_state": "code",
    "sql_state_code": "code", "state_code": "code",
}
_KEYS = "|".join(sorted(PROPERTY_FIELDS, key=len, reverse=True))
# `key: 'v'`, `key: "v"`, `key: 42`, `"key":"v"` followed by `,`, `}` or the end of a line.
_PROPERTY_RE = re.compile(
    rf"""(?:^|[\s{{,])["']?({_KEYS})["']?\s*:\s*"""
    r"""('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`\n]*`|-?\d+(?:\.\d+)?|[A-Za-z_]\w*)"""
    r"""(?=\s*(?:[,}\]]|$))""",
    re.MULTILINE,
)
_TAG_RE = re.compile(r"^\s*(HINT|DETAIL|CONTEXT|STATEMENT|QUERY|LINE \d+):  ?(.+)$",
                     re.MULTILINE)
_TAG_FIELDS = {"HINT": "hint", "DETAIL": "detail", "CONTEXT": "context",
               "STATEMENT": "statement", "QUERY": "internal_query"}
_TAGS = ("HINT", "DETAIL", "CONTEXT", "STATEMENT", "QUERY", "LINE ")
_SQL_RE = re.compile(r"\[SQL: (.+?)\](?:\n|$)", re.DOTALL)
_POSITION_RE = re.compile(r" at character (\d+)\b")
_ERROR_NAME_RE = re.compile(
    r"^[^\w\n]*(?:Uncaught\s+)?([A-Za-z_][\w.]*(?:Error|Exception|UndefinedColumn"
    r"|UndefinedTable))(?: \[[\w.]+\])?:", re.MULTILINE)
_NO_VALUE = ("undefined", "null", "None", "nil")
_MAX_SCAN = 16 * 1024
# A text holding none of these (case as written) lifts nothing: each step below tests one of
# them first. The frame driver tests a whole block's one-line events for them at once.
LIFT_LITERALS = ("\n", "{", *_TAGS, "[SQL: ", " at character ", *SQLSTATE_HINTS, "Error",
                 "Exception", "Undefined")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        inner = value[1:-1]
        return inner.replace("\\'", "'").replace('\\"', '"').replace("\\n", "\n")
    return value


def lift_text_fields(message: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Add the fields message states to fields (in place, never overwriting) and return it."""
    text = message[:_MAX_SCAN]
    if "\n" in text or "{" in text:
        _lift_properties(text, fields)
    if "\n" in text or text.startswith(_TAGS):
        _lift_tags(text, fields)
    if "[SQL: " in text and "statement" not in fields:
        found = _SQL_RE.search(text)
        if found:
            fields["statement"] = found.group(1).strip()
    if " at character " in text and "position" not in fields:
        found = _POSITION_RE.search(text)
        if found:
            fields["position"] = found.group(1)
    if "code" not in fields:
        code = sqlstate_in(text)
        if code:
            fields["code"] = code
    if "error_name" not in fields and ("Error" in text or "Exception" in text
                                       or "Undefined" in text):
        found = _ERROR_NAME_RE.search(text)
        if found:
            fields["error_name"] = found.group(1)
    return fields


def _lift_properties(text: str, fields: dict[str, Any]) -> None:
    for key, raw in _PROPERTY_RE.findall(text):
        if raw in _NO_VALUE:
            continue
        name = PROPERTY_FIELDS[key]
        value = _unquote(raw)
        if name == "error_name" and not value[:1].isupper():
            continue  # `name: 'error'` of node-pg says nothing
        if name == "code" and value.lstrip("-").isdigit() and key == "errno":
            continue  # errno -111 is less telling than code 'ECONNREFUSED'
        fields.setdefault(name, value)


def _lift_tags(text: str, fields: dict[str, Any]) -> None:
    for tag, value in _TAG_RE.findall(text):
        name = _TAG_FIELDS.get(tag, "statement")
        fields.setdefault(name, value.strip())
