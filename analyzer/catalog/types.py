"""The Catalog type: what the database has (schemas, tables, columns), from DDL files, migrations
or a live database. Names are stored as PostgreSQL stores them: unquoted identifiers already
folded to lower case, quoted ones exact.

Lookups a diagnosis needs many times per incident (tables by name in any schema, columns by their
spelling-insensitive key) go through a lazily built index, so a 2,000-table catalog answers in
microseconds; any change to the catalog drops the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

DEFAULT_SCHEMA = "public"


def loose_key(name: str) -> str:
    """A name with case and separators removed: `created_at`, `createdAt`, `CreatedAt` agree."""
    return name.replace("_", "").replace("-", "").replace(" ", "").lower()


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    columns: tuple[str, ...]
    source: str  # where it was defined: "init.sql:62", a migration file, or a database URL
    kind: str = "table"  # table | view | materialized view | foreign table

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def has_column(self, column: str) -> bool:
        return column in self.columns


@dataclass(slots=True)
class CatalogIndex:
    by_name: dict[str, list[Table]]  # table name -> tables of that name in any schema
    by_loose_name: dict[str, list[Table]]  # loose_key(table name) -> tables
    by_loose_column: dict[str, list[tuple[Table, str]]]  # loose_key(column) -> (table, column)


@dataclass(slots=True)
class Catalog:
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    schemas: set[str] = field(default_factory=lambda: {DEFAULT_SCHEMA})
    sources: list[str] = field(default_factory=list)
    # statements a lenient read skipped: (`file:line`, why), see statements.statements
    problems: list[tuple[str, str]] = field(default_factory=list)
    _index: CatalogIndex | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.tables)

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables.values())

    def put(self, table: Table) -> None:
        self.schemas.add(table.schema)
        self.tables[(table.schema, table.name)] = table
        self._index = None

    def drop(self, schema: str, name: str) -> None:
        self.tables.pop((schema, name), None)
        self._index = None

    def get(self, name: str, schema: str | None = None) -> Table | None:
        """The table as PostgreSQL would resolve it: the given schema, else public first."""
        if schema:
            return self.tables.get((schema, name))
        found = self.tables.get((DEFAULT_SCHEMA, name))
        if found:
            return found
        others = self.named(name)
        return others[0] if len(others) == 1 else None

    def named(self, name: str) -> list[Table]:
        """Every table with this name, in any schema."""
        return list(self.index.by_name.get(name, ()))

    def loosely_named(self, name: str) -> list[Table]:
        """Tables whose name is this one in another case or separator style."""
        return list(self.index.by_loose_name.get(loose_key(name), ()))

    def columns_like(self, column: str) -> list[tuple[Table, str]]:
        """(table, column) pairs whose column is this name in another case/separator style."""
        return list(self.index.by_loose_column.get(loose_key(column), ()))

    def with_column(self, column: str) -> list[Table]:
        return [t for t, c in self.columns_like(column) if c == column]

    def merge(self, other: Catalog) -> None:
        for table in other:
            self.put(table)
        self.schemas |= other.schemas
        self.sources.extend(s for s in other.sources if s not in self.sources)
        self.problems.extend(other.problems)

    # -- DDL effects (ALTER TABLE ...); unknown tables are ignored, as the server would fail
    def rename_table(self, schema: str, name: str, new_name: str) -> None:
        table = self.tables.get((schema, name))
        if table is not None:
            self.drop(schema, name)
            self.put(replace(table, name=new_name))

    def move_table(self, schema: str, name: str, new_schema: str) -> None:
        table = self.tables.get((schema, name))
        if table is not None:
            self.drop(schema, name)
            self.put(replace(table, schema=new_schema))

    def change_columns(self, schema: str, name: str, columns: tuple[str, ...]) -> None:
        table = self.tables.get((schema, name))
        if table is not None:
            self.put(replace(table, columns=columns))

    @property
    def index(self) -> CatalogIndex:
        if self._index is None:
            self._index = _build_index(self.tables.values())
        return self._index


def _build_index(tables: Iterable[Table]) -> CatalogIndex:
    index = CatalogIndex({}, {}, {})
    for table in tables:
        index.by_name.setdefault(table.name, []).append(table)
        index.by_loose_name.setdefault(loose_key(table.name), []).append(table)
        for column in table.columns:
            index.by_loose_column.setdefault(loose_key(column), []).append((table, column))
    return index


def merge_catalogs(catalogs: Iterable[Catalog]) -> Catalog:
    merged = Catalog()
    for catalog in catalogs:
        merged.merge(catalog)
    return merged
