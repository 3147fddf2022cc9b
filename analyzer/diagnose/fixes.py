"""Fix suggestions: the change per ORM (when the logs show which ORM wrote the query) and the
alternative migration SQL, generated from the catalog. ORM_FIXES is the registry: one entry per
ORM, each a function per finding kind family (column name, table name); which applies to a
finding is the diagnosis-kind registry's choice (kinds.KINDS)."""

from __future__ import annotations

from collections.abc import Callable

from analyzer.catalog import Table
from analyzer.catalog.names import quote_ident, style


def rename_column_sql(table: Table, current: str, wanted: str) -> str:
    return (f"ALTER TABLE {quote_ident(table.schema)}.{quote_ident(table.name)} "
            f"RENAME COLUMN {quote_ident(current)} TO {quote_ident(wanted)};")


def rename_table_sql(table: Table, wanted: str) -> str:
    return (f"ALTER TABLE {quote_ident(table.schema)}.{quote_ident(table.name)} "
            f"RENAME TO {quote_ident(wanted)};")


def _is_snake(name: str) -> bool:
    return style(name) in ("snake_case", "lowercase")


def _sequelize_column(wanted: str, found: str, model: str | None) -> str:
    where = f"model {model}" if model else "the model"
    if _is_snake(wanted) and not _is_snake(found):
        return (f"Sequelize: set `underscored: false` on {where} so attribute names are used "
                f"as column names as they are ({found!r}), or map the attribute: "
                f"`field: '{found}'`")
    return f"Sequelize: map the attribute to the real column on {where}: `field: '{found}'`"


def _sequelize_table(wanted: str, found: str, model: str | None) -> str:
    where = f"model {model}" if model else "the model"
    return f"Sequelize: set `tableName: '{found}'` on {where} (it now uses {wanted!r})"


ORM_FIXES: dict[str, tuple[Callable[[str, str, str | None], str],
                           Callable[[str, str, str | None], str]]] = {
    "sequelize": (_sequelize_column, _sequelize_table),
    "prisma": (lambda w, f, m: f"Prisma: map the field to the column: `@map(\"{f}\")`",
               lambda w, f, m: f"Prisma: map the model to the table: `@@map(\"{f}\")`"),
    "typeorm": (lambda w, f, m: f"TypeORM: `@Column({{ name: \"{f}\" }})`, or drop the naming "
                                "strategy that rewrites property names (e.g. SnakeNamingStrategy)",
                lambda w, f, m: f"TypeORM: `@Entity(\"{f}\")`"),
    "django": (lambda w, f, m: f"Django: `db_column=\"{f}\"` on the field",
               lambda w, f, m: f"Django: `class Meta: db_table = \"{f}\"`"),
    "sqlalchemy": (lambda w, f, m: f"SQLAlchemy: name the column explicitly: `Column(\"{f}\", …)`",
                   lambda w, f, m: f"SQLAlchemy: `__tablename__ = \"{f}\"`"),
    "activerecord": (lambda w, f, m: f"ActiveRecord: `alias_attribute :{w}, :{f}`",
                     lambda w, f, m: f"ActiveRecord: `self.table_name = \"{f}\"`"),
    "drizzle": (lambda w, f, m: f"Drizzle: name the column in its builder: `{w}: …(\"{f}\")`",
                lambda w, f, m: f"Drizzle: `pgTable(\"{f}\", …)`"),
    "knex": (lambda w, f, m: f"Knex: the column is {f!r}; drop knexSnakeCaseMappers or "
                             "write the name as the table has it",
             lambda w, f, m: f"Knex: query the table {f!r}"),
    "postgrest": (lambda w, f, m: f"supabase-js / PostgREST: use the column's real name {f!r} "
                                  "in the request (insert/update keys, select=, filters)",
                  lambda w, f, m: f"supabase-js / PostgREST: `.from('{f}')`"),
}


def raw_sql_column(wanted: str, found: str) -> str:
    return (f"Raw SQL: write the column as {quote_ident(found)} (quoted: unquoted names fold "
            "to lower case)")


def column_fixes(table: Table | None, wanted: str, found: str, orms: tuple[str, ...],
                 model: str | None = None, *, quote: bool = False) -> list[str]:
    """The code-side fix per ORM seen, then the schema-side alternative; the raw-SQL fix when
    no ORM is seen, or always with `quote` (an identifier that needs its quotes)."""
    fixes = [ORM_FIXES[orm][0](wanted, found, model) for orm in orms if orm in ORM_FIXES]
    if quote or not fixes:
        fixes.append(raw_sql_column(wanted, found))
    if table is not None and found in table.columns:
        fixes.append("Or rename the column to what the code expects: "
                     + rename_column_sql(table, found, wanted))
    return fixes


def table_fixes(wanted: str, found: Table, orms: tuple[str, ...],
                model: str | None = None) -> list[str]:
    """A table the code names differently: the ORM's mapping, raw SQL, or a rename."""
    fixes = [ORM_FIXES[orm][1](wanted, found.name, model) for orm in orms if orm in ORM_FIXES]
    fixes.append(f"Raw SQL: use the table's real name "
                 f"{quote_ident(found.schema)}.{quote_ident(found.name)}")
    fixes.append("Or rename the table to what the code expects: "
                 + rename_table_sql(found, wanted))
    return fixes


# other_schema: how each ORM names the schema of a model's table (a qualified table name is
# not how every ORM says it: Prisma wants @@schema, Sequelize `schema`)
SCHEMA_FIXES: dict[str, Callable[[str, str], str]] = {
    "sequelize": lambda s, t: f"Sequelize: set `schema: '{s}'` on the model (table {t!r})",
    "prisma": lambda s, t: f"Prisma: `@@schema(\"{s}\")` on the model (and {s!r} in the "
                           "datasource's `schemas`)",
    "typeorm": lambda s, t: f"TypeORM: `@Entity({{ name: \"{t}\", schema: \"{s}\" }})`",
    "drizzle": lambda s, t: (f"Drizzle: `pgTable(\"{t}\", …)`" if s == "public" else
                             f"Drizzle: `pgSchema(\"{s}\").table(\"{t}\", …)`"),
    "sqlalchemy": lambda s, t: f"SQLAlchemy: `__table_args__ = {{\"schema\": \"{s}\"}}`",
    "activerecord": lambda s, t: f"ActiveRecord: `self.table_name = \"{s}.{t}\"`",
}


def other_schema_fixes(wanted: str, found: Table, orms: tuple[str, ...],
                       model: str | None = None) -> list[str]:
    """A table in another schema than the query reached: map, qualify, or the search_path."""
    fixes = [SCHEMA_FIXES[orm](found.schema, found.name) if orm in SCHEMA_FIXES else
             ORM_FIXES[orm][1](wanted, found.qualified, model)
             for orm in orms if orm in SCHEMA_FIXES or orm in ORM_FIXES]
    fixes.append(f"Qualify the table as {quote_ident(found.schema)}."
                 f"{quote_ident(found.name)} or put {found.schema!r} on the search_path")
    return fixes


def stale_cache_fixes() -> list[str]:
    return ["Reload PostgREST's schema cache: NOTIFY pgrst, 'reload schema';",
            "Supabase: the API reloads on DDL through its event trigger; if it does not, run "
            "the NOTIFY above in the SQL editor (or restart the project's API)"]


def quoted_literal_fixes(wanted: str, orms: tuple[str, ...]) -> list[str]:
    value = "'" + wanted.replace("'", "''") + "'"
    found = [f'Write the value in single quotes: {value} (in SQL, "{wanted}" names a column)',
             "Better, pass it as a bind parameter ($1, ?, :name) instead of writing it into "
             "the SQL text"]
    if "sequelize" in orms:
        found.append(f"Sequelize: put the value in the where object ({{ column: {value} }}) or "
                     "in `replacements` / `bind`, not in a literal `sequelize.literal` / raw "
                     "query string")
    return found


def missing_fixes(wanted: str, table: Table | None, is_column: bool) -> list[str]:
    if not is_column:
        return [f"Create {wanted!r}: apply the migration that creates it (compare the "
                "migrations applied to this database with the repository's)"]
    if table is None:
        return [f"Apply the migration that adds the column {quote_ident(wanted)} (find the "
                "table in the failing query; ALTER TABLE … ADD COLUMN with its type)",
                "Or stop using the attribute in the code"]
    where = f"{quote_ident(table.schema)}.{quote_ident(table.name)}"
    return [f"Apply the migration that adds {quote_ident(wanted)} to {where} "
            f"(ALTER TABLE {where} ADD COLUMN {quote_ident(wanted)} with its type)",
            "Or stop using the attribute in the code"]


def other_table_fixes(wanted: str, found: Table | None) -> list[str]:
    if found is None:
        return [f"Query the table that has {wanted!r}"]
    return [f"Read {quote_ident(wanted)} from {quote_ident(found.schema)}."
            f"{quote_ident(found.name)}, where it exists (check the query's FROM / model)"]


def unknown_fixes() -> list[str]:
    return ["Give the schema with --schema (a DDL file, a migrations folder or a "
            "postgresql:// URL) so the analyzer can compare names with what the database has"]
