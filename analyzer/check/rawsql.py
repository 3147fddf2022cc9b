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
from pglast.visitors import Visitor

from analyzer.check.syntax import SourceFile, Template, js_value, line, text, walk
from analyzer.check.types import Field, Model

ORM = "sql"
LANGUAGES = frozenset({"javascript", "typescript", "tsx", "python", "ruby"})
STATEMENT_WORDS = frozenset({"select", "insert", "update", "delete", "with"})
HOLE = "\x00"  # where a template substitution or f-string value was


def read(files: list[SourceFile]) -> list[Model]:
    models = []
    for source in files:
        for sql, at in literals(source):
            models.extend(statement_models(sql, source.rel, at))
    return models


def literals(source: SourceFile) -> list[tuple[str, int]]:
    tree = source.tree()
    if source.language == "python":
        return _python_strings(tree)
    found = []
    kinds = {"string", "template_string"} if source.language != "ruby" else {"string",
                                                                           "heredoc_body"}
    for node in walk(tree, kinds):
        if source.language == "ruby":
            value = "".join(text(c) if c.type == "string_content" else HOLE
                            for c in node.named_children)
        else:
            data = js_value(node)
            value = HOLE.join(data.parts) if isinstance(data, Template) else data
        if isinstance(value, str) and _looks_like_sql(value):
            found.append((value, line(node)))
    return found


def _python_strings(tree: ast.Module) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.JoinedStr):
            value = "".join(v.value if isinstance(v, ast.Constant) else HOLE
                            for v in node.values)
        else:
            continue
        if _looks_like_sql(value):
            found.append((value, node.lineno))
    return found


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
            out.append(sql[i:end + 1])
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


@dataclass(slots=True)
class _Uses(Visitor):
    relations: list[tuple[str | None, str, str | None]] = field(default_factory=list)
    columns: list[tuple[str | None, str]] = field(default_factory=list)
    local: set[str] = field(default_factory=set)  # CTE names and output aliases

    def visit_CommonTableExpr(self, ancestors: Any, node: sqlast.CommonTableExpr) -> None:
        self.local.add(node.ctename)

    def visit_SelectStmt(self, ancestors: Any, node: sqlast.SelectStmt) -> None:
        self.local.update(t.name for t in node.targetList or () if t.name)

    def visit_RangeVar(self, ancestors: Any, node: sqlast.RangeVar) -> None:
        alias = node.alias.aliasname if node.alias else None
        self.relations.append((node.schemaname, node.relname, alias))

    def visit_ColumnRef(self, ancestors: Any, node: sqlast.ColumnRef) -> None:
        names = [f.sval for f in node.fields if isinstance(f, sqlast.String)]
        if names and len(names) == len(node.fields) and len(names) <= 3:
            self.columns.append((names[-2] if len(names) > 1 else None, names[-1]))


def _targets(stmt: Any, uses: _Uses) -> None:
    """INSERT (cols) and UPDATE SET cols name columns of the target table."""
    if isinstance(stmt, sqlast.InsertStmt):
        uses.columns.extend((None, c.name) for c in stmt.cols or () if c.name)
    elif isinstance(stmt, sqlast.UpdateStmt):
        uses.columns.extend((None, t.name) for t in stmt.targetList or () if t.name)


def statement_models(sql: str, file: str, at: int, orm: str = ORM) -> list[Model]:
    try:
        statements = pglast.parse_sql(with_placeholders(sql))
    except pglast.parser.ParseError:
        return []
    models = []
    for raw in statements:
        uses = _Uses()
        uses(raw.stmt)
        _targets(raw.stmt, uses)
        models.extend(_per_table(uses, file, at, orm))
    return models


def _per_table(uses: _Uses, file: str, at: int, orm: str) -> list[Model]:
    tables = [(s, n, a) for s, n, a in dict.fromkeys(uses.relations)
              if not (s is None and n in uses.local)]
    columns: dict[tuple[str | None, str], list[str]] = {(s, n): [] for s, n, _ in tables}
    for qualifier, column in dict.fromkeys(uses.columns):
        if qualifier is None and column in uses.local:
            continue
        owner = _owner(qualifier, tables)
        if owner is not None and column not in columns[owner]:
            columns[owner].append(column)
    return [Model(orm, None, name, schema, file, at,
                  tuple(Field(None, c, at) for c in columns[(schema, name)]), maps_all=False)
            for schema, name in columns]


def _owner(qualifier: str | None, tables: list[tuple[str | None, str, str | None]]
           ) -> tuple[str | None, str] | None:
    """The table a column belongs to: its qualifier's, or the only table of the statement."""
    if qualifier is None:
        distinct = {(schema, name) for schema, name, _ in tables}
        return distinct.pop() if len(distinct) == 1 else None
    for schema, name, alias in tables:
        if qualifier in (alias, name):
            return schema, name
    return None
