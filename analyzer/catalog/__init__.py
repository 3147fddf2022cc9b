"""Catalog stage: schema sources (`--schema`) -> one merged Catalog of schemas, tables, columns.

A source is a SQL file of DDL. Names keep PostgreSQL semantics (unquoted folded to lower case).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analyzer.catalog.ddl import read_sql_file
from analyzer.catalog.types import DEFAULT_SCHEMA, Catalog, Table, merge_catalogs
from analyzer.errors import SchemaError


def load_catalog(sources: Sequence[str]) -> Catalog | None:
    """Merge every schema source; None when no source was given. Raises SchemaError."""
    if not sources:
        return None
    catalogs = []
    for source in sources:
        path = Path(source)
        if path.is_file():
            catalogs.append(read_sql_file(path))
        elif path.is_dir():
            raise SchemaError(f"{source}: is a directory (expected a .sql file)")
        else:
            raise SchemaError(f"{source}: no such schema file")
    return merge_catalogs(catalogs)


__all__ = ["DEFAULT_SCHEMA", "Catalog", "Table", "load_catalog"]
