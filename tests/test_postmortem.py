from __future__ import annotations

import json
import re
import subprocess
import uuid

import pytest

from tests.conftest import SEED_LOG, SEED_SCHEMA, run_module
from tests.reportlogs import CREATED_AT, HOUR, hours_ago, render_log

SEED = (str(SEED_LOG), "--schema", str(SEED_SCHEMA))
SECTIONS = ["# Post-mortem:", "## Executive summary", "## Symptoms (production logs)",
            "## Impact", "## Root-cause analysis: schema vs code", "## The fix",
            "## Verification", "## Timeline (UTC, from the logs)", "## Lessons",
            "## Prevention checklist", "## Open questions (TODO)"]


def _draft(cli, *args, input=None):
    result = cli("postmortem", *args, input=input)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_draft_for_a_table_has_the_seed_postmortem_shape(cli):
    out = _draft(cli, "-i", "sessions", *SEED)
    positions = [out.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    assert out.startswith("# Post-mortem: Model Session does not match the schema: Column "
                          "naming convention mismatch")
    assert "**Status:** DRAFT" in out and "**Severity:** critical" in out
    # impact: counts, rate, first/last seen, duration
    # the table's outage: sessions and the model's counseling_sessions (one fix repairs both)
    assert "| errors | 27 |" in out and "8.18% of 330 log events read" in out
    assert "| first seen | 2025-11-13 06:23:03 UTC |" in out
    assert "| duration (first to last error) | 5m 52s |" in out
    # wanted vs found, evidence, fix and verification
    assert "| `sessions` | `created_at` | `createdAt` | case_style | 90% |" in out
    assert "public.sessions has column 'createdAt'" in out
    assert 'ALTER TABLE public.sessions RENAME COLUMN "createdAt" TO created_at;' in out
    assert 'SELECT "createdAt" FROM public.sessions LIMIT 1;' in out
    # symptoms carry timestamped excerpts; the timeline names first error, peak, last error
    assert "2025-11-13 06:23:03 ❌ Failed to create session in Supabase:" in out
    assert re.search(r"\| 2025-11-13 06:23:03 UTC \| First error: ", out)
    assert "Peak: 6 errors in one minute" in out and "Last error in the logs" in out
    assert out.count("**TODO") >= 8 and "- [ ] " in out


@pytest.mark.parametrize("selector", ["80fdb3d2c5e8", "80fdb3", "postgres.undefined_column"])
def test_selectors_by_id_prefix_and_rule(cli, selector):
    data = json.loads(_draft(cli, "-i", selector, *SEED, "--format", "json"))
    ids = [i["id"] for i in data["incidents"]]
    assert "80fdb3d2c5e8" in ids
    if selector == "postgres.undefined_column":
        assert len(ids) == 3  # session_id, reportId, counters
    else:
        assert ids == ["80fdb3d2c5e8"]


@pytest.mark.parametrize("copied", ["80fdb3d2c5e8", "80FDB3", "rc-"])
def test_an_id_given_first_selects_as_incident_does(cli, copied):
    if copied == "rc-":
        copied = _seed_causes(cli)["case_style"]
    first = json.loads(_draft(cli, copied, *SEED, "-f", "json"))
    option = json.loads(_draft(cli, "-i", copied.lower(), *SEED, "-f", "json"))
    assert first["incidents"] and first["incidents"] == option["incidents"]
    assert first["root_causes"] == option["root_causes"]


def test_a_first_argument_naming_a_file_stays_a_path_and_an_id_alone_uses_config_paths(
        tmp_path):
    (tmp_path / "cafe1234").write_bytes(SEED_LOG.read_bytes())  # a log named like an id
    as_path = run_module("postmortem", "cafe1234", "--all", cwd=tmp_path)
    assert as_path.returncode == 0 and b"80fdb3d2c5e8" in as_path.stdout, as_path.stderr
    (tmp_path / "analyzer.toml").write_text('[postmortem]\npaths = ["cafe1234"]\n')
    (tmp_path / "src").mkdir()
    alone = run_module("postmortem", "80fdb3d2c5e8", "-f", "json", cwd=tmp_path / "src")
    assert alone.returncode == 0, alone.stderr
    assert [i["id"] for i in json.loads(alone.stdout)["incidents"]] == ["80fdb3d2c5e8"]


def test_unknown_or_ambiguous_selector_is_a_one_line_error(cli):
    missing = cli("postmortem", "-i", "nothing-like-it", *SEED)
    assert missing.exit_code == 2
    assert "no incident matches 'nothing-like-it'" in missing.stderr
    short = cli("postmortem", "-i", "7", *SEED)
    assert short.exit_code == 2 and "4+ characters" in short.stderr
    assert "Traceback" not in missing.stderr + short.stderr


def test_json_carries_the_same_facts(cli):
    data = json.loads(_draft(cli, "-i", "sessions", *SEED, "-f", "json"))
    assert data["status"] == "draft" and data["severity"] == "critical"
    impact = data["impact"]
    assert (impact["errors"], impact["records"], impact["tables"]) == (
        27, 330, ["counseling_sessions", "sessions"])
    assert impact["first_seen"] == "2025-11-13T06:23:03.093444433Z"
    assert impact["duration_seconds"] == pytest.approx(352, abs=1)
    assert impact["peak"]["count"] == 6
    assert {"wanted": "created_at", "found": "createdAt"}.items() <= data["names"][0].items()
    assert any("RENAME COLUMN" in sql for sql in data["fix"]["migration_sql"])
    assert data["verification"] and data["timeline"][0]["event"].startswith("First error")
    assert data["todo"] and data["prevention"] and data["lessons"]


def test_from_the_state_a_report_kept(cli, tmp_path, write):
    state = str(tmp_path / "state.db")
    for hours in (30, 5):
        log = write(f"app{hours}.log", render_log(
            [(hours_ago(hours) + n * 60 * 10**9, CREATED_AT) for n in range(3)]))
        assert cli("report", str(log), "--state", state, "-o", "-").exit_code == 0
    data = json.loads(_draft(cli, "-i", "sessions", "--state", state, "-f", "json"))
    assert data["impact"]["errors"] == 6 and data["impact"]["runs_seen"] == 2
    assert data["impact"]["duration_seconds"] > 24 * HOUR / 1e9
    assert data["sources"] == [f"state: {state}"]
    assert len(data["per_minute"]) == 6
    markdown = _draft(cli, "-i", "sessions", "--state", state)
    assert "in 2 scheduled run(s)" in markdown


def test_hostile_log_text_stays_inside_its_block_and_secrets_are_redacted(cli):
    hostile = ("❌ Failed to create session in Supabase:\n"
               "    Could not find the 'created_at' column of 'sessions' in the schema cache\n"
               "    ```\n    # Injected heading <script>x</script> [link](http://evil.test)\n"
               "    postgresql://app:Hunter2Hunter2@db.example.com/prod\n")
    out = _draft(cli, "-i", "sessions", "-", input=hostile)
    symptoms = out.split("## Symptoms (production logs)")[1].split("## Impact")[0]
    fence = next(line for line in symptoms.splitlines() if line.startswith("````"))
    assert fence == "````text"  # longer than the ``` the log holds
    assert "\n# Injected" not in out.replace("    # Injected", "")
    assert "Hunter2Hunter2" not in out and "postgresql://app:***@db.example.com" in out
    kept = _draft(cli, "-i", "sessions", "-", "--no-redact", input=hostile)
    assert "Hunter2Hunter2" in kept


def test_names_from_logs_are_quoted_in_verification_sql(cli):
    line = "❌ column \"x'); DROP TABLE users; --\" does not exist\n"
    data = json.loads(_draft(cli, "-i", "postgres.undefined_column", "-", "-f", "json", input=line))
    sql = data["verification"][0]["sql"]
    assert "lower('x''); DROP TABLE users; --')" in sql


def test_verification_asks_the_right_question_per_kind(cli):
    table = json.loads(_draft(cli, "-i", "sequelize.undefined_table", *SEED, "-f", "json"))
    assert [q["sql"] for q in table["verification"]] == [
        "SELECT table_schema, table_name FROM information_schema.tables\n"
        "WHERE table_name IN ('counseling_sessions', 'sessions');"]
    quoted = ('2025-11-13T06:30:01Z Executing (default): SELECT "id" FROM "sessions" WHERE '
              '"status" = "active";\n'
              '2025-11-13T06:30:01Z SequelizeDatabaseError: column "active" does not exist\n')
    data = json.loads(_draft(cli, "-i", "sessions", "-", "--schema", str(SEED_SCHEMA), "-f", "json",
                             input=quoted))
    assert not any("'active'" in q["sql"] or '"active"' in q["sql"]
                   for q in data["verification"])


def _psql(dsn: str, sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["psql", dsn, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-c", sql],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.postgres
def test_verification_queries_run_on_a_real_server(cli, postgres_server):
    dsn, _ = postgres_server
    schema = f"pm_{uuid.uuid4().hex[:8]}"
    ddl = SEED_SCHEMA.read_text()
    setup = _psql(dsn, f"CREATE SCHEMA {schema}; SET search_path TO {schema}; {ddl}")
    assert setup.returncode == 0, setup.stderr
    try:
        data = json.loads(_draft(cli, "-i", "sessions", *SEED, "-f", "json"))
        for query in data["verification"]:
            sql = query["sql"].replace("public.", f"{schema}.").replace(
                "'public'", f"'{schema}'")
            result = _psql(dsn, sql)
            assert result.returncode == 0, (sql, result.stderr)
        columns = _psql(dsn, data["verification"][0]["sql"].replace("'public'", f"'{schema}'"))
        assert "createdAt" in columns.stdout and "sessionId" in columns.stdout
        # a table-name incident: which of the two names exists (the real one does)
        table = json.loads(_draft(cli, "-i", "sequelize.undefined_table", *SEED, "-f", "json"))
        (query,) = table["verification"]
        found = _psql(dsn, query["sql"])
        assert found.returncode == 0 and re.search(rf"{schema}\s+\|\s+sessions", found.stdout)
        # The migration the draft proposes applies cleanly, too
        migration = "\n".join(data["fix"]["migration_sql"]).replace("public.", f"{schema}.")
        assert _psql(dsn, migration).returncode == 0
    finally:
        _psql(dsn, f"DROP SCHEMA {schema} CASCADE")


def _seed_causes(cli) -> dict[str, str]:
    data = json.loads(cli("scan", *SEED, "-f", "json").stdout)
    return {c["kind"]: c["id"] for c in data["root_causes"]}


@pytest.mark.parametrize("how", ["root-cause", "all"])
def test_one_draft_covers_the_seed_outage_with_the_model_change_first(cli, how):
    causes = _seed_causes(cli)
    args = ("--root-cause", causes["case_style"]) if how == "root-cause" else ("--all",)
    out = _draft(cli, *args, *SEED)
    # both root causes of the outage, whichever one was named
    assert causes["case_style"] in out and causes["table_name"] in out
    fix = out.split("## The fix")[1].split("## Verification")[0]
    block = fix.split("```javascript\n")[1].split("```")[0]
    before, after = block.split("// After")
    assert "underscored: true," in before and "tableName: 'counseling_sessions'," in before
    assert "underscored: false," in after and "tableName: 'sessions'," in after
    # the model change comes first; no fix is listed twice; SQL is a sql block
    assert fix.index("```javascript") < fix.index("Also possible")
    bullets = [line for line in fix.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(set(bullets)) and "one change fixes both" not in fix
    assert "```sql\nALTER TABLE public.sessions RENAME COLUMN" in fix
    assert "Fix: model Session: `underscored: false`, `tableName: 'sessions'`" in out


def test_draft_has_a_deploy_checklist_and_a_log_check_naming_its_source(cli):
    out = _draft(cli, "--all", *SEED)
    checklist = out.split("## Deployment checklist")[1].split("## ")[0]
    assert checklist.count("- [ ] ") >= 4 and "Model `Session`" in checklist
    check = out.split("## Verification")[1].split("## ")[0].split("```sh\n")[1].split("```")[0]
    assert str(SEED_LOG) in check and "analyzer scan after-deploy.log --fail-on critical" in check
    # no command of the draft reads stdin (on a terminal it would wait for typing)
    assert not re.search(r"^analyzer (?:scan|report)(?: --| -$|$)", check, re.M)


def test_window_selects_the_incidents_active_in_it(cli):
    data = json.loads(_draft(cli, "--since", "2025-11-13T06:28:52Z", "--until",
                             "2025-11-13T07:00:00Z", *SEED, "-f", "json"))
    for incident in data["incidents"]:
        assert incident["last_seen"] >= "2025-11-13T06:28:52"
    assert 0 < len(data["incidents"]) < 9
    empty = cli("postmortem", "--since", "2026-01-01T00:00:00Z", *SEED)
    assert empty.exit_code == 2 and "no incident in that time window" in empty.stderr


def test_draft_needs_a_selection(cli):
    result = cli("postmortem", *SEED)
    assert result.exit_code == 2 and "--root-cause ID" in result.stderr
    unknown = cli("postmortem", "--root-cause", "rc-0000000000", *SEED)
    assert unknown.exit_code == 2 and "root causes: rc-" in unknown.stderr
