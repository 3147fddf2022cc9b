"""`analyzer rules list|lint|test` and `scan --rules`, through the CLI."""

from __future__ import annotations

import json

from tests.conftest import ROOT, SAMPLES, run_module

USER_RULES = SAMPLES / "rules"

BROKEN_EXAMPLE = """\
rules:
  - id: app.widget_failed
    title: Widget failed
    severity: high
    category: application
    patterns: ['widget (?P<name>[a-z]+) failed']
    fingerprint: [name]
    docs: A widget failed.
    examples:
      - name: digits
        text: widget foo2 failed
        captures: {name: foo2}
      - name: fine
        text: widget ok
        match: false
"""


def test_builtin_rules_lint_and_test_clean_as_the_readme_says():
    lint = run_module("rules", "lint", "rules/")
    assert lint.returncode == 0, lint.stdout.decode()
    assert b"0 error(s), 0 warning(s)" in lint.stdout
    test = run_module("rules", "test", "rules/")
    assert test.returncode == 0, test.stdout.decode()
    assert b" 0 failed" in test.stdout


def test_sample_user_rules_lint_and_test_clean(cli):
    assert cli("rules", "lint", str(USER_RULES)).exit_code == 0
    result = cli("rules", "test", str(USER_RULES), "--verbose")
    assert result.exit_code == 0 and ": ok" in result.stdout


def test_rules_test_prints_the_line_expected_and_actual_captures(cli, write, tmp_path):
    path = write("w.yaml", BROKEN_EXAMPLE)
    result = cli("rules", "test", str(tmp_path))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path}:10: app.widget_failed::digits: missed: no pattern matched"
    assert lines[1] == "    text:     'widget foo2 failed'"
    assert lines[2] == "    expected: {'name': 'foo2'}"
    assert lines[3] == "    actual:   None"
    assert lines[-1] == "2 example(s) in 1 rule(s): 1 failed"


def test_rules_test_reports_wrong_captures(cli, write, tmp_path):
    write("w.yaml", BROKEN_EXAMPLE.replace("foo2", "foo").replace("{name: foo}", "{name: bar}"))
    result = cli("rules", "test", str(tmp_path))
    assert result.exit_code == 2
    assert "missed captures: expected {'name': 'bar'}, got {'name': 'foo'}" in result.stdout
    assert "    actual:   {'name': 'foo'}" in result.stdout


def test_rules_test_fails_on_an_invalid_file(cli, write, tmp_path):
    write("bad.yaml", "rules:\n  - id: a.b\n    title: t\n")
    result = cli("rules", "test", str(tmp_path))
    assert result.exit_code == 2 and "missing required key" in result.stdout


def test_rules_lint_exits_1_and_names_file_line_key(cli, write, tmp_path):
    path = write("w.yaml", BROKEN_EXAMPLE.replace("[a-z]+", "[a-z+"))
    result = cli("rules", "lint", str(path))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"{path}:6: error: patterns: rule app.widget_failed: "
                                    "invalid regex")
    assert "1 file(s), 0 rule(s): 1 error(s)" in result.stdout


def test_rules_lint_knows_the_diagnosis_registry(cli, write, tmp_path):
    write("w.yaml", BROKEN_EXAMPLE.replace("    docs:", "    diagnose: astrology\n    docs:"))
    result = cli("rules", "lint", str(tmp_path))
    assert result.exit_code == 2 and "unknown diagnosis 'astrology' (known: naming" in \
        result.stdout


def test_rules_list_shows_builtin_rules_and_user_overrides(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    result = cli("rules", "list", "--rules", str(USER_RULES), "--format", "JSON")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["version"] == 1
    rows = {row["id"]: row for row in data["rules"]}
    assert rows["postgres.undefined_column"]["source"] == "<builtin>/postgres.yaml"
    assert set(rows["postgres.undefined_column"]) >= {"id", "severity", "category", "codes",
                                                      "source", "line", "overrides"}
    overridden = [row for row in rows.values() if row["overrides"]]
    assert [row["id"] for row in overridden] == ["render.exited_with_status"]
    assert overridden[0]["source"].endswith("samples/rules/platform.yaml")
    table = cli("rules", "list", "--rules", str(USER_RULES)).stdout
    row = next(line for line in table.splitlines() if "render.exited_with_status" in line)
    assert "samples/rules/platform.yaml:4" in row and "built-in render.yaml" in row
    assert "postgres.undefined_table" in table


def test_rules_list_only_user_rules(cli):
    result = cli("rules", "list", "--no-builtin-rules", "--rules", str(USER_RULES), "--json")
    ids = [row["id"] for row in json.loads(result.stdout)["rules"]]
    assert ids and all(not i.startswith("postgres.") for i in ids)
    assert cli("rules", "list", "--no-builtin-rules").exit_code == 2


def test_scan_with_user_rules_finds_their_incidents(cli, write):
    log = write("app.log", "2025-11-13T06:00:00Z ⚠️ Stripe webhook signature verification "
                           "failed for event evt_1\n"
                           "2025-11-13T06:00:01Z ==> Exited with status 1\n")
    result = cli("scan", str(log), "--rules", str(USER_RULES), "-f", "json")
    incidents = {i["rule"]: i for i in json.loads(result.stdout)["incidents"]}
    assert "acme.stripe_webhook_signature" in incidents
    assert incidents["render.exited_with_status"]["severity"] == "critical"  # the override


def test_readme_documents_the_rules_commands():
    readme = (ROOT / "README.md").read_text()
    for command in ("analyzer rules list", "analyzer rules lint", "analyzer rules test"):
        assert f"### `{command}" in readme, command
    for key in ("codes", "fields", "normalize", "group", "keywords", "fingerprint"):
        assert f"`{key}`" in readme


def test_rules_commands_have_help(cli):
    for command in ("list", "lint", "test"):
        result = cli("rules", command, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_rules_list_with_an_invalid_user_file_exits_2_naming_it(cli, write, tmp_path):
    path = write("bad.yaml", BROKEN_EXAMPLE.replace("severity: high", "severity: dire"))
    result = cli("rules", "list", "--rules", str(tmp_path))
    assert result.exit_code == 2
    assert f"{path}:4: severity: rule app.widget_failed: must be one of" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_explain_gives_title_docs_and_examples(cli):
    out = cli("rules", "explain", "postgres.undefined_column").stdout
    assert out.startswith("postgres.undefined_column: Column does not exist")
    assert "codes 42703" in out and "examples:" in out and "matches: " in out
    data = json.loads(cli("rules", "explain", "postgres.undefined_column", "-f", "json").stdout)
    assert data["version"] == 1 and data["rule"]["examples"] and data["rule"]["docs"]
    missing = cli("rules", "explain", "undefined_colum")
    assert missing.exit_code == 2 and "did you mean" in missing.stderr and \
        "postgres.undefined_column," in \
        missing.stderr.replace("\n", " ")


def test_rules_lint_and_test_speak_json_too(cli):
    lint = json.loads(cli("rules", "lint", "-f", "json").stdout)
    assert lint["version"] == 1 and lint["files"] > 10 and isinstance(lint["issues"], list)
    tested = cli("rules", "test", "--format", "Json")
    data = json.loads(tested.stdout)
    assert tested.exit_code == 0 and data["version"] == 1 and data["failed"] == 0
    assert data["examples"] > 100 and data["results"] == []  # only failures unless -v
