"""Raw SQL in the code -> Models (one per table a statement names, with the columns it uses).

Every string and template literal of JavaScript/TypeScript/Ruby and every Python string (so
`text("…")`, `knex.raw("…")`, sql`…`, `cursor.execute("…")` alike) whose first word is a
statement keyword is parsed with pglast, PostgreSQL's own parser, so quoting and case folding
are the server's. Placeholders (`$1`, `?`, `:name`, `%s`, `%(name)s`, template `${…}`) become
`$n` first; a literal that still does not parse is a fragment, not a statement, and is left
alone.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import pglast
from pglast import ast as sqlast

from analyzer.check.syntax import HOLE, SourceFile, Template, js_value, line, text
from analyzer.check.types import Field, Model

ORM = "sql"
LANGUAGES = frozenset({"javascript", "typescript", "tsx", "python", "ruby"})
STATEMENT_WORDS = frozenset({"select", "insert", "update", "delete", "with"})


def read(files: list[SourceFile]) -> list[Model]:
    models = []
    for source in files:
        for sql, at in literals(source):
            models.extend(statement_models(sql, source.rel, at))
    return models


def literals(source: SourceFile) -> list[tuple[str, int]]:
    if source.language == "python":
        return _python_strings(source)
    found = []
    kinds = {"string", "template_string"} if source.language != "ruby" else {"string",
                                                                           "heredoc_body"}
    for node in source.nodes(kinds):
        if source.language == "ruby":
            value = "".join(text(c) if c.type == "string_content" else HOLE
                            for c in node.named_children)
        else:
            data = js_value(node)
            value = data.text if isinstance(data, Template) else data
        if isinstance(value, str) and _looks_like_sql(value):
            found.append((_text(value), line(node)))
    return found


def _python_strings(source: SourceFile) -> list[tuple[str, int]]:
    found = []
    for node in source.nodes({"Constant", "JoinedStr"}):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.JoinedStr):
            value = "".join(str(v.value) if isinstance(v, ast.Constant) else HOLE
                            for v in node.values)
        else:
            continue
        if _looks_like_sql(value):
            found.append((_text(value), node.lineno))
    return found


def _text(value: str) -> str:
    """Python strings may hold lone surrogates ("\ud800"); SQL text and reports may not."""
    return value.encode("utf-8", "replace").decode("utf-8")


def _looks_like_sql(value: str) -> bool:
    words = value.split(None, 1)
    return bool(words) and words[0].lower().strip("(") in STATEMENT_WORDS and len(words) > 1


def with_placeholders(sql: str) -> str:
    """`?`, `:name`, `%s`, `%(name)s` and template holes as `$n`, outside quotes."""
    out, n, i = [], 0, 0
    while i < len(sql):
        char = sql[i]
        if char in "'\"":
            end = sql.find(char, i + 1)
            end = len(sql) - 1 if end < 0 else end
            out.append(sql[i:end + 1].replace(HOLE, "_"))  # a value spliced into a literal
            i = end + 1
            continue
        width = _placeholder_width(sql, i)
        if width:
            n += 1
            out.append(f"${n}")
            i += width
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _placeholder_width(sql: str, i: int) -> int:
    char = sql[i]
    if char in (HOLE, "?"):
        return 1
    if char == "%" and sql[i + 1:i + 2] == "s":
        return 2
    if char == "%" and sql[i + 1:i + 2] == "(":
        end = sql.find(")s", i)
        return end - i + 2 if end > 0 else 0
    if char == ":" and sql[i + 1:i + 2].isalpha() and sql[i - 1:i] != ":":
        j = i + 1
        while j < len(sql) and (sql[j].isalnum() or sql[j] == "_"):
            j += 1
        return j - i
    return 0


STATEMENTS = (sqlast.SelectStmt, sqlast.InsertStmt, sqlast.UpdateStmt, sqlast.DeleteStmt)
Relation = tuple[str | None, str, str | None]  # schema, name, alias


@dataclass(slots=True)
class _Scope:
    """One SELECT / INSERT / UPDATE / DELETE: the relations of its own FROM (or target) and the
    columns it names; a nested statement's unqualified columns are its own."""
    parent: _Scope | None
    relations: list[Relation] = field(default_factory=list)
    columns: list[tuple[str | None, str]] = field(default_factory=list)
    outputs: set[str] = field(default_factory=set)  # SELECT … AS name (ORDER BY name)
    ctes: set[str] = field(default_factory=set)
    opaque: bool = False  # FROM has a subquery or a function: unqualified names may be its

    def is_cte(self, name: str) -> bool:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.ctes:
                return True
            scope = scope.parent
        return False

    def tables(self) -> list[Relation]:
        return [r for r in self.relations if not (r[0] is None and self.is_cte(r[1]))]


def _walk(node: Any, scope: _Scope | None, scopes: list[_Scope]) -> None:
    if isinstance(node, list | tuple):
        for item in node:
            _walk(item, scope, scopes)
        return
    if not isinstance(node, sqlast.Node):
        return
    if isinstance(node, STATEMENTS):
        scope = _Scope(scope)
        scopes.append(scope)
        _targets(node, scope)
    if isinstance(node, sqlast.CommonTableExpr) and scope is not None and node.ctename:
        scope.ctes.add(node.ctename)
    elif isinstance(node, sqlast.RangeSubselect | sqlast.RangeFunction) and scope is not None:
        scope.opaque = True
    elif isinstance(node, sqlast.RangeVar) and scope is not None and node.relname:
        alias = node.alias.aliasname if node.alias else None
        scope.relations.append((node.schemaname, node.relname, alias))
    elif isinstance(node, sqlast.ColumnRef) and scope is not None:
        parts = tuple(node.fields or ())
        names = [f.sval for f in parts if isinstance(f, sqlast.String) and f.sval]
        if names and len(names) == len(parts) and len(names) <= 3:
            scope.columns.append((names[-2] if len(names) > 1 else None, names[-1]))
    for name in node:
        _walk(getattr(node, name), scope, scopes)


def _targets(stmt: Any, scope: _Scope) -> None:
    """INSERT (cols) and UPDATE SET cols name columns of the target table."""
    if isinstance(stmt, sqlast.SelectStmt):
        scope.outputs.update(t.name for t in stmt.targetList or () if t.name)
    elif isinstance(stmt, sqlast.InsertStmt):
        scope.columns.extend((None, c.name) for c in stmt.cols or () if c.name)
    elif isinstance(stmt, sqlast.UpdateStmt):
        scope.columns.extend((None, t.name) for t in stmt.targetList or () if t.name)


def statement_models(sql: str, file: str, at: int, orm: str = ORM) -> list[Model]:
    try:
        statements = pglast.parse_sql(with_placeholders(sql))
    except pglast.parser.ParseError:
        return []
    used: dict[tuple[str | None, str], list[str]] = {}
    for raw in statements:
        scopes: list[_Scope] = []
        _walk(raw.stmt, None, scopes)
        for scope in scopes:
            for schema, name, _ in scope.tables():
                used.setdefault((schema, name), [])
            for qualifier, column in scope.columns:
                owner = _owner(scope, qualifier, column)
                if owner is not None and column not in used.setdefault(owner, []):
                    used[owner].append(column)
    return [Model(orm, None, name, schema, file, at, tuple(Field(None, c, at) for c in cols),
                  maps_all=False) for (schema, name), cols in used.items()
            if not is_system_catalog(schema, name)]


def is_system_catalog(schema: str | None, name: str) -> bool:
    """PostgreSQL's own catalogs (pg_class, information_schema.columns) are in every
    database; a schema dump does not list them."""
    if schema in ("pg_catalog", "information_schema"):
        return True
    return schema is None and name.startswith("pg_")


def _owner(scope: _Scope, qualifier: str | None, column: str) -> tuple[str | None, str] | None:
    """The table a column belongs to: its qualifier's (here or in an enclosing statement), or
    the only table of its own statement."""
    current: _Scope | None = scope
    while current is not None:
        tables = current.tables()
        if qualifier is None:
            if column in current.outputs and current is scope:
                return None
            distinct = {(s, n) for s, n, _ in tables}
            if len(distinct) == 1 and len(tables) == len(current.relations) and \
                    not current.opaque:
                return distinct.pop()
            if current.relations or current.opaque:
                return None  # ambiguous, or a CTE's / subquery's column
        else:
            for schema, name, alias in tables:
                if qualifier in (alias, name):
                    return schema, name
            if any(qualifier in (r[1], r[2]) for r in current.relations):
                return None  # a CTE
        current = current.parent
    return None
