"""Logs -> Models: the tables and columns that SQL in the logs uses, as a second witness of
what the code asks for (a staging or test-suite run checked against the production schema).

Records come from the ingest stage (every format it detects); the SQL is what Sequelize logs
(`Executing (default): …`), PostgreSQL's `statement:` / `execute <name>:` lines
(log_statement, log_min_duration_statement) and the STATEMENT of failing queries. Each shape
is parsed once; one log file gives one Model per table, at the line it was first used."""

from __future__ import annotations

from collections.abc import Sequence

from analyzer.check.rawsql import statement_models
from analyzer.check.types import Field, Model
from analyzer.errors import InputError
from analyzer.ingest import expand_sources, read_source
from analyzer.model import Problem, Record, SourceStats
from analyzer.resolve.sql import statement_shape

MAX_SHAPES = 20_000
_MARKERS = (("Executing (", "): "), ("statement: ", ""), ("execute ", ": "))


def logged_sql(record: Record) -> list[tuple[str, str]]:
    """(sql, orm) pairs one record shows."""
    found = []
    message = record.message.split("\n", 1)[0]
    for marker, then in _MARKERS:
        start = message.find(marker)
        if start < 0:
            continue
        start += len(marker)
        if then:
            end = message.find(then, start)
            if end < 0 or end - start > 64:
                continue
            start = end + len(then)
        orm = "sequelize" if marker == "Executing (" else "sql"
        found.append((message[start:], orm))
        break
    statement = record.fields.get("statement")
    if isinstance(statement, str):
        found.append((statement, "sql"))
    return found


def log_models(paths: Sequence[str]) -> tuple[list[Model], list[Problem]]:
    sources, errors = expand_sources(list(paths))
    problems = [Problem(e.where, e.problem, e.fatal) for e in errors]
    models: list[Model] = []
    for source in sources:
        try:
            models.extend(_source_models(source))
        except InputError as exc:
            problems.append(Problem(exc.where, exc.problem, exc.fatal))
    return models, problems


def _source_models(source) -> list[Model]:
    shapes: set[str] = set()
    tables: dict[tuple[str, str | None, str], Model] = {}
    for record in read_source(source, SourceStats(source.name)):
        for sql, orm in logged_sql(record):
            shape = statement_shape(sql)
            if shape in shapes or len(shapes) >= MAX_SHAPES:
                continue
            shapes.add(shape)
            for model in statement_models(shape, source.name, record.lineno, orm):
                key = (orm, model.schema, model.table)
                tables[key] = _merged(tables.get(key), model)
    return list(tables.values())


def _merged(first: Model | None, more: Model) -> Model:
    if first is None:
        return more
    columns = {f.column: f for f in first.fields}
    for item in more.fields:
        columns.setdefault(item.column, Field(None, item.column, more.line))
    return Model(first.orm, None, first.table, first.schema, first.file, first.line,
                 tuple(columns.values()), maps_all=False)
