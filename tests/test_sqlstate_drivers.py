import asyncio
import json
import logging

import psycopg
import pytest

from analyzer.ingest.lift import lift_text_fields
from analyzer.ingest.sqlstate import prefix_sqlstate, sqlstate_in

# The failing statements and the SQLSTATE the server answers each with.
FAILING = {
    "select nope from pg_class": "42703",
    "select * from no_such_table_here": "42P01",
    "select 'abc'::uuid": "22P02",
    "select 1/0": "22012",
    "prepare s0 as select 1": "42P05",  # prepared once before (SETUP): Prisma behind a pooler
}
SETUP = "prepare s0 as select 1"


class _JsonLines(logging.Formatter):
    """A JSON-lines formatter as apps write them: the message, level and the record's extras
    (the error's attributes the app passed with `extra=`)."""

    def format(self, record: logging.LogRecord) -> str:
        skip = set(vars(logging.makeLogRecord({})))
        extra = {k: v for k, v in vars(record).items() if k not in skip}
        return json.dumps({"level": record.levelname.lower(), "msg": record.getMessage(),
                           **extra})


def _logger(path) -> logging.Logger:
    logger = logging.getLogger(f"app.{path.name}")
    logger.propagate = False
    handler = logging.FileHandler(path)
    handler.setFormatter(_JsonLines())
    logger.addHandler(handler)
    return logger


def _codes(path) -> list[str]:
    return [r.fields.get("code") for r in _records(path)]


def _records(path):
    from analyzer.ingest import Source, read_source
    from analyzer.model import SourceStats

    return list(read_source(Source(str(path)), SourceStats(str(path))))


@pytest.mark.postgres
def test_psycopg_pgcode_and_sqlstate_logged_by_an_app_become_the_code(postgres_server, tmp_path):
    dsn, _ = postgres_server
    path = tmp_path / "psycopg.jsonl"
    logger = _logger(path)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SETUP)
        for statement in FAILING:
            try:
                conn.execute(statement)
            except psycopg.Error as error:
                # psycopg 3 names it `sqlstate`; psycopg2-era code logs it as `pgcode`
                key = "pgcode" if "uuid" in statement else "sqlstate"
                logger.error("query failed: %s", str(error).splitlines()[0],
                             extra={key: error.sqlstate})
    logging.getLogger(logger.name).handlers[0].close()
    assert _codes(path) == list(FAILING.values())


@pytest.mark.postgres
def test_asyncpg_error_as_dict_logged_by_an_app_gives_the_code(postgres_server, tmp_path):
    asyncpg = pytest.importorskip("asyncpg")
    dsn, _ = postgres_server
    path = tmp_path / "asyncpg.jsonl"
    logger = _logger(path)

    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(SETUP)
            for statement in FAILING:
                try:
                    await conn.execute(statement)
                except asyncpg.PostgresError as error:
                    logger.error("query failed", extra={"err": error.as_dict()})
        finally:
            await conn.close()

    asyncio.run(run())
    logging.getLogger(logger.name).handlers[0].close()
    records = _records(path)
    assert [r.fields.get("code") for r in records] == list(FAILING.values())
    assert records[0].message == 'query failed: column "nope" does not exist'


@pytest.mark.parametrize(("text", "code"), [
    # Go, pgx: the error's Error() string
    ('failed to load user: ERROR: relation "users" does not exist (SQLSTATE 42P01)', "42P01"),
    # PHP PDO
    ('SQLSTATE[23505]: Unique violation: 7 ERROR:  duplicate key value violates unique '
     'constraint "users_email_key"', "23505"),
    # Heroku Postgres' prefix
    ('[DATABASE] [19-1] sql_error_code = 22P02 ERROR:  invalid input syntax for type uuid: "x"',
     "22P02"),
    # Prisma (quaint over tokio-postgres): both Debug shapes
    ('ConnectorError(ConnectorError { user_facing_error: None, kind: QueryError(PostgresError '
     '{ code: "42P05", message: "prepared statement \\"s0\\" already exists", severity: '
     '"ERROR", detail: None, column: None, hint: None }), transient: false })', "42P05"),
    ('kind: QueryError(Error { kind: Db, cause: Some(DbError { severity: "ERROR", '
     'parsed_severity: Some(Error), code: SqlState(E42P05), message: "prepared statement '
     '\\"s0\\" already exists"', "42P05"),
    ('Error { kind: Db, cause: Some(DbError { code: SqlState("26000") })', "26000"),
    # Elixir Postgrex
    ('** (Postgrex.Error) ERROR 42703 (undefined_column) column "foo" does not exist', "42703"),
])
def test_sqlstate_printed_by_drivers_and_platforms_is_lifted(text, code):
    assert sqlstate_in(text) == code
    assert lift_text_fields(text, {})["code"] == code


@pytest.mark.parametrize("text", [
    "GET /users/12345 200 3 ms",
    "(SQLSTATE 99999) is no class PostgreSQL has",
    "ERROR 12345 (not_a_code) at port 54321",
])
def test_numbers_that_are_no_sqlstate_are_not_taken_for_one(text):
    assert sqlstate_in(text) is None


@pytest.mark.parametrize(("prefix", "level", "code"), [
    ("2025-11-13 06:24:10.512 UTC [4242] 42703 ", "error", "42703"),
    ("2025-11-13 06:24:10.512 UTC [42703] 22P02 ", "error", "22P02"),  # the pid is no code
    ("[4242]: [3-1] user=a,db=b,e=28P01 ", "critical", "28P01"),  # FATAL
    ("2025-11-13 06:24:10 UTC [4242] state=00000 ", "info", None),  # LOG
    ("2025-11-13 06:24:10 UTC [4242] 00000 ", "error", None),  # an error has no success code
    ("2025-11-13 06:24:10 UTC [4242] 01000 ", "warning", "01000"),
    ("2025-11-13 06:24:10 UTC:10.0.1.7(54321):app@db:[4242]:", "error", None),
])
def test_percent_e_anywhere_in_the_log_line_prefix(prefix, level, code):
    assert prefix_sqlstate(prefix, level) == code


def test_gotrue_wrapping_a_sqlstate_gives_its_code(tmp_path):
    from tests.ingest_support import read_text

    line = ('{"component":"api","error":"failed to create user: ERROR: relation \\"profiles\\" '
            'does not exist (SQLSTATE 42P01)","level":"error","method":"POST","msg":"500: '
            'Database error saving new user","path":"/signup","remote_addr":"203.0.113.9",'
            '"request_id":"8f3c1b2a","status":500,"time":"2025-11-13T06:24:11Z"}\n')
    records, stats = read_text(tmp_path, "auth.jsonl", line)
    assert stats.formats == {"supabase_auth": 1}
    assert records[0].fields["code"] == "42P01" and records[0].level == "error"
