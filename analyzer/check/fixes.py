"""One change per model: when a model's table name and its columns' convention are both off
(the seed: `underscored: true` and `tableName: 'counseling_sessions'`), the fix is a single edit
of the model, written the way its ORM spells it. COMBINED_FIXES is the registry, one entry per
ORM; findings without an entry keep their per-name fixes only."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from analyzer.catalog.names import style
from analyzer.check.types import CheckFinding, Model
from analyzer.diagnose.kinds import KINDS

# from the kind registry: kinds a naming convention explains, and kinds that relate the wanted
# name to one existing name (a rename in the model fixes them)
CONVENTION_KINDS = frozenset(k for k, v in KINDS.items() if v.column_causes == "convention")
RENAME_KINDS = frozenset(k for k, v in KINDS.items() if v.test is not None)


def _found_column(finding: CheckFinding) -> str:
    return (finding.found or "").rsplit(".", 1)[-1]


def _parts(findings: Sequence[CheckFinding]) -> tuple[CheckFinding | None, list[CheckFinding]]:
    table = next((f for f in findings if f.column is None and f.kind in RENAME_KINDS |
                  {"table_name"}), None)
    columns = [f for f in findings if f.column is not None and f.kind in RENAME_KINDS]
    return table, columns


def whole_convention(model: Model, columns: list[CheckFinding]) -> bool:
    """Every column the ORM's convention renames (attribute != column, no explicit name) is
    off by case style, and nothing else is: switching the convention fixes them all."""
    derived = {f.column for f in model.fields if f.attribute and f.column != f.attribute}
    convention = {c.column for c in columns if c.kind in CONVENTION_KINDS}
    return bool(convention) and convention == derived and len(convention) == len(columns)


def _real_table(table: CheckFinding | None) -> str | None:
    return (table.found or "").rsplit(".", 1)[-1] if table is not None and table.found else None


def _sequelize(model: Model, table: CheckFinding | None, columns: list[CheckFinding]) -> str:
    changes = []
    if whole_convention(model, columns):
        snake = style(columns[0].wanted) == "snake_case"
        changes.append(f"`underscored: {'false' if snake else 'true'}`")
    else:
        changes.extend(f"`{c.attribute or c.column}: {{ field: '{_found_column(c)}' }}`"
                       for c in columns if c.found)
    if table is not None and _real_table(table):
        changes.append(f"`tableName: '{_real_table(table)}'`")
    return (f"Sequelize model {model.name}: {', '.join(changes)} "
            "(one change fixes every mismatch of the model)")


def _prisma(model: Model, table: CheckFinding | None, columns: list[CheckFinding]) -> str:
    changes = [f"`{c.attribute} … @map(\"{_found_column(c)}\")`" for c in columns if c.found]
    if table is not None and _real_table(table):
        changes.append(f"`@@map(\"{_real_table(table)}\")`")
    return f"Prisma model {model.name}: {', '.join(changes)}"


def _typeorm(model: Model, table: CheckFinding | None, columns: list[CheckFinding]) -> str:
    changes = []
    if model.option("namingStrategy") and whole_convention(model, columns):
        changes.append(f"drop the naming strategy {model.option('namingStrategy')} (the "
                       "schema uses the property names as they are)")
    else:
        changes.extend(f"`@Column({{ name: \"{_found_column(c)}\" }}) {c.attribute}`"
                       for c in columns if c.found and c.attribute)
    if table is not None and _real_table(table):
        changes.append(f"`@Entity(\"{_real_table(table)}\")`")
    return f"TypeORM entity {model.name}: {', '.join(changes)}"


def _generic(orm: str, table_fix: Callable[[str], str], column_fix: Callable[[str, str], str]
             ) -> Callable[[Model, CheckFinding | None, list[CheckFinding]], str]:
    def fix(model: Model, table: CheckFinding | None, columns: list[CheckFinding]) -> str:
        changes = [column_fix(c.attribute or c.column or "", _found_column(c))
                   for c in columns if c.found]
        if table is not None and _real_table(table):
            changes.append(table_fix(_real_table(table) or ""))
        return f"{orm} model {model.name}: {', '.join(changes)}"
    return fix


COMBINED_FIXES: dict[str, Callable[[Model, CheckFinding | None, list[CheckFinding]], str]] = {
    "sequelize": _sequelize,
    "prisma": _prisma,
    "typeorm": _typeorm,
    "django": _generic("Django", lambda t: f'`db_table = "{t}"`',
                       lambda a, c: f'`{a} = models.…(db_column="{c}")`'),
    "sqlalchemy": _generic("SQLAlchemy", lambda t: f'`__tablename__ = "{t}"`',
                           lambda a, c: f'`{a} = mapped_column("{c}", …)`'),
    "activerecord": _generic("ActiveRecord", lambda t: f'`self.table_name = "{t}"`',
                             lambda a, c: f"`belongs_to :{a}, foreign_key: \"{c}\"`"
                             if c == f"{a}_id" else f"`alias_attribute :{a}, :{c}`"),
    "drizzle": _generic("Drizzle", lambda t: f'`pgTable("{t}", …)`',
                        lambda a, c: f'`{a}: …("{c}")`'),
}


def combined_fix(model: Model, findings: Sequence[CheckFinding]) -> str | None:
    """The single model edit that fixes all of its mismatches, when there are several."""
    table, columns = _parts(findings)
    fixable = [c for c in columns if c.found]
    if model.orm not in COMBINED_FIXES or len(fixable) + (table is not None) < 2:
        return None
    return COMBINED_FIXES[model.orm](model, table, fixable)
