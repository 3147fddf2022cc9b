"""What one log record tells the diagnosis besides the rule's captures: the failing SQL, the
server's or PostgREST's hint, and which ORM or client wrote it.

Reads structured fields first (`statement`, `hint`, `error_name`, set by the format parsers),
then the shapes ORMs and servers print inside messages. Pure functions over a Record.
"""

from __future__ import annotations

import re

from analyzer.model import Record

# Where the SQL sits in a message, per writer: (a literal the message must hold, in lower case,
# the pattern whose first group is the statement). The literal spares the regex on most records.
_STATEMENT_RES = (
    ("executing (", re.compile(r"\bExecuting \([^)]*\): (.+)")),  # Sequelize logging
    # node-pg / Sequelize error dumps (util.inspect)
    ("sql: ", re.compile(r"\bsql: '((?:[^'\\]|\\.)+)'")),
    ("sql: ", re.compile(r'\bsql: "((?:[^"\\]|\\.)+)"')),
    ("statement:  ", re.compile(r"\bSTATEMENT:  (.+(?:\n\t.*)*)")),  # PostgreSQL stderr
    ("log:  ", re.compile(r"\bLOG:  (?:statement|execute [^:]*): (.+)")),  # log_statement
    ("query", re.compile(r"\bquery(?: failed)?: ((?:SELECT|INSERT|UPDATE|DELETE|WITH)\b.+)",
                         re.I)),  # TypeORM
    ("prisma:query", re.compile(r"\bprisma:query (.+)")),
    ("[sql: ", re.compile(r"\[SQL: (.+?)\]", re.S)),  # SQLAlchemy exceptions
    ("sqlalchemy.engine", re.compile(
        r"\bsqlalchemy\.engine\.Engine (?:\[[^\]]*\] )?((?:SELECT|INSERT|UPDATE|DELETE|WITH)"
        r"\b.+)")),
)
_HINT_RES = (
    re.compile(r"\bHINT:  (.+)"),
    re.compile(r"\bhint: '((?:[^'\\]|\\.)+)'"),
    re.compile(r"\bhint: \"((?:[^\"\\]|\\.)+)\""),
    re.compile(r"\"hint\"\s*:\s*\"((?:[^\"\\]|\\.)+)\""),
)
# Markers of the writer, most specific first. The names are those fixes.py knows.
ORM_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sequelize", re.compile(r"Sequelize|\bExecuting \((?:default|[\w-]+)\):")),
    ("prisma", re.compile(r"Prisma|prisma:(?:query|error|warn)|\bP20\d\d\b")),
    ("typeorm", re.compile(r"QueryFailedError|TypeORM|typeorm|\bquery failed: ")),
    ("django", re.compile(r"\bdjango\.|Django")),
    ("sqlalchemy", re.compile(r"sqlalchemy|SQLAlchemy")),
    ("activerecord", re.compile(r"ActiveRecord::")),
    ("knex", re.compile(r"\bknex\b|Knex")),
    ("postgrest", re.compile(r"PGRST\d{3}|schema cache|supabase-js|PostgrestError")),
)
# Literals (lower case) one of which a message holds when the writer's marker can match: most
# records name no ORM, and these spare them eight regex searches.
_ORM_GATES = {
    "sequelize": ("sequelize", "executing ("), "prisma": ("prisma", "p20"),
    "typeorm": ("queryfailederror", "typeorm", "query failed: "), "django": ("django",),
    "sqlalchemy": ("sqlalchemy",), "activerecord": ("activerecord::",), "knex": ("knex",),
    "postgrest": ("pgrst", "schema cache", "supabase-js", "postgresterror"),
}
_ESCAPES = re.compile(r"\\(.)")


def _unescape(text: str) -> str:
    return _ESCAPES.sub(r"\1", text)


def statement_of(record: Record, *, logged_before: bool = False) -> str | None:
    """The SQL a record carries. With logged_before, only SQL written before it ran (ORM
    logging, log_statement): a PostgreSQL `STATEMENT:` line belongs to the error above it, never
    to the next one."""
    statement = record.fields.get("statement") or record.fields.get("query")
    if isinstance(statement, str) and statement.strip() and not logged_before:
        return statement.strip()
    lowered = record.message.lower()
    for literal, pattern in _STATEMENT_RES:
        if literal not in lowered or (logged_before and literal == "statement:  "):
            continue
        found = pattern.search(record.message)
        if found:
            text = found.group(1).replace("\n\t", "\n").strip()
            return _unescape(text) if "\\" in text else text
    return None


def hint_of(record: Record) -> str | None:
    hint = record.fields.get("hint")
    if isinstance(hint, str) and hint.strip():
        return hint.strip()
    if "hint" not in record.message.lower():
        return None
    for pattern in _HINT_RES:
        found = pattern.search(record.message)
        if found:
            return _unescape(found.group(1)).strip()
    return None


def orm_of(record: Record) -> str | None:
    error_name = record.fields.get("error_name")
    text = f"{error_name} {record.message}" if isinstance(error_name, str) else record.message
    lowered = text.lower()
    for name, pattern in ORM_MARKERS:
        if any(gate in lowered for gate in _ORM_GATES[name]) and pattern.search(text):
            return name
    return None


# Lines that hold SQL or name the ORM without being errors: the prefilter must keep them so the
# window can see the statement an error came from.
CONTEXT_KEYWORDS = ("Executing (", "statement: ", "prisma:query", "query: ",
                    "sqlalchemy.engine", "Sequelize", "Prisma", "TypeORM", "[SQL: ")
