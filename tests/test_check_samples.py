"""`analyzer check` on the sample apps (samples/apps/<orm>/): each reports exactly the findings
its check.expect.yaml lists; the seed's Session model before its fix yields the post-mortem's
two root causes and one combined fix, after the fix nothing."""

from __future__ import annotations

import pytest
import yaml

from analyzer.check import run_check
from analyzer.check.report import result_dict
from tests.conftest import ROOT, SEED_SCHEMA

APPS = ROOT / "samples" / "apps"
EXPECTED = sorted(p.parent for p in APPS.rglob("check.expect.yaml"))
KEYS = ("model", "table", "column", "kind", "wanted", "found", "severity")


def expectation(app):
    return yaml.safe_load((app / "check.expect.yaml").read_text())


def rows(result):
    return {tuple(f[k] for k in KEYS) for f in result_dict(result)["findings"]}


@pytest.mark.parametrize("app", EXPECTED, ids=lambda p: str(p.relative_to(APPS)))
def test_sample_app_reports_exactly_its_planted_mismatches(app, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = expectation(app)
    result = run_check([str(app.relative_to(ROOT))], [expected["schema"]])
    assert rows(result) == {tuple(f[k] for k in KEYS) for f in expected["findings"]}
    assert not result.problems


def test_every_orm_has_a_sample_app_and_together_they_plant_every_kind():
    names = {p.name for p in EXPECTED}
    assert {"sequelize", "typeorm", "prisma", "drizzle", "sqlalchemy", "django",
            "activerecord", "rawsql", "supabase"} <= names
    kinds = {f["kind"] for app in EXPECTED for f in expectation(app)["findings"]}
    assert {"case_style", "case_folding", "table_name", "pluralization", "other_schema",
            "other_table", "typo", "missing", "unmapped"} <= kinds


def test_seed_model_before_the_fix_gives_the_two_root_causes_and_one_fix():
    result = run_check([str(APPS / "seed" / "before")], [str(SEED_SCHEMA)])
    table = [f for f in result.findings if f.column is None]
    columns = [f for f in result.findings if f.column is not None]
    assert [(f.kind, f.wanted, f.found) for f in table] == \
        [("table_name", "counseling_sessions", "sessions")]
    assert {f.kind for f in columns} == {"case_style"}
    # every attribute whose name `underscored: true` changes, timestamps included
    assert {f.column for f in columns} == {"session_id", "user_id", "counselor_id",
                                           "started_at", "ended_at", "emotions_data",
                                           "created_at", "updated_at"}
    combined = {f.fixes[0] for f in result.findings}
    assert combined == {"Sequelize model Session: `underscored: false`, `tableName: "
                        "'sessions'` (one change fixes every mismatch of the model)"}
    assert [m.name for m in result.models] == ["Session"]
    assert result.models[0].line == 7 and result.models[0].table == "counseling_sessions"


def test_seed_model_after_the_fix_has_no_finding():
    result = run_check([str(APPS / "seed" / "after")], [str(SEED_SCHEMA)])
    assert result.findings == [] and [m.name for m in result.models] == ["Session"]
