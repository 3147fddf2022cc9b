"""Engine sources: where the logs already live, named by a URL.

    duckdb:///path/to/logs.duckdb?table=logs     a DuckDB database file (read-only)
    parquet:logs/*.parquet                       Parquet files, through DuckDB
    json:logs/*.jsonl                            JSON (lines or arrays), through DuckDB
    chdb:logs/*.parquet                          files through embedded ClickHouse (chdb)
    clickhouse://user:pass@host:8123/db?table=logs   a ClickHouse server (clickhouse-connect)

Query parameters name the columns when they differ from the defaults (`message=event_message`,
`time=timestamp`, `service=`, `level=`, `code=`, `fields=`, `lineno=`). Each engine answers
Arrow record batches, so rows stream back in bounded memory. The engines are an optional
extra (`pip install 'log-incident-analyzer[engines]'`); a missing one is a one-line
InputError.
"""

from __future__ import annotations

import importlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from analyzer.engines.dialects import DIALECTS, Dialect
from analyzer.errors import InputError
from analyzer.textsafe import redact

SCHEMES = ("duckdb:", "parquet:", "json:", "chdb:", "clickhouse:")
BATCH_ROWS = 8192
EXTRA = "pip install 'log-incident-analyzer[engines]'"


def is_engine_url(name: str) -> bool:
    return name.startswith(SCHEMES)


def optional_module(name: str, where: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise InputError(where, f"needs the Python package {name.replace('_', '-')}, which is "
                                f"not installed ({EXTRA})") from None


@dataclass
class Engine(ABC):
    """An open connection: the table expression, its dialect, and Arrow batches of a query."""

    name: str  # the URL as shown (password redacted)
    dialect: Dialect
    table: str  # a table name or table function, ready for FROM
    params: dict[str, str] = field(default_factory=dict)
    handle: Any = None

    @abstractmethod
    def batches(self, query: str) -> Iterator[Any]:
        """The query's result, one Arrow RecordBatch at a time."""

    def column_names(self) -> list[str]:
        for batch in self.batches(f"SELECT * FROM {self.table} LIMIT 0"):
            return list(batch.schema.names)
        return []

    def count(self) -> int:
        for batch in self.batches(f"SELECT count(*) AS n FROM {self.table}"):
            if batch.num_rows:
                return int(batch.column(0)[0].as_py())
        return 0

    def close(self) -> None:
        if self.handle is not None and hasattr(self.handle, "close"):
            self.handle.close()


class DuckDBEngine(Engine):
    def batches(self, query: str) -> Iterator[Any]:
        relation = self.handle.sql(query)
        # DuckDB 2 names it to_arrow_reader; 1.x record_batch
        reader = getattr(relation, "to_arrow_reader", None) or relation.record_batch
        yield from reader(BATCH_ROWS)

    def column_names(self) -> list[str]:
        return list(self.handle.sql(f"SELECT * FROM {self.table} LIMIT 0").columns)


class ChdbEngine(Engine):
    def batches(self, query: str) -> Iterator[Any]:
        stream = self.handle.send_query(query, "Arrow")
        try:
            reader = stream.record_batch(rows_per_batch=BATCH_ROWS)
            empty = True
            for batch in reader:
                empty = False
                yield batch
            if empty:  # no rows: chdb sends no batch, but the schema is still wanted
                yield from self.handle.query(query, "ArrowTable").to_batches() or []
        finally:
            stream.close()

    def column_names(self) -> list[str]:
        table = self.handle.query(f"SELECT * FROM {self.table} LIMIT 0", "ArrowTable")
        return list(table.schema.names)


class ClickHouseEngine(Engine):
    def batches(self, query: str) -> Iterator[Any]:
        with self.handle.query_arrow_stream(query) as stream:
            for block in stream:
                yield from block.to_batches() if hasattr(block, "to_batches") else [block]

    def column_names(self) -> list[str]:
        return list(self.handle.query(f"SELECT * FROM {self.table} LIMIT 0").column_names)


def open_engine(url: str) -> Engine:
    """Connect to the engine a URL names; InputError (one line) when it cannot."""
    shown = redact(url)
    scheme, _, rest = url.partition(":")
    target, _, query = rest.partition("?")
    params = {k: v[-1] for k, v in parse_qs(query).items()}
    try:
        if scheme in ("parquet", "json", "duckdb"):
            return _duckdb(shown, scheme, unquote(target), params)
        if scheme == "chdb":
            return _chdb(shown, unquote(target), params)
        return _clickhouse(shown, url, params)
    except InputError:
        raise
    except Exception as exc:  # the driver's own error: one line, no traceback
        raise InputError(shown, f"cannot open: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return redact(text[0] if text else type(exc).__name__)


def _duckdb(shown: str, scheme: str, target: str, params: dict[str, str]) -> Engine:
    duckdb = optional_module("duckdb", shown)
    sql = DIALECTS["duckdb"]
    if scheme == "duckdb":
        path = target[2:] if target.startswith("//") else target
        if "table" not in params:
            raise InputError(shown, "needs ?table=NAME (the table holding the logs)")
        con = duckdb.connect(path, read_only=True)
        return DuckDBEngine(shown, sql, sql.ident(params["table"]), params, con)
    if not target:
        raise InputError(shown, f"needs a path or glob after {scheme}:")
    table = f"read_parquet({sql.string(target)})"
    if scheme == "json":
        # times stay text (parsed here to the nanosecond; DuckDB would keep microseconds)
        table = (f"read_json_auto({sql.string(target)}, timestampformat='as text', "
                 "dateformat='as text')")
    return DuckDBEngine(shown, sql, table, params, duckdb.connect())


def _chdb(shown: str, target: str, params: dict[str, str]) -> Engine:
    session = optional_module("chdb.session", shown)
    if not target:
        raise InputError(shown, "needs a path or glob after chdb:")
    fmt = params.get("input_format") or ("Parquet" if target.endswith(".parquet")
                                         else "JSONEachRow")
    sql = DIALECTS["clickhouse"]
    table = f"file({sql.string(target)}, {sql.string(fmt)})"
    return ChdbEngine(shown, sql, table, params, session.Session())


def _clickhouse(shown: str, url: str, params: dict[str, str]) -> Engine:
    client_module = optional_module("clickhouse_connect", shown)
    # the driver also logs its connection errors; they are reported here, once, as one line
    logging.getLogger("clickhouse_connect").setLevel(logging.CRITICAL)
    parts = urlsplit(url)
    if "table" not in params:
        raise InputError(shown, "needs ?table=NAME (the table holding the logs)")
    database = parts.path.strip("/") or "default"
    client = client_module.get_client(
        host=parts.hostname or "localhost", port=parts.port or 8123,
        username=unquote(parts.username or "default"), password=unquote(parts.password or ""),
        database=database, secure=params.get("secure") == "1")
    sql = DIALECTS["clickhouse"]
    return ClickHouseEngine(shown, sql, sql.ident(params["table"]), params, client)
