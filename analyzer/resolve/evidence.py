"""What the logs themselves say the database has, for diagnosis without (or beside) a schema:
columns named by PostgreSQL and PostgREST hints, and tables and columns used by statements that
did not fail. Kept as a Catalog (bounded) plus where each fact was seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from analyzer.catalog import DEFAULT_SCHEMA, Catalog, Table
from analyzer.resolve.context import Seen
from analyzer.resolve.sql import StatementFacts, statement_facts, statement_shape

MAX_TABLES = 2000
MAX_COLUMNS = 500
MAX_SHAPES = 10_000  # statement shapes already taken in (see sql.statement_shape)

# PostgreSQL 42703: `Perhaps you meant to reference the column "s.createdAt".` (one or two)
_PG_COLUMN_HINT = re.compile(r'the column "(?P<q>[^"]+?)\.(?P<c>[^"]+)"')
# PostgreSQL DETAIL: `There is a column named "c" in table "t", but it cannot be referenced…`
_PG_COLUMN_DETAIL = re.compile(r'column named "(?P<c>[^"]+)" in table "(?P<q>[^"]+)"')
# PostgREST PGRST205: `Perhaps you meant the table 'public.sessions'`
_PGRST_TABLE_HINT = re.compile(r"Perhaps you meant the table '(?:(?P<s>[^'.]+)\.)?(?P<t>[^']+)'")
# PostgREST PGRST200: `Perhaps you meant 'users' instead of 'user'.`
_PGRST_RELATION_HINT = re.compile(r"Perhaps you meant '(?P<t>[^']+)' instead of")


@dataclass(frozen=True, slots=True)
class HintFact:
    qualifier: str | None  # the alias or table as the query wrote it
    column: str | None
    table: str | None  # the real table when the statement maps the alias
    schema: str | None
    text: str


def parse_hint(hint: str, facts: StatementFacts | None = None) -> list[HintFact]:
    """The tables and columns a hint (or DETAIL) says exist."""
    found = []
    for pattern in (_PG_COLUMN_HINT, _PG_COLUMN_DETAIL):
        for match in pattern.finditer(hint):
            qualifier, column = match["q"], match["c"]
            relation = facts.relation_for(qualifier) if facts else None
            table = relation.name if relation else qualifier
            found.append(HintFact(qualifier, column, table, relation.schema if relation else None,
                                  hint))
    for match in _PGRST_TABLE_HINT.finditer(hint):
        found.append(HintFact(None, None, match["t"], match["s"], hint))
    for match in _PGRST_RELATION_HINT.finditer(hint):
        found.append(HintFact(None, None, match["t"], None, hint))
    return found


@dataclass(slots=True)
class LogEvidence:
    catalog: Catalog = field(default_factory=Catalog)
    seen_at: dict[tuple[str, str, str | None], str] = field(default_factory=dict)
    shapes: set[str] = field(default_factory=set)
    # ORM aliasing seen in logged SQL, `"session_id" AS "sessionId"`: column -> (the model's
    # attribute, where). It says how the ORM names columns, not what the table has.
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return len(self.catalog) > 0

    def add_aliases(self, renames: tuple[tuple[str, str], ...] | list[tuple[str, str]],
                    where: str) -> None:
        for column, attribute in renames:
            if column != attribute and len(self.aliases) < MAX_COLUMNS:
                self.aliases.setdefault(column, (attribute, where))

    def to_state(self) -> dict[str, Any]:
        """Plain JSON-able data: every observed table with where it and its columns were
        first seen, and the statement shapes taken in."""
        tables = []
        for table in self.catalog:
            key = (table.schema, table.name)
            tables.append({"schema": table.schema, "name": table.name,
                           "where": self.seen_at.get((*key, None), ""),
                           "columns": [[c, self.seen_at.get((*key, c), "")]
                                       for c in table.columns]})
        return {"tables": tables, "shapes": sorted(self.shapes),
                "aliases": [[c, a, w] for c, (a, w) in self.aliases.items()]}

    def merge_state(self, state: dict[str, Any]) -> None:
        """Fold `to_state` data in, as if it had been seen after ours (first sightings win)."""
        for table in state["tables"]:
            schema, name = str(table["schema"]), str(table["name"])
            self.add(schema, name, None, str(table["where"]))
            for column, where in table["columns"]:
                self.add(schema, name, str(column), str(where))
        for column, attribute, where in state.get("aliases", []):
            self.add_aliases([(str(column), str(attribute))], str(where))
        for shape in state["shapes"]:
            if len(self.shapes) < MAX_SHAPES:
                self.shapes.add(str(shape))

    def where(self, schema: str, table: str, column: str | None = None) -> str | None:
        return self.seen_at.get((schema, table, column))

    def add(self, schema: str | None, table: str, column: str | None, where: str) -> None:
        schema = schema or DEFAULT_SCHEMA
        known = self.catalog.get(table, schema)
        if known is None:
            if len(self.catalog) >= MAX_TABLES:
                return
            known = Table(schema, table, (), "the logs", kind="observed")
            self.catalog.put(known)
            self.seen_at.setdefault((schema, table, None), where)
        if column and column not in known.columns and len(known.columns) < MAX_COLUMNS:
            self.catalog.change_columns(schema, table, (*known.columns, column))
            self.seen_at.setdefault((schema, table, column), where)

    def add_hint(self, hint: str, facts: StatementFacts | None, where: str) -> None:
        for fact in parse_hint(hint, facts):
            if fact.table:
                self.add(fact.schema, fact.table, fact.column, f"{where} (hint: {hint})")

    def add_statement(self, seen: Seen) -> None:
        """A statement that did not fail: its tables and columns exist."""
        if not seen.statement:
            return
        # the first statement of a shape records every table and column it can: the same shape
        # again adds nothing (where a name was seen keeps its first place)
        shape = statement_shape(seen.statement)
        if shape in self.shapes:
            return
        if len(self.shapes) < MAX_SHAPES:
            self.shapes.add(shape)
        facts = statement_facts(shape)
        if not facts.parsed:
            return
        where = f"{seen.where} (a statement that did not fail)"
        self.add_aliases(facts.renames, seen.where)
        for relation in facts.relations:
            self.add(relation.schema, relation.name, None, where)
        only = facts.target or (facts.relations[0] if len(facts.relations) == 1 else None)
        for qualifier, column in facts.columns:
            owner = facts.relation_for(qualifier) if qualifier else only
            if owner is not None:
                self.add(owner.schema, owner.name, column, where)
