from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SEED_LOG, SEED_SCHEMA, run_module, seed_incident_count

SEED_ARGS = (str(SEED_LOG), "--schema", str(SEED_SCHEMA))


def ruled(data: dict) -> list[dict]:
    """The incidents a rule found (the seed also has unclassified ones: test_mining*)."""
    return [i for i in data["incidents"] if i["rule"] != "unclassified"]


def test_scan_prints_the_seed_incidents_as_a_table(cli):
    result = cli("scan", *SEED_ARGS)
    assert result.exit_code == 0
    out = result.stdout
    assert "Incidents" in out and "case_style" in out
    assert "created_at" in out and "createdAt" in out and "sessionId" in out


def test_scan_json_follows_the_contract(cli):
    result = cli("scan", *SEED_ARGS, "--format", "json")
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert set(data["input"]) >= {"sources", "lines", "records", "unparsed", "formats"}
    incident = data["incidents"][0]
    assert set(incident) >= {"id", "rule", "title", "severity", "category", "count",
                             "first_seen", "last_seen", "services", "entities", "diagnosis",
                             "root_cause", "samples"}
    assert set(incident["diagnosis"]) >= {"kind", "summary", "wanted", "found", "confidence",
                                          "evidence", "fixes"}
    assert set(incident["samples"][0]) == {"ts", "source", "lineno", "message"}
    assert incident["first_seen"].endswith("Z")
    assert isinstance(data["root_causes"], list)


def test_stdin_is_read_with_dash_and_by_default(cli):
    text = SEED_LOG.read_text()
    for args in (("scan", "-", "-f", "json"), ("scan", "-f", "json")):
        data = json.loads(cli(*args, input=text).stdout)
        assert data["input"]["sources"] == ["-"]
        assert len(data["incidents"]) == seed_incident_count(schema=False)


def test_fail_on_exits_1_when_an_incident_is_at_or_above(cli):
    assert cli("scan", *SEED_ARGS, "--fail-on", "critical").exit_code == 1
    assert cli("scan", "-", "--fail-on", "info", input="all good\n").exit_code == 0
    result = cli("scan", "-", "--fail-on", "nope", input="x\n")
    assert result.exit_code == 2 and "--fail-on" in result.stderr


def test_unreadable_file_exits_2_with_one_line_but_other_files_are_scanned(cli, tmp_path):
    result = cli("scan", str(tmp_path / "missing.log"), str(SEED_LOG), "-f", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["incidents"]
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == [f"analyzer: error: {tmp_path / 'missing.log'}: no such file"]


def test_broken_rule_file_exits_2_naming_file_line_and_key(cli, write, tmp_path):
    write("r.yaml", "rules:\n  - id: a.b\n    title: t\n    severity: high\n"
                    "    category: schema\n    patterns: ['(']\n")
    result = cli("scan", str(SEED_LOG), "--rules", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"analyzer: error: {tmp_path / 'r.yaml'}:6: patterns: rule a.b: invalid regex '(': "
        "missing ) at position 1"]


def test_a_schema_file_whose_only_statement_is_bad_is_a_warning_not_silence(cli, write):
    # a bad statement is skipped with a one-line file:line warning and the scan goes on (README
    # "Bad input"); a file left with no table must still say so, not pass silently
    bad = write("bad.sql", "CREATE TABLE x (a int,,);")
    result = cli("scan", str(SEED_LOG), "--schema", str(bad))
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "bad.sql" in line]
    assert len(warnings) == 1 and "bad.sql:1: cannot parse SQL" in warnings[0]
    assert warnings[0].endswith("statement skipped")
    assert "Traceback" not in result.stderr


def test_log_text_cannot_inject_rich_markup_or_escapes(cli):
    hostile = ('❌ column "[bold red]x[/]\x1b[2J\x1b]0;pwn\x07" does not exist '
               "postgresql://app:hunter2@db.example.com/prod\n")
    out = cli("scan", "-", input=hostile).stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold red]x[/]" in out


def test_secrets_are_redacted_in_json_unless_no_redact(cli):
    line = ('❌ column "a" does not exist while using postgresql://app:hunter2@db.example.com/prod '
            "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N\n")
    redacted = cli("scan", "-", "-f", "json", input=line).stdout
    assert "hunter2" not in redacted and "eyJhbGci" not in redacted
    assert "postgresql://app:***@db.example.com" in redacted
    kept = cli("scan", "-", "-f", "json", "--no-redact", input=line).stdout
    assert "hunter2" in kept


def test_unknown_output_format_is_a_usage_error(cli):
    result = cli("scan", "-", "-f", "xml", input="x\n")
    assert result.exit_code == 2 and "xml" in result.stderr


def test_python_dash_m_and_console_script_both_work():
    result = run_module("scan", *SEED_ARGS, "-f", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["incidents"]) == seed_incident_count()
    version = run_module("--version")
    assert version.stdout.decode().startswith("analyzer ")


def test_closed_pipe_exits_quietly(tmp_path):
    big = tmp_path / "big.log"
    big.write_bytes(SEED_LOG.read_bytes() * 40)
    script = (f"{sys.executable} -m analyzer scan {big} -f json | head -1; "
              "echo status=${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.stdout.splitlines() == ["{", "status=0"]
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_help_for_every_command():
    for args in (["--help"], ["scan", "--help"]):
        result = run_module(*args)
        assert result.returncode == 0 and b"Usage" in result.stdout


def test_table_output_ends_with_root_causes_and_the_postmortem_fix(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    out = cli("scan", *SEED_ARGS).stdout
    causes, details = out.index("Root causes"), out.index("Incident details")
    assert details < causes
    assert "Sequelize model Session: `underscored: false`, `tableName: 'sessions'`" in \
        out[causes:]
    assert "fix: see root cause rc-" in out[details:causes]
