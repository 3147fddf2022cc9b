"""SQL DDL files -> Catalog, parsed with pglast (the PostgreSQL parser itself), so identifier
folding and quoting follow PostgreSQL exactly.

Statements are applied in order, as the server would run them: CREATE TABLE / VIEW /
MATERIALIZED VIEW / TABLE AS, ALTER TABLE ADD / DROP / RENAME COLUMN, RENAME TO, SET SCHEMA,
DROP TABLE / VIEW, CREATE SCHEMA and SET search_path. Everything else (indexes, functions,
grants, policies) changes no table and is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pglast import ast
from pglast.enums import AlterTableType, ObjectType

from analyzer.catalog.statements import statements
from analyzer.catalog.types import DEFAULT_SCHEMA, Catalog, Table
from analyzer.errors import SchemaError

_RELATION_KINDS = {
    ObjectType.OBJECT_TABLE: "table", ObjectType.OBJECT_VIEW: "view",
    ObjectType.OBJECT_MATVIEW: "materialized view",
    ObjectType.OBJECT_FOREIGN_TABLE: "foreign table",
}


@dataclass(slots=True)
class Replay:
    """The state a script carries between statements: the catalog and the search_path."""

    catalog: Catalog
    schema: str = DEFAULT_SCHEMA

    def schema_of(self, relation: ast.RangeVar) -> str:
        return relation.schemaname or self.schema

    def find(self, relation: ast.RangeVar) -> Table | None:
        if relation.schemaname:
            return self.catalog.get(relation.relname, relation.schemaname)
        return self.catalog.get(relation.relname, self.schema) or \
            self.catalog.get(relation.relname)


def read_sql_file(path: Path, catalog: Catalog | None = None, *, strict: bool = True) -> Catalog:
    """Apply the DDL in one SQL file to catalog (a new one by default) and return it. A
    statement that does not parse raises SchemaError, or (not `strict`) is skipped and noted
    in `catalog.problems`."""
    catalog = catalog if catalog is not None else Catalog()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SchemaError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read schema file: {exc.strerror}") from None
    apply_script(catalog, text, str(path), strict=strict)
    catalog.sources.append(str(path))
    return catalog


def apply_script(catalog: Catalog, text: str, name: str, *, strict: bool = True) -> None:
    replay = Replay(catalog)
    for line, stmt in statements(text, name, None if strict else catalog.problems):
        apply_statement(replay, stmt, f"{name}:{line}")


def apply_statement(replay: Replay | Catalog, stmt: ast.Node, where: str) -> None:
    """Update the catalog with one statement; statements that change no table are ignored."""
    if isinstance(replay, Catalog):
        replay = Replay(replay)
    handler = _HANDLERS.get(type(stmt))
    if handler is not None:
        handler(replay, stmt, where)


def _create_table(replay: Replay, stmt: ast.CreateStmt, where: str) -> None:
    columns: list[str] = []
    for element in stmt.tableElts or ():
        if isinstance(element, ast.ColumnDef) and element.colname:
            columns.append(element.colname)
        elif isinstance(element, ast.TableLikeClause):
            like = replay.find(element.relation)
            columns.extend(like.columns if like else ())
    for parent in stmt.inhRelations or ():
        inherited = replay.find(parent) if isinstance(parent, ast.RangeVar) else None
        columns[:0] = [c for c in (inherited.columns if inherited else ()) if c not in columns]
    relation = stmt.relation
    replay.catalog.put(Table(schema=replay.schema_of(relation), name=relation.relname,
                             columns=tuple(columns), source=where))


def _create_view(replay: Replay, stmt: ast.ViewStmt, where: str) -> None:
    columns = _select_columns(replay, stmt.query)
    if stmt.aliases:
        names = [a.sval for a in stmt.aliases]
        columns = tuple(names) + columns[len(names):]
    replay.catalog.put(Table(schema=replay.schema_of(stmt.view), name=stmt.view.relname,
                             columns=columns, source=where, kind="view"))


def _create_table_as(replay: Replay, stmt: ast.CreateTableAsStmt, where: str) -> None:
    into = stmt.into
    columns = _select_columns(replay, stmt.query)
    if into.colNames:
        names = [c.sval for c in into.colNames]
        columns = tuple(names) + columns[len(names):]
    kind = _RELATION_KINDS.get(stmt.objtype, "table")
    replay.catalog.put(Table(schema=replay.schema_of(into.rel), name=into.rel.relname,
                             columns=columns, source=where, kind=kind))


def _select_columns(replay: Replay, query: ast.Node) -> tuple[str, ...]:
    """The output column names of a SELECT, as PostgreSQL names them (`*` expanded when the
    source table is known)."""
    while isinstance(query, ast.SelectStmt) and query.larg is not None:
        query = query.larg  # UNION etc.: the left branch names the columns
    if not isinstance(query, ast.SelectStmt):
        return ()
    sources = [r for r in (query.fromClause or ()) if isinstance(r, ast.RangeVar)]
    columns: list[str] = []
    for target in query.targetList or ():
        if target.name:
            columns.append(target.name)
            continue
        value = target.val
        if isinstance(value, ast.ColumnRef):
            last = value.fields[-1]
            if isinstance(last, ast.A_Star):
                columns.extend(_star(replay, sources, value.fields[:-1]))
            else:
                columns.append(last.sval)
        elif isinstance(value, ast.FuncCall):
            columns.append(value.funcname[-1].sval)
        else:
            columns.append("?column?")
    return tuple(columns)


def _star(replay: Replay, sources: list[ast.RangeVar], qualifier: tuple) -> list[str]:
    wanted = qualifier[-1].sval if qualifier else None
    columns: list[str] = []
    for relation in sources:
        name = relation.alias.aliasname if relation.alias else relation.relname
        if wanted is None or wanted == name:
            table = replay.find(relation)
            columns.extend(table.columns if table else ())
    return columns


def _alter_table(replay: Replay, stmt: ast.AlterTableStmt, where: str) -> None:
    table = replay.find(stmt.relation)
    if table is None:
        return
    columns = list(table.columns)
    for cmd in stmt.cmds or ():
        if cmd.subtype == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
            if cmd.def_.colname not in columns:
                columns.append(cmd.def_.colname)
        elif cmd.subtype == AlterTableType.AT_DropColumn and cmd.name in columns:
            columns.remove(cmd.name)
    replay.catalog.change_columns(table.schema, table.name, tuple(columns))


def _rename(replay: Replay, stmt: ast.RenameStmt, where: str) -> None:
    if stmt.relation is None:
        if stmt.renameType == ObjectType.OBJECT_SCHEMA and stmt.subname:
            _rename_schema(replay.catalog, stmt.subname, stmt.newname)
        return
    table = replay.find(stmt.relation)
    if table is None:
        return
    if stmt.renameType == ObjectType.OBJECT_COLUMN:
        columns = tuple(stmt.newname if c == stmt.subname else c for c in table.columns)
        replay.catalog.change_columns(table.schema, table.name, columns)
    elif stmt.renameType in _RELATION_KINDS:
        replay.catalog.rename_table(table.schema, table.name, stmt.newname)


def _rename_schema(catalog: Catalog, old: str, new: str) -> None:
    for table in [t for t in catalog if t.schema == old]:
        catalog.move_table(old, table.name, new)
    catalog.schemas.discard(old)
    catalog.schemas.add(new)


def _set_schema(replay: Replay, stmt: ast.AlterObjectSchemaStmt, where: str) -> None:
    if stmt.relation is None or stmt.objectType not in _RELATION_KINDS:
        return
    table = replay.find(stmt.relation)
    if table is not None:
        replay.catalog.move_table(table.schema, table.name, stmt.newschema)


def _drop(replay: Replay, stmt: ast.DropStmt, where: str) -> None:
    if stmt.removeType == ObjectType.OBJECT_SCHEMA:
        for names in stmt.objects or ():
            schema = names.sval if isinstance(names, ast.String) else names[-1].sval
            for table in [t for t in replay.catalog if t.schema == schema]:
                replay.catalog.drop(schema, table.name)
        return
    if stmt.removeType not in _RELATION_KINDS:
        return
    for names in stmt.objects or ():
        parts = [n.sval for n in names]
        relation = ast.RangeVar(relname=parts[-1],
                                schemaname=parts[-2] if len(parts) > 1 else None)
        found = replay.find(relation)
        if found is not None:
            replay.catalog.drop(found.schema, found.name)


def _create_schema(replay: Replay, stmt: ast.CreateSchemaStmt, where: str) -> None:
    if stmt.schemaname:
        replay.catalog.schemas.add(stmt.schemaname)
    for element in stmt.schemaElts or ():
        apply_statement(Replay(replay.catalog, stmt.schemaname or replay.schema), element, where)


def _set_variable(replay: Replay, stmt: ast.VariableSetStmt, where: str) -> None:
    if stmt.name != "search_path" or not stmt.args:
        return
    first = stmt.args[0]
    value = getattr(getattr(first, "val", None), "sval", None)
    if value and value != "$user":
        replay.schema = value


_HANDLERS: dict[type, Callable[[Replay, ast.Node, str], None]] = {
    ast.CreateStmt: _create_table,
    ast.CreateForeignTableStmt: lambda r, s, w: _create_table(r, s.base, w),
    ast.ViewStmt: _create_view,
    ast.CreateTableAsStmt: _create_table_as,
    ast.AlterTableStmt: _alter_table,
    ast.RenameStmt: _rename,
    ast.AlterObjectSchemaStmt: _set_schema,
    ast.DropStmt: _drop,
    ast.CreateSchemaStmt: _create_schema,
    ast.VariableSetStmt: _set_variable,
}
