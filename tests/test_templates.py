from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import regex

from analyzer.mining.suggest import template_pattern
from analyzer.mining.unclassified import is_candidate
from analyzer.model import Record, frozen_map
from analyzer.pipeline import analyze
from analyzer.report.jsonout import report_dict
from analyzer.rulebook.examples import check_rules
from analyzer.rulebook.load import read_rule_file
from analyzer.settings import Settings
from tests.conftest import SEED_LOG, run_module

UNKNOWN = """\
2025-11-13T06:23:00.100000000Z 🚀 Server running on port 10000
2025-11-13T06:23:01.100000000Z ❌ Error: redis handshake failed with 10.0.0.7:6379 (redis)
2025-11-13T06:23:02.100000000Z GET /api/health 200 3.1 ms - 15
2025-11-13T06:23:03.100000000Z ❌ Error: redis handshake failed with 10.0.0.9:6379 (redis)
2025-11-13T06:23:04.100000000Z Worker crashed: TypeError: cache.get is not a function
2025-11-13T06:23:04.100000100Z     at Cache.read (/app/src/cache.js:10:5)
2025-11-13T06:23:04.100000200Z     at Server.handle (/app/src/server.js:88:12)
2025-11-13T06:23:05.100000000Z Worker crashed: TypeError: cache.get is not a function
2025-11-13T06:23:05.100000100Z     at Cache.read (/app/src/cache.js:10:5)
2025-11-13T06:23:06.100000000Z ❌ Error: payment provider timed out after 30000 ms (order 42)
"""

CLEAN = """\
2025-11-13T06:20:17.738338679Z [dotenv@16.4.5] injecting env (14) from .env
2025-11-13T06:20:19.387581029Z 🚀 Server running on port 10000
2025-11-13T06:23:03.102602033Z ⚠️  [7_o7N9x1ZSKXgA_txdhy] session_error sent to client: RETRY
2025-11-13T06:23:04.102602033Z GET /api/users/me 200 35.622 ms - 298
2025-11-13T06:23:05.102602033Z 0 errors, 0 warnings
"""


def scan(write, text: str) -> dict:
    path = write("app.log", text)
    return report_dict(analyze([str(path)], Settings()))


def unclassified(data: dict) -> dict[str, dict]:
    return {i["title"]: i for i in data["incidents"] if i["rule"] == "unclassified"}


def test_an_error_no_rule_knows_becomes_an_unclassified_incident(write):
    found = unclassified(scan(write, UNKNOWN))
    assert set(found) == {
        "❌ Error: redis handshake failed with <ip> (redis)",
        "Worker crashed: TypeError: cache.get is not a function",
        "❌ Error: payment provider timed out after <num> ms (order <num>)",
    }
    redis = found["❌ Error: redis handshake failed with <ip> (redis)"]
    assert redis["category"] == "unclassified" and redis["severity"] == "high"
    assert redis["count"] == 2
    assert redis["entities"] == {"ip": "10.0.0.7:6379 ×1, 10.0.0.9:6379 ×1"}
    assert redis["first_seen"] == "2025-11-13T06:23:01.1Z"
    assert [s["lineno"] for s in redis["samples"]] == [2, 4]
    stack = found["Worker crashed: TypeError: cache.get is not a function"]
    assert stack["count"] == 2 and stack["samples"][0]["message"].count("\n") == 2


def test_the_same_unknown_error_tomorrow_has_the_same_id(write, tmp_path):
    today = unclassified(scan(write, UNKNOWN))
    tomorrow_log = tmp_path / "tomorrow.log"
    tomorrow_log.write_text(UNKNOWN.replace("10.0.0.", "192.168.3.").replace("06:23", "07:45"))
    tomorrow = unclassified(report_dict(analyze([str(tomorrow_log)], Settings())))
    assert {t: i["id"] for t, i in today.items()} == {t: i["id"] for t, i in tomorrow.items()}


def test_clean_logs_stay_silent(write):
    assert scan(write, CLEAN)["incidents"] == []


def test_rule_matches_are_not_mined_again(write):
    data = scan(write, '❌ column "reportId" does not exist\n❌ column "x" does not exist\n')
    assert {i["rule"] for i in data["incidents"]} == {"postgres.undefined_column"}


def record(message: str, **fields) -> Record:
    level = fields.pop("level", None)
    return Record("-", 1, "plain", message, message, level=level, fields=frozen_map(fields))


def test_candidates_are_error_level_records():
    assert is_candidate(record("FATAL: the database system is shutting down"))
    assert is_candidate(record("Traceback (most recent call last):\n  File x"))
    assert is_candidate(record("POST /api/reports 503 1.2 ms - 7"))
    assert is_candidate(record('{"msg": "upstream", "status": 502}'))
    assert is_candidate(record("request done", status="500"))
    assert is_candidate(record("boom", severity="ERROR", level="error"))
    assert not is_candidate(record("ERROR in text but", severity="INFO", level="info"))
    assert not is_candidate(record("session_error sent to client"))
    assert not is_candidate(record("GET /api/x 200 5.0 ms - 5000"))


@pytest.mark.parametrize(("text", "error"), [
    ("❌ could not save", True),
    ("Unhandled rejection at promise", True),
    ("TypeError: Cannot read properties of undefined", True),
    ("SequelizeDatabaseError: relation missing", True),
    ("upstream said statusCode=503", True),
    ("GET /api/x 502 12.1 ms - 7", True),
    ("payload was 5000 bytes", False),
    ("session_errors=0 sessionError_count=2", False),
    ('Executing (default): SELECT "status" FROM "sessions" WHERE "status" = \'active\'', False),
])
def test_error_text_by_word_class_name_access_log_and_status(text, error):
    assert is_candidate(record(text)) is error


def test_templates_table_lists_templates_with_counts_and_values():
    result = run_module("templates", str(SEED_LOG), "-n", "3")
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert "GET <path> <num> <num> ms - <*>" in out and "112" in out
    assert "/api/health ×50" in out and "2025-11-13 06:20:28" in out


def test_templates_per_line_csv_has_one_row_per_record_at_its_first_line(write):
    path = write("app.log", UNKNOWN)
    result = run_module("templates", str(path), "--per-line", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout.decode())))
    assert rows[0] == ["line", "template_id", "template"]
    assert [int(r[0]) for r in rows[1:]] == [1, 2, 3, 4, 5, 8, 10]
    by_line = {int(r[0]): r for r in rows[1:]}
    assert by_line[2][1:] == by_line[4][1:]
    assert by_line[5][2] == "Worker crashed: TypeError: cache.get is not a function"


def test_templates_json_and_usage_errors(write):
    path = write("app.log", UNKNOWN)
    data = json.loads(run_module("templates", str(path), "-f", "json").stdout)
    assert data["records"] == 7 and data["templates"][0]["count"] >= 2
    bad = run_module("templates", str(path), "--per-line")
    assert bad.returncode == 2 and b"--per-line needs --format csv" in bad.stderr


def test_templates_redact_secrets(write):
    path = write("app.log", "login ok password=hunter2 for x\nlogin ok password=s3cret for y\n")
    out = run_module("templates", str(path), "-f", "csv").stdout.decode()
    assert "hunter2" not in out and "s3cret" not in out


def test_suggested_rule_passes_lint_and_its_examples_and_then_classifies(write, tmp_path):
    log = write("app.log", UNKNOWN)
    found = unclassified(scan(write, UNKNOWN))
    incident = found["❌ Error: redis handshake failed with <ip> (redis)"]
    result = run_module("rules", "suggest", incident["id"], str(log))
    assert result.returncode == 0, result.stderr
    draft = tmp_path / "rules" / "draft.yaml"
    draft.parent.mkdir()
    draft.write_bytes(result.stdout)
    rules, errors = read_rule_file(draft)
    assert errors == [] and len(rules) == 1
    results = check_rules(rules)
    assert results and all(r.ok for r in results), [r.problem for r in results]
    assert rules[0].examples[0].captures == {"ip": "10.0.0.7:6379"}
    assert [e.match for e in rules[0].examples][-1] is False  # a line of another incident
    for command in ("lint", "test"):
        checked = run_module("rules", command, str(draft.parent))
        assert checked.returncode == 0, checked.stdout + checked.stderr
    after = report_dict(analyze([str(log)], Settings(rules_dirs=(str(draft.parent),))))
    assert {i["rule"]: i["count"] for i in after["incidents"]}[rules[0].id] == 2
    assert incident["title"] not in unclassified(after)


def test_a_lone_incident_gets_its_own_line_without_the_keyword_as_the_counter_example(
        write, tmp_path):
    log = write("push.log", "❌ Push failed for device 8f3a91c2: APNs rejected (BadDeviceToken)\n")
    incident = next(iter(unclassified(scan(write, log.read_text())).values()))
    result = run_module("rules", "suggest", incident["id"], str(log))
    draft = tmp_path / "rules" / "draft.yaml"
    draft.parent.mkdir()
    draft.write_bytes(result.stdout)
    rules, errors = read_rule_file(draft)
    assert errors == []
    negative = rules[0].examples[-1]
    assert negative.match is False and "BadDeviceToken" not in negative.text
    for command in ("lint", "test"):
        assert run_module("rules", command, str(draft.parent)).returncode == 0


def test_suggested_rule_for_a_quoted_identifier_keys_incidents_on_it(tmp_path):
    log = tmp_path / "app.log"
    # a message no rule knows (a missing replication slot has its PostgreSQL rule now)
    log.write_text('ERROR:  worker slot "orders_slot" lost its lease\n'
                   'ERROR:  worker slot "audit_slot" lost its lease\n')
    data = report_dict(analyze([str(log)], Settings()))
    (incident,) = data["incidents"]
    result = run_module("rules", "suggest", incident["id"][:6], str(log))
    draft = tmp_path / "draft.yaml"
    draft.write_bytes(result.stdout)
    (rule,), errors = read_rule_file(Path(draft))
    assert errors == [] and rule.fingerprint == ("slot",)
    assert all(r.ok for r in check_rules([rule]))


def test_suggest_refuses_unknown_or_classified_incidents(write):
    log = write("app.log", UNKNOWN + '❌ column "x" does not exist\n')
    missing = run_module("rules", "suggest", "ffffffffffff", str(log))
    assert missing.returncode == 2 and b"no incident 'ffffffffffff'" in missing.stderr
    ruled = next(i for i in report_dict(analyze([str(log)], Settings()))["incidents"]
                 if i["rule"] != "unclassified")
    classified = run_module("rules", "suggest", ruled["id"], str(log))
    assert classified.returncode == 2 and b"already classified" in classified.stderr


def test_help_for_the_new_commands():
    for args in (["templates", "--help"], ["rules", "--help"], ["rules", "suggest", "--help"]):
        result = run_module(*args)
        assert result.returncode == 0 and b"Usage" in result.stdout


def test_a_suggested_pattern_captures_a_multi_token_date_once():
    pattern, captures = template_pattern(["at", "<ts>", "<ts>", "<ts>", "<ts>", "<num>:", "x"])
    assert captures == ["time", "number"]
    found = regex.search(pattern, "at Sun Jul 10 03:55:22 2005: x")
    assert found.group("time") == "Sun Jul 10 03:55:22" and found.group("number") == "2005"
