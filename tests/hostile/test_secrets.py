from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.pipeline import analyze
from analyzer.settings import Settings
from tests.conftest import run_module
from tests.hostile.secret_support import ALL_FRAGMENTS, leaks, write_logs


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> list[str]:
    return [str(p) for p in write_logs(tmp_path_factory.mktemp("secrets"))]


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def incident_ids(logs: list[str]) -> list[str]:
    return [i["id"] for i in json.loads(invoke("scan", *logs, "-f", "json"))["incidents"]]


def test_every_planted_secret_is_visible_without_redaction(logs):
    # the planted lines reach the outputs: a zero-hit grep below means redaction, not absence
    shown = invoke("scan", *logs, "-f", "json", "--no-redact")
    assert sorted(set(ALL_FRAGMENTS) - set(leaks(shown))) == []


def test_the_library_report_holds_no_secret_in_any_value(logs):
    report = analyze(logs, Settings())
    assert len(report.incidents) > 20
    assert leaks(repr(report)) == []


def test_unclassified_entities_and_titles_hold_no_bearer_token():
    printed = run_module("scan", "--format", "json",
                         input=b"ERROR upstream failed Authorization: Bearer abcdef123456\n")
    incident = json.loads(printed.stdout)["incidents"][0]
    assert "abcdef123456" not in printed.stdout.decode()
    assert incident["title"].endswith("Bearer ***")


@pytest.mark.parametrize("output_format", ["table", "json", "markdown", "html"])
def test_scan_output_holds_no_secret(logs, output_format):
    assert leaks(invoke("scan", *logs, "-f", output_format)) == []


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_watch_lines_and_events_hold_no_secret(logs, output_format):
    stream = b"".join(Path(p).read_bytes() for p in logs[::2])  # plain and JSON lines
    watched = run_module("watch", "--format", output_format, input=stream)
    assert watched.returncode == 0, watched.stderr
    assert b"ERROR" in watched.stdout or b"unclassified" in watched.stdout
    assert leaks(watched.stdout + watched.stderr) == []


def test_report_files_stdout_and_state_db_hold_no_secret(logs, tmp_path):
    state = tmp_path / "state.db"
    outs = [tmp_path / name for name in ("r.html", "r.md", "r.json")]
    printed = invoke("report", *logs, "--state", str(state),
                     *(arg for out in outs for arg in ("--out", str(out))))
    invoke("report", *logs, "--state", str(state), "--since", "3000d")  # a second run
    assert leaks(printed) == []
    for out in outs:
        assert leaks(out.read_bytes()) == [], out.name
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("state.db*"))
    assert leaks(stored) == []
    with sqlite3.connect(state) as db:  # and every value as SQLite returns it
        rows = [repr(row) for table, in db.execute("SELECT name FROM sqlite_master "
                                                   "WHERE type='table'")
                for row in db.execute(f"SELECT * FROM {table}")]
    assert len(rows) > 20
    assert leaks("\n".join(rows)) == []


def test_postmortems_hold_no_secret(logs, tmp_path):
    ids = incident_ids(logs)
    assert leaks(invoke("postmortem", "--incident", ids[0], *logs)) == []
    assert leaks(invoke("postmortem", "--incident", ids[0], *logs, "-f", "json")) == []
    state = tmp_path / "state.db"
    invoke("report", *logs, "--state", str(state))
    for ident in ids:  # every incident, drafted from the state
        assert leaks(invoke("postmortem", "--incident", ident, "--state", str(state))) == [], ident


@pytest.mark.parametrize("output_format", ["table", "csv", "json"])
def test_templates_hold_no_secret(logs, output_format):
    assert leaks(invoke("templates", *logs, "-f", output_format)) == []


def test_templates_per_line_hold_no_secret(logs):
    assert leaks(invoke("templates", *logs, "-f", "csv", "--per-line")) == []


def test_rule_suggestions_hold_no_secret(logs):
    report = json.loads(invoke("scan", *logs, "-f", "json"))
    unclassified = [i["id"] for i in report["incidents"] if i["rule"] == "unclassified"]
    assert len(unclassified) > 20
    for ident in unclassified:
        assert leaks(invoke("rules", "suggest", ident, *logs)) == [], ident


CONTROLS = "\u202e\u2066\x07\x1b\x00"


def test_templates_json_and_rule_suggestions_strip_controls_and_bidi(tmp_path):
    log = tmp_path / "controls.log"
    log.write_bytes("ERROR job \u202e42 failed \x07 at \u2066stage\u2069 \x1b[31mred\n".encode())
    templates = json.loads(invoke("templates", str(log), "-f", "json"))["templates"]
    assert templates[0]["template"] == "ERROR job <num> failed at stage red"
    for field in ("template", "values"):
        assert not set(CONTROLS) & set(json.dumps(templates[0][field], ensure_ascii=False))
    ident = json.loads(invoke("scan", str(log), "-f", "json"))["incidents"][0]["id"]
    drafted = invoke("rules", "suggest", ident, str(log))
    assert "failed" in drafted
    assert not set(CONTROLS) & set(drafted)
    assert "\\a" not in drafted and "\\e" not in drafted  # YAML escapes of BEL and ESC
