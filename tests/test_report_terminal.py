"""The terminal report's layout at the widths people's panes have: the table from 100
columns, a block per incident below, the conclusion last, --brief, unwrapped off a terminal."""

from __future__ import annotations

import io
from functools import cache

from analyzer.model import Report
from analyzer.pipeline import analyze
from analyzer.report import terminal
from analyzer.settings import Settings
from tests.conftest import SEED_LOG, SEED_SCHEMA

FIX = "Sequelize model Session: `underscored: false`, `tableName: 'sessions'`"


@cache
def seed(with_schema: bool = True) -> Report:
    schemas = (str(SEED_SCHEMA),) if with_schema else ()
    return analyze([str(SEED_LOG)], Settings(schemas=schemas))


def rendered(report: Report, **options) -> str:
    out = io.StringIO()
    terminal.render(report, out, **options)
    return out.getvalue()


def test_narrow_terminal_gets_one_block_per_incident_with_nothing_cut():
    out = rendered(seed(), width=80)
    assert "┏" not in out and "…" not in out.split("Incident details")[0]
    assert max(len(line) for line in out.splitlines()) <= 80
    for incident in seed().incidents:
        assert incident.id in out and incident.rule in out
    assert "diagnosis: case_style session_id → sessionId (90%)" in out
    assert "diagnosis: table_name counseling_sessions → sessions (85%)" in out


def test_wide_terminal_gets_the_table():
    out = rendered(seed(), width=120)
    assert "┏" in out and max(len(line) for line in out.splitlines()) <= 120
    assert "postgrest.column_not_in_sch…" not in out


def test_conclusion_is_printed_last_with_the_fix():
    out = rendered(seed(), width=120)
    causes, details = out.rindex("Root causes"), out.index("Incident details")
    assert details < causes
    tail = out[causes:]
    assert FIX in " ".join(tail.split()).replace(" (one", " (one")
    for cause in seed().root_causes:
        assert cause.id in tail
    assert out.rstrip().splitlines()[-1].startswith("2 incident(s) without a root cause")


def test_brief_keeps_the_incidents_and_one_fix_per_cause():
    full, brief = rendered(seed(), width=80), rendered(seed(), width=80, brief=True)
    assert "Incident details" in full and "Incident details" not in brief
    assert "evidence:" not in brief and len(brief) < len(full) / 2
    assert brief.count("fix: ") == len(seed().root_causes)
    for incident in seed().incidents:
        assert incident.id in brief


def test_prose_is_not_hard_wrapped_off_a_terminal():
    out = rendered(seed(), width=120, wrap=False)
    summary = next(c.summary for c in seed().root_causes if c.kind == "case_style")
    assert any(line.endswith(summary) for line in out.splitlines())
    assert all(not line.endswith(" ") for line in out.splitlines())


def test_without_a_schema_the_hint_is_given_once():
    out = rendered(seed(with_schema=False), width=80)
    assert out.count("--schema (a DDL file") == 1
    assert "Give the schema with --schema" not in out
    assert out.count("needs --schema") == sum(
        1 for i in seed(with_schema=False).incidents
        if i.diagnosis is not None and i.diagnosis.kind == "unknown")


def test_without_a_schema_the_orms_aliasing_gives_a_low_confidence_case_style_guess():
    report = seed(with_schema=False)
    by_column = {i.entities.get("column"): i for i in report.incidents}
    guess = by_column["session_id"].diagnosis
    assert guess is not None and (guess.kind, guess.found) == ("case_style", "sessionId")
    assert guess.confidence < 0.5 and "a guess without --schema" in guess.summary
    assert any('writes "session_id" AS "sessionId"' in e for e in guess.evidence)
    # a name the ORM never aliases stays unknown
    assert by_column["reportId"].diagnosis.kind == "unknown"
    cause = next(c for c in report.root_causes if c.kind == "case_style")
    assert cause.summary.startswith("a guess without --schema")
