"""A running PostgreSQL (`postgresql://…` URL) -> Catalog, introspected read-only with psycopg.

Every schema the user may use is read (Supabase's `auth` and `storage` too), except PostgreSQL's
own catalogs. The session is read-only (`default_transaction_read_only`) and only reads
pg_catalog. The password never appears in anything this module returns or raises: sources and
errors name the database by `display_url`.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit, urlunsplit

from analyzer.catalog.types import Catalog, Table
from analyzer.errors import SchemaError

URL_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT = 5  # seconds: a diagnosis must not hang on an unreachable database
# Seconds the catalog queries may take: the server cancels them (statement_timeout; a locked
# catalog waits lock_timeout at most), and the client gives up past its own deadline when the
# server does not answer at all (it authenticated, then went silent).
STATEMENT_TIMEOUT = 10

_COLUMNS_SQL = """
SELECT n.nspname, c.relname, c.relkind, a.attname
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
ORDER BY n.nspname, c.relname, a.attnum
"""
_SCHEMAS_SQL = """
SELECT nspname FROM pg_catalog.pg_namespace
WHERE nspname <> 'information_schema' AND nspname !~ '^pg_'
  AND pg_catalog.has_schema_privilege(oid, 'USAGE')
"""
_KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view",
          "f": "foreign table"}


class DatabaseUnavailable(SchemaError):
    """The live schema source could not be read; the run goes on without it."""


def is_database_url(source: str) -> bool:
    return source.startswith(URL_SCHEMES)


def display_url(url: str) -> str:
    """The URL without its password or query string: `postgresql://user@host:5432/db`."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "postgresql://(unparseable URL)"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


def read_database(url: str) -> Catalog:
    """The catalog of a live database. Raises DatabaseUnavailable (password-free message),
    also when the server does not answer within CONNECT_TIMEOUT + STATEMENT_TIMEOUT."""
    shown = display_url(url)
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(_read_or_error(url, shown)),
                              name="analyzer-schema", daemon=True)
    worker.start()
    # A silent server blocks the driver in a socket read no timeout of libpq covers; the
    # thread is left behind (daemon: it ends with the process, its socket with it).
    worker.join(CONNECT_TIMEOUT + STATEMENT_TIMEOUT + 1)
    if not outcome:
        raise DatabaseUnavailable(f"{shown}: cannot read the schema: no answer within "
                                  f"{CONNECT_TIMEOUT + STATEMENT_TIMEOUT}s")
    result = outcome[0]
    if isinstance(result, DatabaseUnavailable):
        raise result
    assert isinstance(result, Catalog)
    return result


def _read_or_error(url: str, shown: str) -> Catalog | DatabaseUnavailable:
    try:
        import psycopg  # imported here: only a run with a database URL needs the driver
    except ImportError:
        return DatabaseUnavailable(
            f"{shown}: reading a live database needs psycopg, an optional "
            "dependency: pip install 'log-incident-analyzer[postgres]'")

    timeouts = (f"-c statement_timeout={STATEMENT_TIMEOUT * 1000} "
                f"-c lock_timeout={STATEMENT_TIMEOUT * 500}")
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT,
                             options=f"-c default_transaction_read_only=on {timeouts}",
                             application_name="analyzer-schema") as conn:
            conn.read_only = True
            rows = conn.execute(_COLUMNS_SQL).fetchall()
            schemas = {row[0] for row in conn.execute(_SCHEMAS_SQL).fetchall()}
    except psycopg.Error as exc:
        return DatabaseUnavailable(f"{shown}: cannot read the schema: "
                                   f"{_first_line(str(exc), url)}")
    except Exception as exc:  # a driver failure is a warning too, never the run's end
        return DatabaseUnavailable(f"{shown}: cannot read the schema: {type(exc).__name__}")
    return catalog_from_rows(rows, schemas, shown)


def catalog_from_rows(rows: list[tuple[str, str, str, str | None]], schemas: set[str],
                      source: str) -> Catalog:
    columns: dict[tuple[str, str], list[str]] = {}
    kinds: dict[tuple[str, str], str] = {}
    for schema, name, kind, column in rows:
        key = (schema, name)
        columns.setdefault(key, [])
        kinds[key] = _KINDS.get(kind, "table")
        if column is not None:
            columns[key].append(column)
    catalog = Catalog()
    catalog.schemas |= schemas
    for (schema, name), names in columns.items():
        catalog.put(Table(schema=schema, name=name, columns=tuple(names),
                          source=f"{source} ({schema}.{name})", kind=kinds[(schema, name)]))
    catalog.sources.append(source)
    return catalog


def _first_line(message: str, url: str) -> str:
    line = next((part.strip() for part in message.splitlines() if part.strip()), "failed")
    password = _password(url)
    return line.replace(password, "***") if password else line


def _password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None
