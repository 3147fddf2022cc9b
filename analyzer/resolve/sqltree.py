"""The pglast half of resolve.sql: PostgreSQL's own parse tree of a statement -> its facts.

Apart so that pglast is imported only when a statement is met (sql.statement_facts)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pglast
from pglast import ast
from pglast.visitors import Visitor

from analyzer.resolve.sql import Relation, StatementFacts, unique_relations


@dataclass(slots=True)
class _Collector(Visitor):
    relations: list[Relation] = field(default_factory=list)
    columns: list[tuple[str | None, str]] = field(default_factory=list)
    renames: list[tuple[str, str]] = field(default_factory=list)

    def visit_SelectStmt(self, ancestors, node: ast.SelectStmt) -> None:
        for target in node.targetList or ():
            value = target.val
            if target.name and isinstance(value, ast.ColumnRef) and \
                    isinstance(value.fields[-1], ast.String):
                self.renames.append((value.fields[-1].sval, target.name))

    def visit_RangeVar(self, ancestors, node: ast.RangeVar) -> None:
        alias = node.alias.aliasname if node.alias else None
        self.relations.append(Relation(node.relname, node.schemaname, alias))

    def visit_ColumnRef(self, ancestors, node: ast.ColumnRef) -> None:
        names = [f.sval for f in node.fields if isinstance(f, ast.String)]
        if names and len(names) == len(node.fields):
            self.columns.append((names[-2] if len(names) > 1 else None, names[-1]))


def parsed_facts(sql: str) -> StatementFacts | None:
    """The facts of a statement pglast parses; None when it does not parse."""
    try:
        statements = pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return None
    collector = _Collector()
    target = None
    for raw in statements:
        collector(raw.stmt)
        target = target or _target_of(raw.stmt, collector.columns)
    return StatementFacts(unique_relations(collector.relations),
                          tuple(dict.fromkeys(collector.columns)), target,
                          renames=tuple(dict.fromkeys(collector.renames)))


def _target_of(stmt: ast.Node, columns: list[tuple[str | None, str]]) -> Relation | None:
    relation = getattr(stmt, "relation", None)
    if not isinstance(stmt, ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt) or relation is None:
        return None
    if isinstance(stmt, ast.InsertStmt):
        columns.extend((None, c.name) for c in stmt.cols or () if c.name)
    elif isinstance(stmt, ast.UpdateStmt):
        columns.extend((None, t.name) for t in stmt.targetList or () if t.name)
    alias = relation.alias.aliasname if relation.alias else None
    return Relation(relation.relname, relation.schemaname, alias)
