"""The Catalog type: what the database has (schemas, tables, columns), from DDL files, migrations
or a live database. Names are stored as PostgreSQL stores them: unquoted identifiers already
folded to lower case, quoted ones exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

DEFAULT_SCHEMA = "public"


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    columns: tuple[str, ...]
    source: str  # where it was defined: "init.sql:62", a migration file, or a database URL
    kind: str = "table"  # table | view

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def has_column(self, column: str) -> bool:
        return column in self.columns


@dataclass(slots=True)
class Catalog:
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    schemas: set[str] = field(default_factory=lambda: {DEFAULT_SCHEMA})
    sources: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.tables)

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables.values())

    def put(self, table: Table) -> None:
        self.schemas.add(table.schema)
        self.tables[(table.schema, table.name)] = table

    def drop(self, schema: str, name: str) -> None:
        self.tables.pop((schema, name), None)

    def get(self, name: str, schema: str | None = None) -> Table | None:
        """The table as PostgreSQL would resolve it: the given schema, else public first."""
        if schema:
            return self.tables.get((schema, name))
        found = self.tables.get((DEFAULT_SCHEMA, name))
        if found:
            return found
        others = [t for (s, n), t in self.tables.items() if n == name]
        return others[0] if len(others) == 1 else None

    def named(self, name: str) -> list[Table]:
        """Every table with this name, in any schema."""
        return [t for (_, n), t in self.tables.items() if n == name]

    def merge(self, other: Catalog) -> None:
        for table in other:
            self.put(table)
        self.schemas |= other.schemas
        self.sources.extend(s for s in other.sources if s not in self.sources)

    def with_column(self, column: str) -> list[Table]:
        return [t for t in self if column in t.columns]


def merge_catalogs(catalogs: Iterable[Catalog]) -> Catalog:
    merged = Catalog()
    for catalog in catalogs:
        merged.merge(catalog)
    return merged
