"""SQL DDL files -> Catalog, parsed with pglast (the PostgreSQL parser itself), so identifier
folding and quoting follow PostgreSQL exactly."""

from __future__ import annotations

from pathlib import Path

import pglast
from pglast import ast

from analyzer.catalog.types import DEFAULT_SCHEMA, Catalog, Table
from analyzer.errors import SchemaError


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(offset, 0)) + 1


def _statement_at(text: str, offset: int) -> str:
    start = text.rfind(";", 0, max(offset, 0)) + 1
    snippet = " ".join(text[start:offset + 40].split())
    return snippet[:80] + ("…" if len(snippet) > 80 else "")


def parse_sql(text: str, name: str) -> list[pglast.ast.RawStmt]:
    try:
        return list(pglast.parse_sql(text))
    except pglast.parser.ParseError as exc:
        message, offset = ((*exc.args, 0))[:2]
        offset = offset if isinstance(offset, int) else 0
        raise SchemaError(f"{name}:{_line_of(text, offset)}: cannot parse SQL ({message}) in "
                          f"statement: {_statement_at(text, offset)}") from None


def read_sql_file(path: Path, catalog: Catalog | None = None) -> Catalog:
    """Apply the DDL in one SQL file to catalog (a new one by default) and return it."""
    catalog = catalog if catalog is not None else Catalog()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SchemaError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read schema file: {exc.strerror}") from None
    for raw in parse_sql(text, str(path)):
        apply_statement(catalog, raw.stmt, f"{path}:{_line_of(text, raw.stmt_location or 0)}")
    catalog.sources.append(str(path))
    return catalog


def apply_statement(catalog: Catalog, stmt: ast.Node, where: str) -> None:
    """Update the catalog with one statement; statements that change no table are ignored."""
    if isinstance(stmt, ast.CreateStmt):
        _create_table(catalog, stmt, where)
    elif isinstance(stmt, ast.CreateSchemaStmt) and stmt.schemaname:
        catalog.schemas.add(stmt.schemaname)


def _create_table(catalog: Catalog, stmt: ast.CreateStmt, where: str) -> None:
    relation = stmt.relation
    columns = tuple(
        element.colname for element in (stmt.tableElts or ())
        if isinstance(element, ast.ColumnDef) and element.colname
    )
    schema = relation.schemaname or DEFAULT_SCHEMA
    catalog.put(Table(schema=schema, name=relation.relname, columns=columns, source=where))
