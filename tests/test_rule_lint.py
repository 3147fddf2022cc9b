"""`analyzer rules lint`: every problem is an error naming file, line and key; bad rule files
never crash the linter."""

from __future__ import annotations

import pytest

from analyzer.rulebook import lint_paths
from analyzer.rulebook.load import read_rule_file

GOOD = """\
rules:
  - id: app.widget_failed
    title: Widget failed
    severity: high
    category: application
    patterns: ['widget (?P<name>\\w+) failed']
    fingerprint: [name]
    diagnose: naming
    docs: A widget failed.
    examples:
      - text: widget foo failed
        captures: {name: foo}
      - text: widget ok
        match: false
"""

KNOWN = {"naming"}


def lint_one(write, tmp_path, text: str):
    write("rules.yaml", text)
    return lint_paths([tmp_path], known_diagnoses=KNOWN)


def only_error(report):
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


def test_a_good_file_lints_clean(write, tmp_path):
    report = lint_one(write, tmp_path, GOOD)
    assert report.issues == [] and len(report.rules) == 1 and report.files == 1


@pytest.mark.parametrize(("change", "line", "key", "words"), [
    (("    docs:", "    pattern: x\n    docs:"), 9, "pattern", "unknown key"),
    (("    title: Widget failed\n", ""), 2, "title", "missing required key"),
    (("    patterns: ['widget (?P<name>\\w+) failed']\n", ""), 2, "patterns", "missing"),
    (("widget (?P<name>\\w+) failed", "widget (?P<name>"), 6, "patterns", "invalid regex"),
    (("fingerprint: [name]", "fingerprint: [table]"), 7, "fingerprint", "no pattern captures"),
    (("diagnose: naming", "diagnose: nameing"), 8, "diagnose", "unknown diagnosis"),
    (("severity: high", "severity: huge"), 4, "severity", "must be one of"),
    (("      - text: widget ok\n        match: false\n", ""), 10, "examples",
     "no example that must not match"),
    (("        captures: {name: foo}", "        captures: {table: foo}"), 12, "captures",
     "no pattern captures 'table'"),
    (("        match: false", "        match: maybe"), 14, "match", "true or false"),
    (("        match: false", "        matches: false"), 14, "matches", "unknown example key"),
])
def test_each_error_names_file_line_and_key(write, tmp_path, change, line, key, words):
    error = only_error(lint_one(write, tmp_path, GOOD.replace(*change)))
    assert (error.path, error.line, error.key) == (str(tmp_path / "rules.yaml"), line, key)
    assert words in error.message
    assert str(error).startswith(f"{tmp_path / 'rules.yaml'}:{line}: error: {key}: ")


def test_a_rule_without_examples_is_an_error(write, tmp_path):
    text = GOOD.split("    examples:")[0]
    error = only_error(lint_one(write, tmp_path, text))
    assert error.key == "examples" and "no examples" in error.message


def test_duplicate_ids_across_files_are_errors(write, tmp_path):
    write("a.yaml", GOOD)
    write("b.yaml", GOOD)
    error = only_error(lint_paths([tmp_path], known_diagnoses=KNOWN))
    assert error.key == "id" and "duplicate rule id" in error.message
    assert str(tmp_path / "a.yaml") in error.message and error.path.endswith("b.yaml")


def test_every_problem_of_a_rule_is_reported_at_once(write, tmp_path):
    text = (GOOD.replace("severity: high", "severity: huge")
            .replace("category: application", "category: nope")
            .replace("    docs:", "    colour: red\n    docs:"))
    keys = {e.key for e in lint_one(write, tmp_path, text).errors}
    assert keys == {"severity", "category", "colour"}


def test_broken_yaml_and_missing_paths_are_errors_not_crashes(write, tmp_path):
    write("broken.yaml", "rules:\n  - id: x.y\n    title: [unclosed\n")
    write("empty.yaml", "")
    write("binary.yaml", b"\xff\xfe\x00rules")
    report = lint_paths([tmp_path, tmp_path / "missing"], known_diagnoses=KNOWN)
    messages = sorted(str(e) for e in report.errors)
    assert any("broken.yaml:4: error: invalid YAML" in m for m in messages)
    assert any("empty.yaml:1: error: rules: a rule file needs" in m for m in messages)
    assert any("binary.yaml: error: not UTF-8" in m for m in messages)
    assert any("missing: error: no such rule file or directory" in m for m in messages)


def test_non_mapping_rule_and_non_list_rules(write, tmp_path):
    _, errors = read_rule_file(write("a.yaml", "rules:\n  - just text\n"))
    assert (errors[0].line, errors[0].key) == (2, "rules")
    _, errors = read_rule_file(write("b.yaml", "rules: {id: x}\n"))
    assert errors[0].key == "rules" and "list" in errors[0].problem


def test_unknown_normalizer_is_an_error(write, tmp_path):
    text = GOOD.replace("    docs:", "    normalize: {name: shout}\n    docs:")
    error = only_error(lint_one(write, tmp_path, text))
    assert error.key == "normalize" and "unknown normalizer 'shout'" in error.message


def test_warnings_for_rules_the_prefilter_cannot_see_and_shared_codes(write, tmp_path):
    text = GOOD.replace("'widget (?P<name>\\w+) failed'", "'(?P<name>\\w+)'").replace(
        "widget ok", "nothing here")
    write("a.yaml", text.replace("    docs:", "    codes: [W1]\n    docs:"))
    write("b.yaml", GOOD.replace("app.widget_failed", "app.other").replace(
        "    docs:", "    codes: [W1]\n    docs:"))
    report = lint_paths([tmp_path], known_diagnoses=KNOWN)
    assert report.errors == []
    warnings = " | ".join(str(w) for w in report.warnings)
    assert "turns the prefilter off" in warnings
    assert "code W1 is also claimed" in warnings


def test_group_members_with_different_fingerprints_warn(write, tmp_path):
    first = GOOD.replace("    docs:", "    group: app.widgets\n    docs:")
    second = first.replace("app.widget_failed", "app.widget_broken").replace(
        "fingerprint: [name]", "fingerprint: []")
    write("a.yaml", first)
    write("b.yaml", second)
    warnings = lint_paths([tmp_path], known_diagnoses=KNOWN).warnings
    assert any("group app.widgets" in w.message for w in warnings)
