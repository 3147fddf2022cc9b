"""A real PostgreSQL server runs tests/realworld/failing.sql once per message language.

The server is started by .ci/run (scripts/pg-server with PostgreSQL's default
log_line_prefix `%m [%p] `, no %e, and log_destination stderr,csvlog,jsonlog); its DSN and log
directory come from ANALYZER_TEST_REALWORLD_DSN / ANALYZER_TEST_REALWORLD_LOGDIR. Each run uses
a fresh database and the session's lc_messages (what `lc_messages` in postgresql.conf does for
every session), and keeps what the server wrote for it: the new part of each log file, and
psql's own output of the same script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("failing.sql")
END_MARKER = "the end of the realworld script"
LANGUAGES = {"en": "C.UTF-8", "de": "de_DE.UTF-8", "ko": "ko_KR.UTF-8"}
LOG_FILES = {"stderr": "postgresql", "csvlog": "postgresql.csv", "jsonlog": "postgresql.json"}


@dataclass(frozen=True)
class Run:
    language: str
    outputs: dict[str, Path]  # stderr, csvlog, jsonlog, psql -> the file holding that output


def _server() -> tuple[str, Path]:
    dsn = os.environ.get("ANALYZER_TEST_REALWORLD_DSN")
    logdir = os.environ.get("ANALYZER_TEST_REALWORLD_LOGDIR")
    if not dsn or not logdir:
        pytest.skip("ANALYZER_TEST_REALWORLD_DSN/LOGDIR not set (.ci/run starts that server)")
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    return dsn, Path(logdir)


def _prepare(psycopg, dsn: str, database: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for role, options in (("rw_app", "login"), ("rw_nologin", "nologin")):
            if not conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone():
                conn.execute(f"create role {role} {options}")
        conn.execute(f"drop database if exists {database} with (force)")
        conn.execute(f"create database {database}")


def _wait_for_marker(paths: dict[str, Path], offsets: dict[str, int]) -> None:
    """The logging collector writes a moment later: wait until every file has the last error."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if all(END_MARKER in _tail(paths[k], offsets[k]) for k in paths):
            return
        time.sleep(0.1)
    raise AssertionError("the server's logs never showed the script's last error")


def _tail(path: Path, offset: int) -> str:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", "replace")


def run_script(dsn: str, logdir: Path, language: str, out: Path) -> Run:
    psycopg = pytest.importorskip("psycopg")
    database = "realworld"  # one name: a message naming the database reads the same
    _prepare(psycopg, dsn, database)
    db_dsn = dsn.rsplit("/", 1)[0] + "/" + database
    logs = {kind: logdir / name for kind, name in LOG_FILES.items()}
    offsets = {kind: path.stat().st_size for kind, path in logs.items()}
    holder = psycopg.connect(db_dsn)
    try:
        # another session holds a lock, so lock_timeout and NOWAIT fail as in production
        holder.execute("create table rw_locked (id int)")
        holder.commit()
        holder.execute("lock table rw_locked in access exclusive mode")
        env = {**os.environ, "PGOPTIONS": f"-c lc_messages={LANGUAGES[language]}",
               "LC_ALL": "C.UTF-8", "PGCLIENTENCODING": "UTF8"}
        env.pop("PGDATABASE", None)
        done = subprocess.run(["psql", "-X", "-q", "-d", db_dsn, "-f", str(SCRIPT)],
                              env=env, capture_output=True, timeout=120, check=False)
    finally:
        holder.rollback()
        holder.close()
    _wait_for_marker(logs, offsets)
    outputs = {}
    for kind, path in logs.items():
        outputs[kind] = out / f"{language}-{kind}{'.csv' if kind == 'csvlog' else '.log'}"
        outputs[kind].write_text(_tail(path, offsets[kind]), encoding="utf-8")
    outputs["psql"] = out / f"{language}-psql.log"
    outputs["psql"].write_bytes(done.stderr)
    return Run(language, outputs)


@pytest.fixture(scope="session")
def realworld_runs(tmp_path_factory) -> dict[str, Run]:
    dsn, logdir = _server()
    out = tmp_path_factory.mktemp("realworld")
    return {language: run_script(dsn, logdir, language, out) for language in LANGUAGES}
