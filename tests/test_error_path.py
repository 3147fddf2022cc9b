"""The per-event path looks up what a repeated message already gave (memos by distinct text):
the lookups must give what computing afresh gives, and never carry over what depends on the
moment (the SQL logged just before, the evidence gathered so far)."""

from __future__ import annotations

import random
import re

from analyzer import textsafe
from analyzer.ingest.events import event_record
from analyzer.memo import MAX_KEY_CHARS, memoized_text, text_key
from analyzer.model import Record
from analyzer.pipeline import load_ruleset
from analyzer.resolve.sql import MAX_SQL_CHARS, statement_shape
from analyzer.session import Session
from analyzer.settings import Settings


def test_a_memo_computes_a_text_once_and_a_long_one_every_time():
    calls: list[str] = []

    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    loud = memoized_text(shout, size=2)
    long = "x" * (MAX_KEY_CHARS + 1)
    assert [loud("a"), loud("a"), loud(long), loud(long)] == ["A", "A", long.upper(), long.upper()]
    assert calls == ["a", long, long]
    loud("b"), loud("c"), loud("a")  # two entries at most: "a" was pushed out
    assert calls[-1] == "a"
    assert text_key("m", {"k": ["not", "hashable"]}) is None
    assert text_key(long, {}) is None


def _redact_always(text: str) -> str:
    """textsafe.redact as it was: every pattern whose literal the folded text holds runs."""
    folded = text.casefold()
    for pattern, replacement, literals in textsafe._SECRET_PATTERNS:
        if any(literal in folded for literal in literals):
            text = pattern.sub(replacement, text)
    return text


def test_the_key_value_secret_test_skips_only_texts_it_cannot_change():
    rnd = random.Random(17)
    words = ["password", "PASSWD", "pwd", "secret", "api_key", "X-Api-Key", "token", "key",
             "users_email_key", "credentials", "passphrase", "Kelvin\u212aey", "monkey",
             "Bearer abcdefgh12", "postgres://u:pw@db:5432/x", "eyJhbGciOi.eyJzdWIi.sig"]
    glue = ["=", ": ", '": "', "\\\":\\\"", " = ", "\n=", "'", '"', " ", ",", "\t:", "=***"]
    for _ in range(20_000):
        text = "".join(rnd.choice(words) + rnd.choice(glue) + rnd.choice(["v4lue", "", "x y"])
                       for _ in range(rnd.randint(1, 4)))
        assert textsafe.redact(text) == _redact_always(text), text


def test_an_error_holding_key_without_a_value_is_left_as_it_is():
    line = 'error: duplicate key value violates unique constraint "users_email_key"'
    assert textsafe.redact(line) == line
    assert textsafe.redact("config api_key=abc123 set") == "config api_key=*** set"


_OLD_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def test_statement_shapes_are_those_of_the_one_pass_blanking():
    rnd = random.Random(3)
    alphabet = "ab1 2.'_x9\n\"é٣"
    for _ in range(50_000):
        sql = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16)))
        expected = _OLD_LITERALS.sub(lambda m: "''" if m.group()[0] == "'" else "0",
                                     sql[:MAX_SQL_CHARS])
        assert statement_shape(sql) == expected, sql


def test_a_repeated_message_gets_the_fields_and_level_it_got_first():
    text = "SequelizeDatabaseError: column \"x\" does not exist\n    code: '42703',"
    first, again = (event_record(source="a", lineno=n, fmt="render", message=text, raw=text,
                                 ts=n) for n in (1, 2))
    assert (again.fields, again.level) == (first.fields, first.level)
    assert dict(first.fields) == {"code": "42703", "error_name": "SequelizeDatabaseError"}
    assert (again.lineno, again.ts) == (2, 2)
    given = event_record(source="a", lineno=3, fmt="render", message=text, raw=text,
                         level="info", fields={"code": "P2022"})
    assert (given.level, given.fields["code"]) == ("info", "P2022")  # what a format gave wins


def _record(message: str, lineno: int) -> Record:
    return event_record(source="app.log", lineno=lineno, fmt="render", message=message,
                        raw=message, ts=lineno * 1_000_000)


ERROR = 'SequelizeDatabaseError: column "created_by" does not exist'


def test_the_same_error_takes_the_sql_logged_just_before_it_each_time():
    session = Session(load_ruleset(Settings()))
    session.open_source("app.log")
    lines = ['Executing (default): SELECT "created_by" FROM "reports" AS "Report";', ERROR,
             *(f"GET /api/x 200 {n}.0 ms - 12" for n in range(70)),
             'Executing (default): SELECT "created_by" FROM "notes" AS "Note";', ERROR]
    changes = [session.add(_record(line, n)) for n, line in enumerate(lines, 1)]
    first, second = changes[1][0].incident, changes[-1][0].incident
    assert first != second
    tables = {session.incident(first).entities["table"], session.incident(second).entities["table"]}
    assert tables == {"reports", "notes"}


def test_a_repeated_error_counts_once_per_event_with_its_own_samples():
    session = Session(load_ruleset(Settings()))
    session.open_source("app.log")
    changes = [session.add(_record(ERROR, n)) for n in range(1, 8)]
    ids = {c[0].incident for c in changes}
    assert [c[0].kind for c in changes] == ["new", *["count"] * 6] and len(ids) == 1
    incident = session.incident(ids.pop())
    assert incident.count == 7
    assert [s.lineno for s in incident.samples] == [1, 2, 3, 4, 5]


def test_a_repeated_hint_under_another_statement_still_teaches_its_table():
    session = Session(load_ruleset(Settings()))
    session.open_source("pg.log")
    hint = 'HINT:  Perhaps you meant to reference the column "s.createdAt".'
    for n, table in enumerate(("sessions", "reports", "sessions"), 1):
        text = (f"ERROR:  column s.created_at does not exist\n{hint}\n"
                f"STATEMENT:  SELECT s.created_at FROM {table} AS s")
        session.add(_record(text, n))
    learned = {t.name: t.columns for t in session.evidence.catalog}
    assert "createdAt" in learned["sessions"] and "createdAt" in learned["reports"]


def test_a_message_without_a_lift_literal_has_no_fields_to_lift():
    from analyzer.ingest.events import unlifted_record
    from analyzer.ingest.lift import LIFT_LITERALS, lift_text_fields

    rnd = random.Random(11)
    pieces = ["code: '42703'", "error", "Error: x", "ERROR:  boom", "sqlstate 42P01", "HINT:  h",
              "hint: 'h'", '"code":"PGRST116"', "at character 8", " status: 503", "==> Exited",
              "Executing (default): SELECT 1", "TypeError", "exception", "❌ failed", "⚠ warn",
              "SQLSTATE[42P01]", "LINE 1: x", "[SQL: SELECT 1]", "sql_error_code = 22P02", " ",
              "TypeError: x", "RuntimeException: y", "psycopg.errors.UndefinedTable: z"]
    plain = 0
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4)))
        if any(literal in text for literal in LIFT_LITERALS):
            continue
        plain += 1
        assert lift_text_fields(text, {}) == {}, text
        args = dict(source="a", lineno=1, fmt="render_text", message=text, raw=text,
                    end_lineno=1, ts=None, instance=None)
        assert unlifted_record(**args) == event_record(**args), text
    assert plain > 1000
