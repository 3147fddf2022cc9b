"""Entity resolution: a Match whose message names no table (`column "session_id" does not
exist`) or names an alias (`Session.user_id`, `projects_1`, `User__User_profile`) gets the real
table, so every shape of one problem lands in one incident per (schema, table, column).

Order of evidence: the failing SQL (the record's own statement, or the one an ORM logged just
before it), then the catalog (the one table whose columns match the wanted name under the
naming rules), then a co-occurring error that named a table. How the table was found is kept as
a clue, so the diagnosis can say so.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from types import MappingProxyType

from analyzer.catalog import DEFAULT_SCHEMA, Catalog, Table
from analyzer.catalog.names import close_spelling, is_folded_form, plural_key, same_words
from analyzer.memo import memoized_text, text_key
from analyzer.model import Match, Record
from analyzer.resolve.clues import hint_of, orm_of, statement_of
from analyzer.resolve.context import ContextWindow
from analyzer.resolve.evidence import LogEvidence
from analyzer.resolve.sql import StatementFacts, statement_facts

_EMBED_ALIAS = re.compile(r"^(?P<base>.+)_(?P<n>\d+)$")  # PostgREST embeds: projects_1
_TYPEORM_ALIAS = re.compile(r"^(?P<parent>[^_].*?)__(?P=parent)_(?P<relation>.+)$")
MEMO_SIZE = 4096  # distinct messages whose own clues are kept (then the memo starts over)
# parsed once per distinct statement text (statement_facts parses once per shape, but blanks
# the literals of every statement it is given to find the shape)
_facts_of = memoized_text(statement_facts)


@dataclass(frozen=True, slots=True)
class OwnClues:
    """What a record says by itself (a function of its message and fields alone): its SQL,
    hint and DETAIL, and the ORM or client that wrote it."""
    statement: str | None
    facts: StatementFacts | None
    hint: str | None
    detail: str | None
    orm: str | None


def own_clues(record: Record) -> OwnClues:
    statement = statement_of(record)
    detail = record.fields.get("detail")
    return OwnClues(statement, _facts_of(statement) if statement else None, hint_of(record),
                    detail if isinstance(detail, str) and detail else None, orm_of(record))


@dataclass(slots=True)
class Resolved:
    table: str | None
    schema: str | None
    how: str | None = None


@dataclass(slots=True)
class Resolver:
    catalog: Catalog | None
    evidence: LogEvidence
    # a record's own clues by its message and fields: a log repeats its few errors
    _own: dict[Hashable, OwnClues] = field(default_factory=dict)
    # (hint, facts) pairs the evidence took in: taking one again adds nothing (it keeps where
    # each name was first seen), so a repeated error skips the hint's regexes
    _hints_taken: set[tuple[str, StatementFacts | None]] = field(default_factory=set)

    def own_clues(self, record: Record) -> OwnClues:
        key = text_key(record.message, record.fields)
        if key is None:
            return own_clues(record)
        found = self._own.get(key)
        if found is None:
            if len(self._own) >= MEMO_SIZE:
                self._own.clear()
            found = self._own[key] = own_clues(record)
        return found

    def resolve(self, match: Match, window: ContextWindow) -> Match:
        record = match.record
        captures = dict(match.captures)
        clues: dict[str, str] = {}
        own_facts = self.own_clues(record)
        statement, statement_at = own_facts.statement, f"{record.source}:{record.lineno}"
        facts, statement_orm = own_facts.facts, None
        if statement is None:
            # a column error's SQL names the column; a table error's names the table
            names = (captures.get("column") or captures.get("table", "").rpartition(".")[2],)
            recent = window.recent_statement(record, names)
            if recent is not None:
                statement, statement_at, statement_orm = recent.statement, recent.where, recent.orm
                facts = _facts_of(statement) if statement else None
        if statement:
            window.claim(statement)
            clues["statement"], clues["statement_at"] = statement, statement_at
        if own_facts.hint:
            clues["hint"] = own_facts.hint
            self._take_hint(own_facts.hint, facts, record)
        if own_facts.detail:
            clues["detail"] = own_facts.detail
            self._take_hint(own_facts.detail, facts, record)
        own = own_facts.orm
        if own == "postgrest":  # the request went through PostgREST; the app's ORM is apart
            clues["via"], own = "postgrest", None
        orm = own or statement_orm or window.dominant_orm()
        if orm:
            clues["orm"] = orm
        if facts and facts.renames:
            self.evidence.add_aliases(facts.renames, statement_at)
            clues["renames"] = ", ".join(f"{c}={a}" for c, a in facts.renames[:12])
        resolved = self._table(captures, facts, record, window)
        if resolved.table:
            captures["table"] = resolved.table
            if resolved.schema:
                captures["schema"] = resolved.schema
            window.note_table(record, resolved.schema, resolved.table)
            model = _model_alias(facts, resolved.table)
            if model:
                clues["model"] = model
        if resolved.how:
            clues["resolved"] = resolved.how
        # both dicts are this call's own: wrapped, not copied again
        return Match(match.rule_id, record, MappingProxyType(captures), MappingProxyType(clues))

    def _take_hint(self, hint: str, facts: StatementFacts | None, record: Record) -> None:
        taken = (hint, facts)
        if taken in self._hints_taken:
            return
        if len(self._hints_taken) < MEMO_SIZE:
            self._hints_taken.add(taken)
        self.evidence.add_hint(hint, facts, f"{record.source}:{record.lineno}")

    def _table(self, captures: dict[str, str], facts: StatementFacts | None, record,
               window: ContextWindow) -> Resolved:
        table, schema = captures.get("table"), captures.get("schema")
        if table and "." in table and not schema:
            schema, _, table = table.rpartition(".")
        column = captures.get("column")
        if table and column:
            return self._real_table(table, schema, facts)
        if table:  # `relation "x" does not exist` names the relation as written, not an alias
            return Resolved(table, schema)
        if not column:
            return Resolved(None, schema)
        for find in (self._from_statement, self._from_catalog):
            found = find(column, facts)
            if found.table:
                return found
        recent = window.recent_table(record)
        if recent is not None and recent.table is not None and \
                self._has_near_column(recent.table, column):
            schema, name = recent.table
            return Resolved(name, schema, f"table from a co-occurring error at {recent.where} "
                                          f"that named {name!r}")
        return Resolved(None, schema)

    def _has_near_column(self, table: tuple[str | None, str], column: str) -> bool:
        """A co-occurring error's table is taken only when what is known of it has a column
        spelled like the wanted one (and not the wanted one itself: the error says it is not
        there). Errors of unrelated queries follow each other closely in a server's log."""
        schema, name = table
        for catalog in self._catalogs():
            found = catalog.get(name, schema)
            if found is not None and column not in found.columns and \
                    any(_near(column, c) or close_spelling(column, c) is not None
                        for c in found.columns):
                return True
        return False

    def _real_table(self, table: str, schema: str | None, facts: StatementFacts | None
                    ) -> Resolved:
        """The table an alias as written stands for (or the name itself)."""
        relation = facts.relation_for(table) if facts else None
        if relation is not None and relation.alias == table and relation.name != table:
            return Resolved(relation.name, relation.schema or schema,
                            f"{table!r} is an alias of table {relation.name!r} in the failing SQL")
        if self._known(table, schema):
            return Resolved(table, schema or self._schema_of(table))
        guess = self._alias_guess(table, schema)
        return guess if guess.table else Resolved(table, schema)

    def _alias_guess(self, alias: str, schema: str | None) -> Resolved:
        embed = _EMBED_ALIAS.match(alias)
        if embed and self._known(embed["base"], schema):
            base = embed["base"]
            return Resolved(base, schema or self._schema_of(base),
                            f"{alias!r} is PostgREST's embed alias for table {base!r}")
        typeorm = _TYPEORM_ALIAS.match(alias)
        if not typeorm and not alias[:1].isupper():
            return Resolved(None, None)  # model aliases are class names: `Session`, `User`
        name = typeorm["relation"] if typeorm else alias
        for table in self._tables():
            if plural_key(table.name) == plural_key(name) and table.name != alias:
                kind = "TypeORM's join alias" if typeorm else "an ORM model alias"
                return Resolved(table.name, schema or table.schema,
                                f"{alias!r} is {kind} for table {table.qualified}")
        return Resolved(None, None)

    def _from_statement(self, column: str, facts: StatementFacts | None) -> Resolved:
        if facts is None or not facts.relations:
            return Resolved(None, None)
        for qualifier, name in facts.columns:
            if name == column and qualifier:
                relation = facts.relation_for(qualifier)
                if relation is not None:
                    return Resolved(relation.name, relation.schema,
                                    f"table from the failing SQL ({qualifier}.{column})")
        only = facts.target or (facts.relations[0] if len(facts.relations) == 1 else None)
        if only is None and self.catalog is not None:
            only = next((r for r in facts.relations for t in self.catalog.named(r.name)
                         if any(_near(column, c) for c in t.columns)), None)
        if only is None:
            return Resolved(None, None)
        return Resolved(only.name, only.schema,
                        f"table from the failing SQL (it reads {only.name!r})")

    def _from_catalog(self, column: str, facts: StatementFacts | None) -> Resolved:
        if self.catalog is None:
            return Resolved(None, None)
        tables = {(t.schema, t.name) for t, c in self.catalog.columns_like(column)
                  if c != column and _near(column, c)}
        if len(tables) != 1:
            return Resolved(None, None)
        schema, name = tables.pop()
        return Resolved(name, schema, f"table from the catalog: {schema}.{name} is the only "
                                      f"table with a column spelled like {column!r}")

    def _tables(self) -> list[Table]:
        tables = list(self.catalog) if self.catalog is not None else []
        return tables + list(self.evidence.catalog)

    def _known(self, table: str, schema: str | None) -> bool:
        return any(c.get(table, schema) is not None or (not schema and c.named(table))
                   for c in self._catalogs())

    def _schema_of(self, table: str) -> str | None:
        for catalog in self._catalogs():
            found = catalog.get(table)
            if found is not None and found.schema != DEFAULT_SCHEMA:
                return found.schema
        return None

    def _catalogs(self) -> list[Catalog]:
        return [c for c in (self.catalog, self.evidence.catalog) if c is not None]


def _near(wanted: str, column: str) -> bool:
    return same_words(wanted, column) or is_folded_form(wanted, column)


def _model_alias(facts: StatementFacts | None, table: str) -> str | None:
    """The ORM model name a statement uses for the table (Sequelize: `FROM "t" AS "Model"`)."""
    if facts is None:
        return None
    for relation in facts.relations:
        if relation.name == table and relation.alias and relation.alias[:1].isupper():
            return relation.alias
    return None

