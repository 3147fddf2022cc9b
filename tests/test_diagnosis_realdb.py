"""Real PostgreSQL output, not constructed lines: mistaken queries run against a real server
(scripts/pg-server, or the one .ci/run started), and the server's own log (stderr, csvlog,
jsonlog) goes through the analyzer with the live database as the schema source.

Some checks need what other parts of the analyzer bring (the PostgreSQL log parsers that put
HINT/STATEMENT into Record.fields; the undefined_table rule): they probe for it and skip with the
reason until it is there, and a stand-in rule with the built-in id is used while the built-in
rule pack lacks it.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import psycopg
import pytest

from analyzer.catalog import load_catalog
from analyzer.ingest import ReadOptions, expand_sources, read_source
from analyzer.model import SourceStats
from analyzer.pipeline import analyze
from analyzer.report.jsonout import report_dict
from analyzer.settings import Settings

pytestmark = pytest.mark.postgres

LOG_FILES = {"stderr": "postgresql", "csvlog": "postgresql.csv", "jsonlog": "postgresql.json"}

SCHEMA = """
CREATE SCHEMA auth;
CREATE TABLE auth.sessions (id uuid PRIMARY KEY, user_id uuid, created_at timestamptz,
                            updated_at timestamptz, factor_id uuid, aal text);
CREATE TABLE auth.refresh_tokens (id bigserial PRIMARY KEY, token text, user_id text);
CREATE TABLE "users" ("id" SERIAL PRIMARY KEY, "userId" VARCHAR(64), "email" TEXT,
                      "isActive" BOOLEAN);
CREATE TABLE "counselors" ("id" SERIAL PRIMARY KEY, "counselorId" VARCHAR(64));
CREATE TABLE "sessions" ("id" SERIAL PRIMARY KEY, "sessionId" VARCHAR(64) NOT NULL,
  "userId" VARCHAR(64) NOT NULL, "counselorId" VARCHAR(64), "status" VARCHAR(20),
  "counters" JSONB DEFAULT '{}', "createdAt" TIMESTAMPTZ);
CREATE TABLE "reports" ("id" SERIAL PRIMARY KEY, "sessionId" VARCHAR(64), "summary" TEXT);
"""

# (case, SQL run by the application, search_path, wanted, expected kind, expected found, needs)
# `needs`: what the log must carry for this case beyond the error line itself.
CASES = [
    ("snake_vs_camel", "SELECT session_id FROM sessions", None,
     "session_id", "case_style", "sessionId", set()),
    ("snake_vs_camel_qualified", "SELECT sessions.created_at FROM sessions", None,
     "created_at", "case_style", "createdAt", set()),
    ("unquoted_camel_case", "SELECT counselorId FROM sessions", None,
     "counselorid", "case_folding", "counselorId", set()),
    ("typo", 'SELECT "sesionId" FROM sessions', None, "sesionId", "typo", "sessionId", set()),
    ("missing_column", 'SELECT "refreshToken" FROM users', None,
     "refreshToken", "missing", None, set()),
    ("column_on_another_table", "SELECT counters FROM users", None,
     "counters", "other_table", "public.sessions.counters", set()),
    ("wrong_table", "SELECT * FROM counseling_sessions", None,
     "counseling_sessions", "table_name", "sessions", set()),
    ("singular_table", "SELECT * FROM session", None, "session", "pluralization", "sessions",
     set()),
    ("table_in_auth_not_public", "SELECT * FROM public.refresh_tokens", None,
     "refresh_tokens", "other_schema", "auth.refresh_tokens", set()),
    ("auth_sessions_collision", 'SELECT "sessionId" FROM sessions', "auth, public",
     "sessionId", "other_schema", "public.sessions.sessionId", {"statement"}),
]


def _sizes(logdir: Path) -> dict[str, int]:
    return {name: (logdir / file).stat().st_size if (logdir / file).exists() else 0
            for name, file in LOG_FILES.items()}


def _wait_for(logdir: Path, marker: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        texts = [(logdir / f).read_text(errors="replace") if (logdir / f).exists() else ""
                 for f in LOG_FILES.values()]
        if all(marker in t for t in texts):
            return
        time.sleep(0.1)
    pytest.fail(f"the server did not log {marker!r} in every log file within 20 s")


@pytest.fixture(scope="module")
def server_logs(postgres_server, tmp_path_factory):
    """Run every case against a fresh database; return (dsn of that database, {log kind: file
    holding just this run's part of the server's log})."""
    dsn, logdir = postgres_server
    database = f"analyzer_diag_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    db_dsn = dsn.rsplit("/", 1)[0] + "/" + database
    with psycopg.connect(db_dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)
    before = _sizes(logdir)
    marker = f"analyzer-cases-done-{uuid.uuid4().hex}"
    with psycopg.connect(db_dsn, autocommit=True, application_name="counseling-api") as conn:
        for _case, sql, search_path, *_ in CASES:
            conn.execute(f"SET search_path TO {search_path or 'public'}")
            with pytest.raises(psycopg.errors.Error):
                conn.execute(sql)
        conn.execute(f"DO $$ BEGIN RAISE LOG '{marker}'; END $$")
    _wait_for(logdir, marker)
    out = tmp_path_factory.mktemp("pglogs")
    files = {}
    for kind, name in LOG_FILES.items():
        with (logdir / name).open("rb") as log:
            log.seek(before[kind])
            files[kind] = out / f"pg-{kind}.{'csv' if kind == 'csvlog' else 'log'}"
            files[kind].write_bytes(log.read())
    yield db_dsn, files



def _scan(paths: list[Path], schemas: tuple[str, ...] = ()) -> dict:
    settings = Settings(schemas=schemas)
    return report_dict(analyze([str(p) for p in paths], settings))


def _capabilities(path: Path) -> set[str]:
    """What this build's readers get out of a server log: matched error events, and the HINT
    and STATEMENT joined to them as Record fields."""
    sources, _ = expand_sources([str(path)])
    found = set()
    for record in read_source(sources[0], SourceStats(str(path)), options=ReadOptions()):
        if "does not exist" in record.message and '\\"' not in record.message \
                and '""' not in record.message:
            found.add("errors")
        found |= {k for k in ("hint", "statement") if record.fields.get(k)}
    return found


def _require(path: Path, kind: str, needs: set[str]) -> None:
    missing = ({"errors"} | needs) - _capabilities(path)
    if missing:
        pytest.skip(f"the {kind} reader of this build does not give {sorted(missing)} for "
                    "PostgreSQL's own log (the PostgreSQL log parsers of issue 3 do)")


def _incident_for(report: dict, wanted: str) -> dict:
    for incident in report["incidents"]:
        diagnosis = incident["diagnosis"] or {}
        if diagnosis.get("wanted") == wanted:
            return incident
    names = [(i["rule"], i["entities"]) for i in report["incidents"]]
    raise AssertionError(f"no incident diagnosed for {wanted!r}; incidents: {names}")


@pytest.mark.parametrize("log_kind", list(LOG_FILES))
@pytest.mark.parametrize(("case", "sql", "search_path", "wanted", "kind", "found", "needs"),
                         CASES, ids=[c[0] for c in CASES])
def test_server_log_with_live_schema_gives_the_kind(server_logs, log_kind, case, sql,
                                                    search_path, wanted, kind, found, needs):
    dsn, files = server_logs
    _require(files[log_kind], log_kind, needs)
    report = _scan([files[log_kind]], schemas=(dsn,))
    diagnosis = _incident_for(report, wanted)["diagnosis"]
    assert (diagnosis["kind"], diagnosis["found"]) == (kind, found), diagnosis
    assert diagnosis["evidence"] and diagnosis["fixes"]
    assert any(dsn.rsplit("@", 1)[-1] in e for e in diagnosis["evidence"]) or kind == "missing"


def test_live_catalog_reads_public_and_auth(server_logs):
    dsn, _ = server_logs
    catalog = load_catalog([dsn])
    assert catalog.get("sessions", "auth").columns[:2] == ("id", "user_id")
    assert "sessionId" in catalog.get("sessions", "public").columns
    assert {"auth", "public"} <= catalog.schemas


def test_postgrest_cache_older_than_a_new_column_is_stale_schema_cache(server_logs, tmp_path):
    # PostgREST itself is not on the machine: its PGRST204 body is the one supabase-js logs
    # (formats.md 4.2); the column it names was really added on the real server.
    dsn, _ = server_logs
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute('ALTER TABLE sessions ADD COLUMN "endedReason" text')
    app_log = tmp_path / "app.log"
    app_log.write_text('Failed to end session: {"code":"PGRST204","details":null,"hint":null,'
                       '"message":"Could not find the \'endedReason\' column of \'sessions\' in '
                       'the schema cache"}\n')
    report = _scan([app_log], schemas=(dsn,))
    diagnosis = _incident_for(report, "endedReason")["diagnosis"]
    assert diagnosis["kind"] == "stale_schema_cache"
    assert any("reload schema" in f for f in diagnosis["fixes"])
    assert report["root_causes"][0]["kind"] == "stale_schema_cache"


@pytest.mark.parametrize("log_kind", list(LOG_FILES))
def test_without_a_schema_the_servers_hint_gives_the_real_name(server_logs, log_kind):
    _, files = server_logs
    _require(files[log_kind], log_kind, {"hint"})
    report = _scan([files[log_kind]])
    diagnosis = _incident_for(report, "session_id")["diagnosis"]
    assert (diagnosis["kind"], diagnosis["found"]) == ("case_style", "sessionId")
    assert 0 < diagnosis["confidence"] < 0.9  # less sure than with a schema
    assert any("Perhaps you meant" in e for e in diagnosis["evidence"])


def test_without_a_schema_or_hint_the_diagnosis_is_unknown(server_logs, postgres_server,
                                                         tmp_path):
    dsn, _ = server_logs
    _, logdir = postgres_server
    before = _sizes(logdir)["stderr"]
    marker = f"analyzer-unknown-{uuid.uuid4().hex}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UndefinedColumn):
            conn.execute("SELECT nothing_like_it FROM sessions")
        conn.execute(f"DO $$ BEGIN RAISE LOG '{marker}'; END $$")
    _wait_for(logdir, marker)
    with (logdir / LOG_FILES["stderr"]).open("rb") as log:
        log.seek(before)
        text = log.read()
    log_file = tmp_path / "pg.log"
    log_file.write_bytes(text)
    diagnosis = _incident_for(_scan([log_file]), "nothing_like_it")["diagnosis"]
    assert (diagnosis["kind"], diagnosis["found"], diagnosis["confidence"]) == \
        ("unknown", None, 0.0)


def test_unreachable_database_url_diagnoses_from_the_logs_alone(server_logs, tmp_path):
    _, files = server_logs
    report = _scan([files["stderr"]], schemas=("postgresql://app:hunter22@127.0.0.1:1/none",))
    problems = [p["message"] for p in report["problems"]]
    assert any("cannot read the schema" in p and "logs alone" in p for p in problems)
    assert all("hunter22" not in p for p in problems)
    assert report["incidents"] and all(not p["fatal"] for p in report["problems"])
