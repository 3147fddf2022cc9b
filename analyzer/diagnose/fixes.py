"""Fix suggestions: the config change per ORM and the migration SQL, from the catalog."""

from __future__ import annotations

from analyzer.catalog import Table
from analyzer.diagnose.names import quote_ident


def rename_column_sql(table: Table, current: str, wanted: str) -> str:
    return (f"ALTER TABLE {quote_ident(table.schema)}.{quote_ident(table.name)} "
            f"RENAME COLUMN {quote_ident(current)} TO {quote_ident(wanted)};")


def naming_fixes(table: Table, wanted: str, found: str) -> tuple[str, ...]:
    return (
        f"Make the code use the column's real name {quote_ident(found)} (ORM: map the attribute "
        f"to {found!r}, e.g. Sequelize `underscored: false`, Prisma `@map(\"{found}\")`; "
        f"raw SQL: quote it as {quote_ident(found)})",
        f"Or rename the column to what the code expects: {rename_column_sql(table, found, wanted)}",
    )
