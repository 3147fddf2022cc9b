from __future__ import annotations

import time

import pytest

from analyzer.errors import RuleError
from analyzer.model import Record
from analyzer.rulebook import collect_rules, load_rules
from analyzer.rulebook.engine import RuleSet
from analyzer.rulebook.keywords import derive_keywords
from analyzer.rulebook.load import read_rule_file

GOOD = """\
rules:
  - id: app.widget_failed
    title: Widget failed
    severity: high
    category: application
    patterns: ['widget (?P<name>\\w+) failed']
    fingerprint: [name]
    docs: A widget failed.
    examples:
      - text: widget foo failed
        captures: {name: foo}
      - text: widget bar failed
      - text: widget ok
        match: false
"""


def record(text: str) -> Record:
    return Record(source="t", lineno=1, format="plain", message=text, raw=text)


def test_a_valid_user_rule_loads_and_matches(write, tmp_path):
    write("good.yaml", GOOD)
    ruleset = load_rules([str(tmp_path)], builtin=False)
    match = ruleset.match(record("the widget foo failed again"))
    assert match.rule_id == "app.widget_failed" and match.captures["name"] == "foo"
    assert ruleset.keywords == ("widget",) or "failed" in ruleset.keywords[0]


def test_broken_yaml_names_file_and_line(write):
    path = write("broken.yaml", "rules:\n  - id: x.y\n    title: [unclosed\n")
    rules, errors = read_rule_file(path)
    assert rules == [] and len(errors) == 1
    assert str(errors[0]).startswith(f"{path}:") and "invalid YAML" in str(errors[0])


def test_invalid_regex_names_file_line_and_key(write):
    path = write("bad.yaml", GOOD.replace("widget (?P<name>\\w+) failed", "widget (unclosed"))
    _, errors = read_rule_file(path)
    assert len(errors) == 1
    assert errors[0].line == 6 and errors[0].key == "patterns"
    assert "invalid regex" in str(errors[0])


def test_unknown_key_is_an_error(write):
    path = write("typo.yaml", GOOD.replace("    docs:", "    pattern: x\n    docs:"))
    _, errors = read_rule_file(path)
    assert errors[0].key == "pattern" and "unknown key" in str(errors[0])


def test_fingerprint_naming_a_capture_no_pattern_defines_is_an_error(write):
    path = write("fp.yaml", GOOD.replace("fingerprint: [name]", "fingerprint: [table]"))
    _, errors = read_rule_file(path)
    assert errors[0].key == "fingerprint" and "table" in str(errors[0])


def test_missing_required_key_and_bad_severity(write):
    _, errors = read_rule_file(write("m.yaml", GOOD.replace("    title: Widget failed\n", "")))
    assert errors[0].key == "title" and "missing" in str(errors[0])
    _, errors = read_rule_file(write("s.yaml", GOOD.replace("severity: high", "severity: huge")))
    assert errors[0].key == "severity"


def test_file_without_rules_list(write):
    _, errors = read_rule_file(write("e.yaml", "hello: world\n"))
    assert "top-level `rules:`" in str(errors[0])


def test_duplicate_ids_in_one_layer_are_errors(write, tmp_path):
    write("a.yaml", GOOD)
    write("b.yaml", GOOD)
    loaded = collect_rules([str(tmp_path)], builtin=False)
    assert any("duplicate rule id" in str(e) for e in loaded.errors)
    with pytest.raises(RuleError):
        load_rules([str(tmp_path)], builtin=False)


def test_user_rule_with_a_builtin_id_replaces_it(write, tmp_path):
    write("over.yaml", GOOD.replace("app.widget_failed", "postgres.undefined_column"))
    loaded = collect_rules([str(tmp_path)])
    replaced = [r for r in loaded.rules if r.id == "postgres.undefined_column"]
    assert len(replaced) == 1 and replaced[0].title == "Widget failed"
    assert "postgres.undefined_column" in loaded.overridden


def test_catastrophic_pattern_times_out_and_is_reported(write, tmp_path):
    write("slow.yaml", GOOD.replace("widget (?P<name>\\w+) failed",
                                    "(?P<name>(a|a)+)+widget").replace("keywords", "x"))
    ruleset = load_rules([str(tmp_path)], builtin=False, timeout=0.05)
    assert isinstance(ruleset, RuleSet)
    start = time.monotonic()
    for _ in range(4):
        assert ruleset.match(record("a" * 40 + "! widget")) is None
    assert time.monotonic() - start < 2
    assert any("took over" in p.message for p in ruleset.problems)
    assert any("disabled" in p.message for p in ruleset.problems)


def test_keywords_are_derived_from_literal_runs():
    assert derive_keywords([r'column (?P<t>\w+)\.(?P<c>\w+) does not exist']) == \
        ("does not exist",)
    assert derive_keywords([r"\d+"]) == ()
    assert derive_keywords([r"ab|cdefg"]) == ()


def test_most_specific_match_wins():
    ruleset = load_rules()
    match = ruleset.match(record('column "a" of relation "t" does not exist'))
    assert dict(match.captures) == {"column": "a", "table": "t"}


def test_a_date_that_is_none_is_a_rule_error_not_a_traceback(tmp_path):
    path = tmp_path / "dates.yaml"
    path.write_text("rules:\n  - id: a.b\n    title: x\n    severity: low\n"
                    "    category: database\n    patterns: ['x']\n    examples:\n"
                    "      - text: x\n        captures: {day: 2025-13-01}\n")
    _, errors = read_rule_file(path)
    assert [e.problem for e in errors] == [
        "invalid YAML value: month must be in 1..12 (quote it)"]
