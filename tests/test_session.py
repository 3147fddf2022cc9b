"""The Session's contract for every driver (scan, watch, a receiver): what each record
changed, by incident id; the diagnosis-kind registry; the size of the modules."""

from __future__ import annotations

from pathlib import Path

from analyzer.diagnose import DIAGNOSIS_KINDS, KINDS
from analyzer.incidents import Accumulator
from analyzer.model import Record
from analyzer.report.postmortem_text import KIND_LESSONS, KIND_TITLES
from analyzer.rulebook import load_rules
from analyzer.session import Session
from analyzer.settings import Settings
from tests.conftest import ROOT
from tests.test_incidents import RULES, match

GROUPED = """
rules:
  - id: queue.slow
    title: Queue slow
    severity: medium
    category: application
    group: queue.trouble
    patterns: ['queue (?P<queue>\\w+) slow']
    fingerprint: [queue]
  - id: queue.down
    title: Queue down
    severity: critical
    category: application
    group: queue.trouble
    patterns: ['queue (?P<queue>\\w+) down']
    fingerprint: [queue]
"""


def _record(message: str, lineno: int = 1) -> Record:
    return Record("-", lineno, "plain", message, message, ts=10**18 + lineno)


def test_accumulator_add_says_what_changed_without_recomputing_ids():
    acc = Accumulator(RULES, max_incidents=1)
    first = acc.add(match("session_id", "sessions"))
    again = acc.add(match("session_id", "sessions"))
    beyond = acc.add(match("user_id", "sessions"))
    assert (first.kind, again.kind, beyond.kind) == ("new", "count", "dropped")
    assert first.incident == again.incident == acc.incidents()[0].id
    assert acc.dropped == 1 and acc.incident(first.incident).count == 2


def test_a_worse_rule_of_the_same_group_escalates_the_incident(tmp_path: Path):
    (tmp_path / "queue.yaml").write_text(GROUPED)
    session = Session(load_rules([str(tmp_path)], builtin=False), Settings())
    (new,) = session.add(_record("queue jobs slow", 1))
    (worse,) = session.add(_record("queue jobs down", 2))
    assert (new.kind, worse.kind, worse.previous, worse.severity) == \
        ("new", "escalated", "medium", "critical")
    assert worse.incident == new.incident
    assert session.report().incidents[0].severity == "critical"


def test_records_no_rule_claims_change_nothing_or_open_an_unclassified_incident():
    session = Session(load_rules(), Settings())
    assert session.add(_record("GET /health 200 1.2 ms")) == ()
    (change,) = session.add(_record("❌ worker alpha crashed hard"))
    assert change.kind == "new"
    incident = session.incident(change.incident)
    assert incident is not None and incident.rule == "unclassified"


def test_a_session_reports_unparsed_lines_of_each_source_as_a_problem():
    session = Session(load_rules(), Settings())
    stats = session.open_source("app.log")
    stats.lines, stats.records, stats.unparsed = 5, 5, 2  # not empty: no "empty input" note
    session.close_source()
    assert [str(p) for p in session.report().problems][:1] == [
        "app.log: 2 unparsed line(s) kept as plain text"]


def test_every_diagnosis_kind_is_in_the_registry_with_fixes_and_words():
    assert "quoted_literal" in DIAGNOSIS_KINDS and len(DIAGNOSIS_KINDS) == len(set(KINDS))
    assert set(KIND_TITLES) <= set(DIAGNOSIS_KINDS)
    assert set(KIND_LESSONS) <= set(DIAGNOSIS_KINDS)
    assert [k.name for k in KINDS.values() if k.test] == [
        "case_folding", "case_style", "pluralization", "typo"]


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "analyzer").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
