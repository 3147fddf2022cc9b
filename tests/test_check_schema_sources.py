"""`analyzer check` against every kind of schema source: a live PostgreSQL (the catalogue read
from `postgresql://`, with the sample apps' DDL run on a real server), a migrations folder
replayed in order, and the server's own log of what a staging run sent (--from-logs)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml

from analyzer.check import run_check
from analyzer.check.report import result_dict
from tests.conftest import ROOT

APPS = ROOT / "samples" / "apps"
KEYS = ("model", "table", "column", "kind", "wanted", "found", "severity")
LIVE_APPS = ["sequelize", "typeorm", "prisma", "drizzle", "sqlalchemy", "django",
             "activerecord", "rawsql", "supabase", "seed/before", "seed/after"]


def rows(result) -> set[tuple]:
    return {tuple(f[k] for k in KEYS) for f in result_dict(result)["findings"]}


def expected_rows(app: Path) -> set[tuple]:
    data = yaml.safe_load((app / "check.expect.yaml").read_text())
    return {tuple(f[k] for k in KEYS) for f in data["findings"]}


def _database(dsn: str, ddl: str) -> str:
    name = f"analyzer_check_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db_dsn = dsn.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(db_dsn, autocommit=True) as conn:
        conn.execute(ddl)
    return db_dsn


@pytest.mark.postgres
@pytest.mark.parametrize("app", LIVE_APPS)
def test_live_database_catalogue_gives_the_same_findings_as_the_ddl(app, postgres_server,
                                                                    monkeypatch):
    monkeypatch.chdir(ROOT)
    folder = APPS / app
    schema = yaml.safe_load((folder / "check.expect.yaml").read_text())["schema"]
    db_dsn = _database(postgres_server[0], (ROOT / schema).read_text())
    result = run_check([str(folder.relative_to(ROOT))], [db_dsn])
    assert rows(result) == expected_rows(folder)
    assert result.schema_sources and "postgresql://" in result.schema_sources[0]


@pytest.mark.postgres
def test_unreachable_database_is_a_one_line_error(cli):
    result = cli("check", str(APPS / "seed" / "after"), "--schema",
                 "postgresql://nobody:secret@127.0.0.1:1/none")
    assert result.exit_code == 2 and "secret" not in result.stderr
    assert result.stderr.startswith("analyzer: error: ") and result.stderr.count("\n") == 1


def test_migrations_folder_replayed_in_order(tmp_path):
    """The seed schema built by two migrations: the second renames the table the model uses
    (`counseling_sessions` -> `sessions`), so the model's table is right only after it."""
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    ddl = (ROOT / "samples" / "seed" / "init.sql").read_text()
    (migrations / "20251101000000_init.sql").write_text(
        ddl.replace('CREATE TABLE "sessions"', 'CREATE TABLE "counseling_sessions"')
           .replace('ON "sessions"', 'ON "counseling_sessions"'))
    (migrations / "20251110000000_rename_sessions.sql").write_text(
        'ALTER TABLE "counseling_sessions" RENAME TO "sessions";\n')
    before = run_check([str(APPS / "seed" / "before")], [str(migrations)])
    assert rows(before) == expected_rows(APPS / "seed" / "before")
    assert run_check([str(APPS / "seed" / "after")], [str(migrations)]).findings == []
    # without the rename, the model that still says counseling_sessions is right about the table
    (migrations / "20251110000000_rename_sessions.sql").unlink()
    kinds = {f.kind for f in run_check([str(APPS / "seed" / "before")],
                                       [str(migrations)]).findings}
    assert kinds == {"case_style"}


def _wait_for(log: Path, marker: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if log.exists() and marker in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    pytest.fail(f"the server did not log {marker!r} within 20 s")


@pytest.mark.postgres
@pytest.mark.parametrize("log_name", ["postgresql", "postgresql.csv", "postgresql.json"])
def test_from_logs_reads_what_a_real_server_logged(log_name, postgres_server, tmp_path):
    """A staging run against a database that has the code's names (so nothing fails there),
    logged with log_statement = 'all', then checked against the production schema."""
    dsn, logdir = postgres_server
    staging = _database(dsn, 'CREATE TABLE counseling_sessions (id serial, session_id text, '
                             'user_id text, created_at timestamptz);')
    log = logdir / log_name
    start = log.stat().st_size if log.exists() else 0
    marker = f"check-staging-done-{uuid.uuid4().hex}"
    with psycopg.connect(staging, autocommit=True) as conn:
        conn.execute("SET log_statement = 'all'")
        conn.execute('SELECT "id", "session_id" AS "sessionId", "user_id" AS "userId" FROM '
                     '"counseling_sessions" AS "Session" WHERE "Session"."user_id" = %s',
                     ["u1"])
        conn.execute('INSERT INTO "counseling_sessions" ("session_id","user_id","created_at") '
                     "VALUES (%s, %s, now())", ["s1", "u1"])
        conn.execute(f"DO $$ BEGIN RAISE LOG '{marker}'; END $$")
    _wait_for(log, marker)
    part = tmp_path / ("staging.csv" if log_name.endswith(".csv") else
                       "staging.json" if log_name.endswith(".json") else "staging.log")
    with log.open("rb") as source:
        source.seek(start)
        part.write_bytes(source.read())
    code = tmp_path / "code"
    code.mkdir()
    result = run_check([str(code)], [str(ROOT / "samples" / "seed" / "init.sql")],
                       from_logs=[str(part)])
    found = {(f.table, f.column, f.kind, f.found) for f in result.findings}
    assert ("counseling_sessions", None, "table_name", "sessions") in found
    assert {("counseling_sessions", c, "case_style", w) for c, w in
            [("session_id", "sessionId"), ("user_id", "userId"), ("created_at", "createdAt")]
            } <= found
