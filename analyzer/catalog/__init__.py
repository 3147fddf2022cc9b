"""Catalog stage: schema sources (`--schema`) -> one merged Catalog of schemas, tables, columns.

A source is a SQL file of DDL, a migrations folder (replayed in order) or a `postgresql://` URL
(introspected read-only). Names keep PostgreSQL semantics (unquoted folded to lower case).
SOURCE_KINDS is the registry: the first kind whose test accepts a source reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.catalog.live import DatabaseUnavailable, display_url, is_database_url, read_database
from analyzer.catalog.types import DEFAULT_SCHEMA, Catalog, Table, loose_key, merge_catalogs
from analyzer.errors import SchemaError


# The DDL readers parse with pglast (~50 ms to import): imported when a schema file is read.
def _read_migrations(source: str, strict: bool) -> Catalog:
    from analyzer.catalog.migrations import read_migrations

    return read_migrations(Path(source), strict=strict)


def _read_sql_file(source: str, strict: bool) -> Catalog:
    from analyzer.catalog.ddl import read_sql_file

    return read_sql_file(Path(source), strict=strict)


# kind -> (accepts the source, reads it; strict: a statement that does not parse raises)
SOURCE_KINDS: dict[str, tuple[Callable[[str], bool], Callable[[str, bool], Catalog]]] = {
    "database": (is_database_url, lambda s, strict: read_database(s)),
    "migrations": (lambda s: Path(s).is_dir(), _read_migrations),
    "sql": (lambda s: Path(s).is_file(), _read_sql_file),
}


@dataclass(slots=True)
class LoadedCatalog:
    catalog: Catalog | None
    unavailable: list[str] = field(default_factory=list)  # one-line, password-free messages
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (`file:line`, why)


def read_schema_source(source: str, *, strict: bool = True) -> Catalog:
    for _kind, (accepts, read) in SOURCE_KINDS.items():
        if accepts(source):
            return read(source, strict)
    raise SchemaError(f"{source}: no such schema file or directory")


def load_catalog_sources(sources: Sequence[str], *, strict: bool = True) -> LoadedCatalog:
    """Merge every schema source. A database that cannot be reached is reported in
    `unavailable` and left out (the diagnosis falls back on what the logs say); a statement
    of a schema file that does not parse raises SchemaError, or (not `strict`) is skipped and
    reported in `skipped` (the rest of the file is read)."""
    if not sources:
        return LoadedCatalog(None)
    catalogs, unavailable = [], []
    for source in sources:
        try:
            catalogs.append(read_schema_source(source, strict=strict))
        except DatabaseUnavailable as exc:
            unavailable.append(str(exc))
    merged = merge_catalogs(catalogs) if catalogs else None
    return LoadedCatalog(merged, unavailable, merged.problems if merged is not None else [])


def load_catalog(sources: Sequence[str]) -> Catalog | None:
    """Merge every schema source; None when no source was given. Raises SchemaError, also for
    an unreachable database (use load_catalog_sources to carry on without it)."""
    loaded = load_catalog_sources(sources)
    if loaded.unavailable:
        raise DatabaseUnavailable(loaded.unavailable[0])
    return loaded.catalog


__all__ = ["DEFAULT_SCHEMA", "Catalog", "DatabaseUnavailable", "LoadedCatalog", "Table",
           "display_url", "load_catalog", "load_catalog_sources", "loose_key"]
