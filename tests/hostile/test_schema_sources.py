from __future__ import annotations

import glob
import shutil
import socket
import struct
import subprocess
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from analyzer.catalog import live
from analyzer.catalog.ddl import read_sql_file
from analyzer.catalog.live import DatabaseUnavailable, read_database
from analyzer.errors import SchemaError
from analyzer.pipeline import analyze
from analyzer.settings import Settings
from tests.conftest import SEED_LOG, run_module


class SilentServer:
    """A real TCP server on loopback that accepts and never answers; with `authenticate`, it
    speaks PostgreSQL's protocol up to ReadyForQuery (login succeeds), then goes silent."""

    def __init__(self, authenticate: bool) -> None:
        self.authenticate = authenticate
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.clients: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)
            if self.authenticate:
                threading.Thread(target=self._login, args=(client,), daemon=True).start()

    def _login(self, client: socket.socket) -> None:
        try:
            while True:
                size = struct.unpack("!I", _read(client, 4))[0]
                body = _read(client, size - 4)
                if struct.unpack("!I", body[:4])[0] == 80877103:  # SSLRequest: no TLS here
                    client.sendall(b"N")
                    continue
                break  # the StartupMessage
            ok = b"R" + struct.pack("!II", 8, 0)
            params = b"".join(b"S" + struct.pack("!I", 4 + len(k) + len(v) + 2) + k + b"\0" +
                              v + b"\0" for k, v in ((b"server_version", b"15.0"),
                                                     (b"client_encoding", b"UTF8"),
                                                     (b"standard_conforming_strings", b"on")))
            key = b"K" + struct.pack("!III", 12, 1, 2)
            client.sendall(ok + params + key + b"Z" + struct.pack("!I", 5) + b"I")
            while client.recv(65536):  # every query read, none answered
                pass
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()
        for client in self.clients:
            client.close()

    @property
    def url(self) -> str:
        return f"postgresql://app:s3cret@127.0.0.1:{self.port}/app?sslmode=disable"


def _read(client: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = client.recv(size - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(live, "CONNECT_TIMEOUT", 1)
    monkeypatch.setattr(live, "STATEMENT_TIMEOUT", 1)


@pytest.mark.parametrize("authenticate", [False, True], ids=["accepts", "authenticates"])
def test_a_server_that_never_answers_is_a_warning_and_the_diagnosis_goes_on(short_timeouts,
                                                                           authenticate):
    server = SilentServer(authenticate)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as caught:
            read_database(server.url)
        assert time.monotonic() - started < 8
        message = str(caught.value)
        assert "cannot read the schema" in message and "s3cret" not in message
        report = analyze([str(SEED_LOG)], Settings(schemas=(server.url,)))
    finally:
        server.close()
    warned = [p.message for p in report.problems if p.where == "--schema"]
    assert warned and "diagnosing from the logs alone" in warned[0]
    assert len(report.incidents) >= 5  # the logs were still analysed


@pytest.mark.postgres
def test_a_locked_catalog_times_out_instead_of_hanging(postgres_server, short_timeouts):
    dsn, _ = postgres_server
    with psycopg.connect(dsn) as locker:
        locker.execute("LOCK TABLE pg_catalog.pg_attribute IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable):
            read_database(dsn)
        assert time.monotonic() - started < 8
        locker.rollback()
    assert read_database(dsn).sources  # the lock gone, the same database reads


SCHEMA = '''
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE TABLE public.sessions (
  id serial PRIMARY KEY, "sessionId" varchar(64) NOT NULL UNIQUE,
  "userId" uuid REFERENCES auth.users(id), "createdAt" timestamptz DEFAULT now());
CREATE TABLE public."Reports" ("reportId" int, body text, CHECK ("reportId" > 0));
CREATE TABLE public.events (at timestamptz NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events
  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.audit (note text) INHERITS (public."Reports");
CREATE VIEW public.recent_sessions AS SELECT id, "sessionId" AS sid FROM public.sessions;
CREATE MATERIALIZED VIEW public.session_counts AS
  SELECT "userId", count(*) AS n FROM public.sessions GROUP BY "userId";
CREATE INDEX sessions_created ON public.sessions ("createdAt");
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW."createdAt" := now(); RETURN NEW; END $$;
CREATE TRIGGER touch BEFORE INSERT ON public.sessions FOR EACH ROW EXECUTE FUNCTION public.touch();
COMMENT ON TABLE public.sessions IS 'one; row -- per session';
ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON public.sessions USING ("userId" IS NOT NULL);
ALTER TABLE public."Reports" DROP COLUMN body;
'''


def _pg_dump() -> str:
    found = shutil.which("pg_dump") or next(iter(sorted(glob.glob(
        "/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)), None)
    if found is None:
        pytest.skip("no pg_dump on this machine")
    return found


def _tables(catalog) -> set[tuple[str, str, tuple[str, ...], str]]:
    return {(t.schema, t.name, t.columns, t.kind) for t in catalog}


@pytest.mark.postgres
def test_a_real_pg_dump_schema_only_gives_the_live_catalogue(postgres_server, tmp_path):
    dsn, _ = postgres_server
    database = f"analyzer_dump_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    db_dsn = dsn.rsplit("/", 1)[0] + "/" + database
    with psycopg.connect(db_dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)
    dump = tmp_path / "schema.sql"
    done = subprocess.run([_pg_dump(), "--schema-only", "--no-owner", "-f", str(dump), db_dsn],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    text = dump.read_text()
    from_dump, from_live = read_sql_file(dump), read_database(db_dsn)
    assert _tables(from_dump) == _tables(from_live)
    assert ("public", "sessions", ("id", "sessionId", "userId", "createdAt"), "table") in \
        _tables(from_dump)
    if "\\restrict" in text:  # pg_dump 17.6, 16.10, 15.14 and later
        assert text.lstrip().startswith("--") and "\\unrestrict" in text


def test_psql_meta_commands_are_not_sql(tmp_path):
    dump = tmp_path / "dump.sql"
    dump.write_text("\\restrict AbC123\nSET statement_timeout = 0;\n"
                    "CREATE TABLE public.a (id int);\n\\connect other\n"
                    "CREATE TABLE public.b (\"userId\" int);\n\\unrestrict AbC123\n")
    assert _tables(read_sql_file(dump)) == {("public", "a", ("id",), "table"),
                                            ("public", "b", ("userId",), "table")}


def test_a_large_script_still_names_the_line_of_its_one_bad_statement(tmp_path):
    lines = [f'CREATE TABLE public."t{i}" (id int, "createdAt" timestamptz);\n'
             f"CREATE INDEX t{i}_at ON public.\"t{i}\" (\"createdAt\");\n" for i in range(20_000)]
    script = tmp_path / "big.sql"
    script.write_text("".join(lines) + "ALTER TABLE public.t1 ADD COLUMN;\n")
    with pytest.raises(SchemaError) as caught:
        read_sql_file(script)
    assert f"big.sql:{40_001}:" in str(caught.value)
    script.write_text("".join(lines))
    assert len(_tables(read_sql_file(script))) == 20_000


def test_unfinished_last_statement_is_an_error_not_dropped(tmp_path):
    script = tmp_path / "cut.sql"
    script.write_text("CREATE TABLE a (id int);\n-- cut here\nCREATE TABLE b (id int,")
    with pytest.raises(SchemaError, match=r"cut\.sql:3: cannot parse SQL"):
        read_sql_file(script)


def test_statements_that_change_no_table_are_not_parsed_but_tables_are(tmp_path):
    script = tmp_path / "s.sql"
    script.write_text("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
                      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO anon;\n"
                      "/* a; comment */ CREATE UNLOGGED TABLE public.c (x int);\n"
                      "create or replace view public.v as select x from public.c;\n")
    assert _tables(read_sql_file(script)) == {("public", "c", ("x",), "table"),
                                              ("public", "v", ("x",), "view")}
    assert Path(script).exists()


BROKEN = ("CREATE TABLE a (id int);\n"
          "CREATE INDEX a_id ON a (;\n"  # changes no table; its parenthesis never closes
          "CREATE TABLE b (id int);\n"
          "GRANT SELECT ON a TO;\n"  # changes no table
          "selec x;\n"  # no keyword at all: the scanner leaves it out
          'CREATE TABLE "sessions" ("sessionId" text);\n')


def test_a_bad_statement_that_changes_no_table_is_named_and_the_rest_read(tmp_path):
    script = tmp_path / "dump.sql"
    script.write_text(BROKEN)
    with pytest.raises(SchemaError, match=r"dump\.sql:2: cannot parse SQL"):
        read_sql_file(script)
    catalog = read_sql_file(script, strict=False)
    assert {t.name for t in catalog} == {"a", "b", "sessions"}
    assert [where for where, _ in catalog.problems] == [
        f"{script}:2", f"{script}:4", f"{script}:5"]


def test_a_bad_schema_statement_is_a_one_line_warning_and_the_diagnosis_uses_the_rest(tmp_path):
    script = tmp_path / "dump.sql"
    script.write_text(BROKEN)
    done = run_module("scan", str(SEED_LOG), "--schema", str(script), "-f", "json")
    assert done.returncode == 0, done.stderr
    warnings = [w for w in done.stderr.decode().splitlines() if "dump.sql" in w]
    assert len(warnings) == 3 and f"{script}:4: cannot parse SQL" in warnings[1]
    assert all(w.endswith("statement skipped") for w in warnings)
    assert '"sessionId"' in done.stdout.decode()  # the table after the bad ones was read


def test_many_bad_statements_in_a_big_script_stay_linear(tmp_path):
    statements = [f'CREATE TABLE public."t{i}" (id int);\nCREATE INDEX ON public."t{i}" (;\n'
                  for i in range(5_000)]
    script = tmp_path / "big.sql"
    script.write_text("".join(statements) * 2)  # 10,000 unclosed parentheses, 0.5 MB
    started = time.process_time()
    catalog = read_sql_file(script, strict=False)
    assert time.process_time() - started < 15  # ~2.5 s; each one rescanning the rest: ~40 s
    assert len(catalog) == 5_000 and len(catalog.problems) == 10_000
