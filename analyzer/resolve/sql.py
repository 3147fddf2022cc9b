"""Failing SQL -> the relations it names (with their aliases) and the columns it uses.

Parsed with pglast (PostgreSQL's parser, in sqltree.py: imported only once a statement is
met) so quoting and folding are PostgreSQL's; SQL that does not parse (cut by the logger,
another dialect, `$1` placeholders are fine) falls back to a tolerant scan of FROM / JOIN /
INTO / UPDATE clauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_SQL_CHARS = 8192  # longer statements are cut by most loggers anyway


@dataclass(frozen=True, slots=True)
class Relation:
    name: str
    schema: str | None = None
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class StatementFacts:
    relations: tuple[Relation, ...] = ()
    columns: tuple[tuple[str | None, str], ...] = ()  # (qualifier or None, column)
    target: Relation | None = None  # INSERT / UPDATE / DELETE target
    parsed: bool = True
    # (column, output name) pairs of `SELECT "session_id" AS "sessionId"`: how an ORM maps its
    # attribute names to columns (its naming convention, as the logs show it)
    renames: tuple[tuple[str, str], ...] = ()

    def relation_for(self, qualifier: str) -> Relation | None:
        """The relation an alias or table name in `q.column` stands for."""
        for relation in self.relations:
            if qualifier in (relation.alias, relation.name):
                return relation
        return None

    @property
    def aliases(self) -> dict[str, Relation]:
        return {r.alias: r for r in self.relations if r.alias}


# String and number literals never name a table or a column: a statement with them blanked is
# its shape, and an app logs the same few hundred shapes over and over (ORM query logging).
# Two passes with plain replacements (no Python callback per literal): a number holds no quote,
# so the strings are the same in either order and a number next to a blanked string keeps its
# word boundary (a quote stays a quote).
_STRING_RE = re.compile(r"'(?:[^']|'')*'")
_NUMBER_RE = re.compile(r"\b\d+(?:\.\d+)?\b")


def statement_shape(sql: str) -> str:
    text = sql[:MAX_SQL_CHARS]
    if "'" in text:
        text = _STRING_RE.sub("''", text)
    return _NUMBER_RE.sub("0", text)


def statement_facts(sql: str) -> StatementFacts:
    """The relations and columns of a statement (parsed once per shape)."""
    return _shape_facts(statement_shape(sql))


@lru_cache(maxsize=4096)
def _shape_facts(sql: str) -> StatementFacts:
    from analyzer.resolve.sqltree import parsed_facts  # pglast: ~50 ms to import

    facts = parsed_facts(sql)
    return facts if facts is not None else _scan(sql)


def unique_relations(relations: list[Relation]) -> tuple[Relation, ...]:
    return tuple(dict.fromkeys(relations))


_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_RELATION_RE = re.compile(
    rf"\b(?:FROM|JOIN|INTO|UPDATE)\s+(?P<first>{_IDENT})(?:\.(?P<second>{_IDENT}))?"
    rf"(?:\s+(?:AS\s+)?(?P<alias>{_IDENT}))?", re.IGNORECASE)
_KEYWORDS = {"where", "set", "values", "on", "join", "left", "right", "inner", "outer", "full",
             "cross", "using", "group", "order", "limit", "returning", "default", "select",
             "natural", "lateral", "offset", "having", "union", "window", "for", "as"}


def _ident(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def _scan(sql: str) -> StatementFacts:
    relations = []
    target = None
    for found in _RELATION_RE.finditer(sql):
        first, second = found["first"], found["second"]
        if first.lower() in _KEYWORDS:
            continue
        alias = found["alias"]
        alias = None if alias is None or alias.lower() in _KEYWORDS else _ident(alias)
        relation = (Relation(_ident(second), _ident(first), alias) if second
                    else Relation(_ident(first), None, alias))
        relations.append(relation)
        if target is None and found.group(0).split()[0].upper() in ("INTO", "UPDATE"):
            target = relation
    return StatementFacts(unique_relations(relations), (), target, parsed=False)


# A double-quoted name where SQL expects a value: after a comparison (or SET x =), LIKE, THEN,
# ELSE, or as the first of an IN / VALUES list; a name followed by `.` qualifies a column.
_QUOTED_VALUE_RE = re.compile(
    r'(?:[=<>]|\b(?:I?LIKE|THEN|ELSE|IN|VALUES)\b)\s*\(?\s*"((?:[^"]|"")+)"(?!\s*\.)', re.I)
_IN_LIST_RE = re.compile(r"\b(?:IN|VALUES)\s*\(([^()]*)\)", re.I)
_QUOTED_RE = re.compile(r'"((?:[^"]|"")+)"')


def quoted_values(sql: str) -> set[str]:
    """Names written in double quotes where the statement expects a value (`status =
    "active"`, `IN ("a", "b")`): in SQL they name columns, so such a query fails with
    `column "active" does not exist` when a string ('active') was meant."""
    found = {m.group(1).replace('""', '"') for m in _QUOTED_VALUE_RE.finditer(sql)}
    for listed in _IN_LIST_RE.finditer(sql):
        found.update(m.group(1).replace('""', '"') for m in _QUOTED_RE.finditer(listed.group(1)))
    return found
