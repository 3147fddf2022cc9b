"""The SQLSTATE wherever it is printed, for Record.fields["code"].

Drivers and platforms print PostgreSQL's five-character error code in their own ways: Go's pgx
`… (SQLSTATE 42P01)`, PHP's PDO `SQLSTATE[42P01]: …`, Heroku Postgres' `sql_error_code =
22P02` prefix, Prisma's Rust driver `PostgresError { code: "42P05" …` / `code: SqlState(E42P05)`,
Elixir's Postgrex `ERROR 42703 (undefined_column) …`, and a `log_line_prefix` holding `%e`
anywhere. A candidate counts only when its class (the first two characters) is one PostgreSQL
defines, so a five-digit number elsewhere in a line is not taken for a code.
"""

from __future__ import annotations

import re

# The SQLSTATE classes of PostgreSQL's errcodes.txt (Appendix A of its documentation).
_CLASS_LIST = ("00 01 02 03 08 09 0A 0B 0F 0L 0P 0Z 20 21 22 23 24 25 26 27 28 2B 2D 2F 34 38 "
               "39 3B 3D 3F 40 42 44 53 54 55 57 58 72 F0 HV P0 XX")
CLASSES = frozenset(_CLASS_LIST.split(" "))
_SUCCESS_OR_WARNING = frozenset(("00", "01", "02"))
_ERROR_LEVELS = frozenset(("error", "critical"))
_CODE = r"([0-9A-Z]{5})"

# Each names the code by a label or a shape no other text has; the first that matches wins.
_LABELLED = tuple(re.compile(pattern) for pattern in (
    rf"(?i:\bsql_?state(?:_code)?)[\s:=\[(\"']*{_CODE}(?![0-9A-Za-z])",  # pgx, PDO, key=value
    rf"\bsql_error_code = {_CODE}\b",                                   # Heroku Postgres
    rf"\bSqlState\(\"?E?{_CODE}\"?\)",                                   # tokio-postgres (Prisma)
    rf"\bPostgresError \{{ code: \"{_CODE}\"",                          # Prisma's quaint
    rf"\b(?:ERROR|FATAL|PANIC|WARNING) {_CODE} \([a-z_]+\)",            # Postgrex
))
_HINTS = ("SQLSTATE", "sqlstate", "sql_state", "SqlState", "sql_error_code", "PostgresError",
          "ERROR ", "FATAL ", "PANIC ", "WARNING ")
SQLSTATE_HINTS = _HINTS  # a text holding none of them holds no SQLSTATE sqlstate_in finds


def is_sqlstate(code: str) -> bool:
    return len(code) == 5 and code[:2] in CLASSES and code.isalnum() and code.upper() == code


def sqlstate_in(text: str) -> str | None:
    """The SQLSTATE a driver or platform printed in text, or None."""
    if not any(hint in text for hint in _HINTS):
        return None
    for pattern in _LABELLED:
        for found in pattern.finditer(text):
            if is_sqlstate(found.group(1)):
                return found.group(1)
    return None


# A bare token of a log_line_prefix: delimited by the start, the end, spaces, brackets or
# punctuation `%e` is usually written between.
_TOKEN_RE = re.compile(r"(?:^|(?<=[\s\[\](),:;=|]))([0-9A-Z]{5})(?=$|[\s\[\](),:;|])")
# Prefix parts whose digits are no code: times, [pid], host(port), pid=N.
_NOT_CODE_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T][\d:.]+|\[\d+(?:-\d+)?\]|\(\d+\)"
                          r"|(?i:\bpid[=:]\s*\d+)")


def prefix_sqlstate(prefix: str, level: str | None) -> str | None:
    """The code a `log_line_prefix` with `%e` holds for a line of this level (the severity
    normalized, so a translated FEHLER is an error too): a SQLSTATE token whose class fits it
    (an error's code is no success or warning class; LOG lines carry 00000 and say nothing)."""
    if not prefix or (level not in _ERROR_LEVELS and level != "warning"):
        return None
    labelled = sqlstate_in(prefix)
    if labelled:
        return labelled
    tokens = [m.group(1) for m in _TOKEN_RE.finditer(_NOT_CODE_RE.sub(" ", prefix))]
    for token in reversed(tokens):  # %e usually closes the prefix, right before the severity
        if not is_sqlstate(token):
            continue
        if level in _ERROR_LEVELS and token[:2] in _SUCCESS_OR_WARNING:
            continue
        return token
    return None
