"""Every built-in rule's examples, one test id per rule::example (`pytest -k undefined_column`)."""

from __future__ import annotations

import pytest

from analyzer.rulebook import collect_rules
from analyzer.rulebook.examples import check_rules

LOADED = collect_rules()
RESULTS = check_rules(LOADED.rules)


def test_builtin_rule_files_are_valid():
    assert [str(e) for e in LOADED.errors] == []


def test_every_builtin_rule_has_matching_and_non_matching_examples():
    for rule in LOADED.rules:
        matching = [e for e in rule.examples if e.match]
        assert len(matching) >= 2, f"{rule.id}: needs at least 2 matching examples"
        assert any(not e.match for e in rule.examples), f"{rule.id}: needs a non-matching one"
        assert rule.docs, f"{rule.id}: needs docs"


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: f"{r.rule.id}::{r.example.name}")
def test_rule_example(result):
    assert result.ok, f"{result.where}: {result.problem}"
