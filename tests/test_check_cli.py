"""`analyzer check` from the command line: the JSON contract, SARIF 2.1.0, GitHub annotations,
exit statuses, --from-logs over real-shaped logs, and untrusted names from the code."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.conftest import ROOT, SAMPLES, SEED_LOG, SEED_SCHEMA

BEFORE = str(SAMPLES / "apps" / "seed" / "before")
AFTER = str(SAMPLES / "apps" / "seed" / "after")
FINDING_KEYS = {"id", "orm", "model", "file", "line", "table", "column", "attribute", "kind",
                "wanted", "found", "severity", "summary", "evidence", "fixes"}


def check(cli, *args):
    return cli("check", *args)


def test_json_contract(cli):
    result = check(cli, BEFORE, "--schema", str(SEED_SCHEMA), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"version", "models", "findings", "problems"} and data["version"] == 1
    assert data["models"] == [{"orm": "sequelize", "name": "Session",
                               "table": "counseling_sessions", "schema": "public",
                               "file": f"{BEFORE}/models/Session.js", "line": 7}]
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        assert re.fullmatch(r"chk-[0-9a-f]{12}", finding["id"])
    session_id = next(f for f in data["findings"] if f["column"] == "session_id")
    assert (session_id["attribute"], session_id["wanted"], session_id["found"],
            session_id["kind"], session_id["severity"]) == \
        ("sessionId", "session_id", "sessionId", "case_style", "high")
    assert any("public.sessions has column 'sessionId'" in e for e in session_id["evidence"])
    assert data["problems"] == []


def test_ids_are_stable_across_runs_and_machines(cli):
    first = json.loads(check(cli, BEFORE, "-s", str(SEED_SCHEMA), "-f", "json").stdout)
    again = json.loads(check(cli, BEFORE, "-s", str(SEED_SCHEMA), "-f", "json").stdout)
    assert [f["id"] for f in first["findings"]] == [f["id"] for f in again["findings"]]


def test_exit_status_follows_fail_on(cli):
    assert check(cli, AFTER, "-s", str(SEED_SCHEMA)).exit_code == 0
    assert check(cli, BEFORE, "-s", str(SEED_SCHEMA)).exit_code == 1
    # the worst finding of the sequelize sample app is critical; info findings alone pass
    critical = check(cli, BEFORE, "-s", str(SEED_SCHEMA), "--fail-on", "CRITICAL", "-f", "sarif")
    # stderr names what tripped it (stdout may be a SARIF file): the one critical finding
    assert critical.exit_code == 1 and critical.stderr.splitlines() == [
        "analyzer: --fail-on critical: critical finding chk-0c2aff3d524d (table_name "
        "counseling_sessions → sessions) at " + str(BEFORE) + "/models/Session.js:7"]
    users_only = str(SAMPLES / "apps" / "sequelize")
    result = check(cli, users_only, "-s", f"{users_only}/schema.sql", "--fail-on", "info")
    assert result.exit_code == 1


def test_usage_errors_exit_2_with_one_line(cli):
    for args in (["--format", "xml"], ["--fail-on", "loud"], ["--orm", "hibernate"], [],
                 ["-s", "no-such.sql"], ["no-such-dir", "-s", str(SEED_SCHEMA)]):
        result = check(cli, *([BEFORE] if args[:1] != ["no-such-dir"] else []), *args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("analyzer: error: ") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr


def test_sarif_is_2_1_0_with_rules_locations_and_fingerprints(cli):
    result = check(cli, BEFORE, "-s", str(SEED_SCHEMA), "-f", "sarif")
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["analyzer.check/table_name", "analyzer.check/case_style"]
    assert len(run["results"]) == 9
    for item in run["results"]:
        assert rules[item["ruleIndex"]] == item["ruleId"] and item["level"] == "error"
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("models/Session.js")
        assert location["region"]["startLine"] >= 1
        assert item["partialFingerprints"]["analyzerFindingId/v1"].startswith("chk-")


def test_github_annotations_escape_their_properties(cli):
    lines = check(cli, BEFORE, "-s", str(SEED_SCHEMA), "-f", "github").stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == 9 and all(a.startswith("::error file=") for a in annotations)
    table = next(a for a in annotations if "table_name" in a)
    assert "title=table_name%3A counseling_sessions → sessions::" in table
    assert ",line=7," in table and "%0AFix: Sequelize model Session" in table
    assert lines[-1].startswith("check: 9 findings (1 critical, 8 high)")


def test_from_logs_checks_what_logged_sql_used(cli, tmp_path):
    """The seed's Render log (Sequelize `Executing (default): …`) and a PostgreSQL stderr log
    with `statement:` lines and a failing STATEMENT, against the seed schema; no code at all."""
    empty = tmp_path / "code"
    empty.mkdir()
    result = check(cli, str(empty), "-s", str(SEED_SCHEMA), "-f", "json", "--from-logs",
                   str(SEED_LOG), "--from-logs", str(SAMPLES / "postgres" / "stderr-default.log"))
    data = json.loads(result.stdout)
    found = {(f["orm"], f["file"].split("/")[-1], f["table"], f["column"], f["kind"])
             for f in data["findings"]}
    assert ("sequelize", "render.log", "counseling_sessions", None, "table_name") in found
    assert ("sequelize", "render.log", "counseling_sessions", "session_id", "case_style") in found
    assert ("sql", "stderr-default.log", "counseling_sessions", None, "table_name") in found
    # statements that name existing columns are no finding
    assert not any(f[2] == "sessions" and f[3] == "sessionId" for f in found)
    assert result.exit_code == 1


def test_untrusted_names_from_the_code_cannot_drive_the_terminal(cli, tmp_path):
    (tmp_path / "package.json").write_text('{"dependencies": {"sequelize": "6"}}')
    (tmp_path / "m.js").write_text(
        "X.init({ a: 1 }, { sequelize, modelName: 'Evil\\u001b[31m', "
        "tableName: 'bad\\u001b]0;owned\\u0007' });")
    (tmp_path / "s.sql").write_text("CREATE TABLE good (a int);")
    for fmt in ("table", "json", "github", "sarif"):
        out = check(cli, str(tmp_path), "-s", str(tmp_path / "s.sql"), "-f", fmt).stdout
        assert "\x1b" not in out and "\x07" not in out and "\\u001b" not in out


def test_secrets_in_sql_strings_are_redacted(cli, tmp_path):
    (tmp_path / "q.py").write_text(
        'q = "SELECT pasword FROM creds WHERE dsn = \'postgres://app:hunter2@db/x\'"\n')
    (tmp_path / "s.sql").write_text("CREATE TABLE creds (password text, dsn text);")
    for fmt in ("table", "json", "github", "sarif"):
        out = check(cli, str(tmp_path), "-s", str(tmp_path / "s.sql"), "-f", fmt).stdout
        assert "pasword" in out and "hunter2" not in out


def test_no_redact_and_redact_emails_reach_every_check_output(cli, tmp_path):
    # quoted identifiers may hold anything: a key pasted as a table name, an address
    (tmp_path / "q.py").write_text('q = "SELECT nme FROM \\"sk_live_0123456789abcdef\\""\n'
                                   'r = "SELECT nme FROM \\"ops@example.com\\""\n')
    (tmp_path / "s.sql").write_text('CREATE TABLE "sk_live_0123456789abcdef" (name text);\n'
                                    'CREATE TABLE "ops@example.com" (name text);\n')
    for fmt in ("table", "json", "github", "sarif"):
        args = (str(tmp_path), "-s", str(tmp_path / "s.sql"), "-f", fmt)
        default, kept, hidden = (check(cli, *args, *flags) for flags in
                                 ((), ("--no-redact",), ("--redact-emails",)))
        assert default.exit_code == kept.exit_code == hidden.exit_code == 1
        assert "0123456789abcdef" not in default.stdout + default.stderr
        assert "sk_live_***" in default.stdout and "ops@example.com" in default.stdout
        assert "sk_live_0123456789abcdef" in kept.stdout
        assert "ops@example.com" not in hidden.stdout + hidden.stderr
        assert "[EMAIL]" in hidden.stdout and "0123456789abcdef" not in hidden.stdout


def test_parse_error_is_reported_and_the_rest_checked(cli, tmp_path):
    (tmp_path / "package.json").write_text('{"dependencies": {"sequelize": "6"}}')
    (tmp_path / "bad.js").write_text("const a = {\n  b: [1, 2,\n};\n")
    (tmp_path / "good.js").write_text(
        "G.init({ a: 1 }, { sequelize, tableName: 'gs', timestamps: false });")
    (tmp_path / "s.sql").write_text("CREATE TABLE gs (id int, a int);")
    result = check(cli, str(tmp_path), "-s", str(tmp_path / "s.sql"), "-f", "json")
    data = json.loads(result.stdout)
    assert [m["name"] for m in data["models"]] == ["G"]
    assert [p["where"].split("/")[-1] for p in data["problems"]] == ["bad.js:2"]
    assert result.exit_code == 0 and "bad.js:2: syntax error" in result.stderr


def test_check_has_help_and_a_readme_section(cli):
    result = cli("check", "--help")
    assert result.exit_code == 0 and "Usage" in result.stdout
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Prevent it: check before deploy")[1].split("\n## ")[0]
    options = set(re.findall(r"(--[a-z][a-z-]+)", result.stdout)) - {"--help"}
    assert not {o for o in options if o not in section}
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S)]
    workflow, hooks = blocks
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert any(r.startswith("analyzer check") and "--format github" in r for r in runs)
    assert hooks["repos"][0]["hooks"][0]["entry"].startswith("analyzer check")


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "github"])
def test_every_format_renders_a_clean_run(cli, fmt):
    result = check(cli, AFTER, "-s", str(SEED_SCHEMA), "-f", fmt)
    assert result.exit_code == 0 and result.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "github"])
def test_check_reporters_match_their_golden_files(golden, fmt, monkeypatch):
    """The seed's model before its fix, every format byte for byte (tests/golden/check.*)."""
    from analyzer.check import run_check
    from analyzer.check.report import REPORTERS

    monkeypatch.chdir(ROOT)
    result = run_check(["samples/apps/seed/before"], ["samples/seed/init.sql"])
    name = {"table": "table.txt", "json": "json", "sarif": "sarif", "github": "github.txt"}
    golden(f"check.seed.{name[fmt]}", REPORTERS[fmt](result))


def test_a_missing_log_is_fatal_and_the_code_still_checked(cli, tmp_path):
    result = check(cli, BEFORE, "-s", str(SEED_SCHEMA), "-f", "json",
                   "--from-logs", str(tmp_path / "gone.log"))
    data = json.loads(result.stdout)
    assert result.exit_code == 2 and len(data["findings"]) == 9
    assert data["problems"][0]["fatal"] and "gone.log" in data["problems"][0]["where"]
    assert "analyzer: error: " in result.stderr and "Traceback" not in result.stderr


def test_orm_option_restricts_the_readers(cli):
    app = str(SAMPLES / "apps" / "rawsql")
    only_sql = json.loads(check(cli, app, "-s", f"{app}/schema.sql", "-f", "json",
                                "--orm", "knex").stdout)
    assert {f["orm"] for f in only_sql["findings"]} == {"sql"}
    none = json.loads(check(cli, BEFORE, "-s", str(SEED_SCHEMA), "-f", "json",
                            "--orm", "prisma").stdout)
    assert none["models"] == [] and none["findings"] == []
