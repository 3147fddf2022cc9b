"""A PostgreSQL record no rule pattern knows -> the same record in English, with its SQLSTATE.

Used by the matching stage for the records that look like server errors and match no English
pattern: a translated message (lc_messages = de_DE, ko_KR, …) or an English one whose log line
carries no `%e`. The record's first line is recognised in PostgreSQL's catalogue
(pgcatalog.py); the copy has the English text, its `code` (when the record had none) and the
named placeholder values as fields, so English rules match it by pattern or by code.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer.ingest.pgwords import severity_words
from analyzer.model import Record, frozen_map
from analyzer.rulebook.pgcatalog import Catalogue

# formats whose records are the server's own messages
SERVER_FORMATS = frozenset({"postgres", "postgres_csv", "postgres_json", "psql", "cnpg",
                            "postgres_syslog", "heroku_postgres",
                            "supabase_csv", "supabase_json", "supabase_markdown"})
NAMED = "catalogue_names"  # the field listing the values the catalogue named (table, column)
_SQLSTATE = re.compile(r"^[0-9A-Z]{5}$")
_ERROR_LEVELS = frozenset({"error", "critical", None})


def wants_catalogue(record: Record) -> bool:
    """Whether the record may be one of PostgreSQL's messages: it carries a SQLSTATE, comes
    from a server log format at an error level, or starts with a server severity (`ERROR:  `,
    `FEHLER:  `, `오류:  `)."""
    code = record.fields.get("code")
    if code is not None and _SQLSTATE.match(str(code)):
        return True
    if record.format in SERVER_FORMATS and record.level in _ERROR_LEVELS:
        return True
    head, sep, _ = record.message[:64].partition(":  ")
    return bool(sep) and head.strip() in severity_words()


def in_english(record: Record, catalogue: Catalogue) -> Record | None:
    """The record rewritten with the English template of its first line, or None when the
    catalogue does not know that line (or it already reads the same in English)."""
    head, newline, rest = record.message.partition("\n")
    severity, text = _split_severity(head)
    found = catalogue.recognize(text)
    if found is None or not found.codes:
        return None
    fields = dict(record.fields)
    fields.setdefault("code", found.codes[0])
    named = []
    for name, value in found.values.items():
        if name not in fields:
            # `function %s` holds the signature: the entity is the function's name
            fields[name] = value.split("(", 1)[0] if name == "function" else value
            named.append(name)
    fields["msgid"] = found.msgid
    fields[NAMED] = tuple(named)
    prefix = f"{severity_words().get(severity, severity)}:  " if severity else ""
    if found.language != "en" and rest:
        rest = "\n".join(_context_in_english(line, catalogue) for line in rest.split("\n"))
    return replace(record, message=prefix + found.english + newline + rest,
                   fields=frozen_map(fields))


def _context_in_english(line: str, catalogue: Catalogue) -> str:
    """A translated CONTEXT line (`PL/pgSQL-Funktion f() Zeile 3 bei RAISE`) in English."""
    if not line.startswith("CONTEXT:  "):
        return line
    found = catalogue.recognize(line[len("CONTEXT:  "):])
    return f"CONTEXT:  {found.english}" if found is not None else line


def _split_severity(line: str) -> tuple[str, str]:
    head, sep, text = line.partition(":  ")
    if sep and head.strip() in severity_words():
        return head.strip(), text
    return "", line
