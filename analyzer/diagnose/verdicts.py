"""The diagnosis kinds (DESIGN.md's closed vocabulary): what the code asked for (`wanted`) against
what the database has, from the catalog (`--schema`) and from what the logs themselves say
(hints, statements that did not fail). Each check returns a Finding or None; `naming` tries them
in order of specificity and turns the first into a Diagnosis with its evidence and fixes.
"""

from __future__ import annotations

from analyzer.catalog import DEFAULT_SCHEMA, Catalog, Table
from analyzer.catalog.names import plural_key, same_words, shares_words, style
from analyzer.diagnose.finding import Finding, Subject
from analyzer.diagnose.kinds import KINDS, PAIR_KINDS
from analyzer.diagnose.search import NameIndex
from analyzer.resolve.evidence import LogEvidence, parse_hint
from analyzer.resolve.sql import quoted_values, statement_facts

__all__ = ["Finding", "Subject", "best_match"]

SCHEMA_CACHE_CODES = frozenset({"PGRST200", "PGRST202", "PGRST204", "PGRST205"})
ALIAS_GUESS = 0.35  # the ORM's aliasing shows its convention, not the table's
LOG_ONLY = 0.85  # a hint is the server's own word, but about one query, not the schema
OBSERVED = 0.7  # columns seen in statements that did not fail: real, but partial knowledge


def best_match(wanted: str, candidates: list[str]) -> tuple[str, str, float] | None:
    """(kind, candidate, confidence) of the closest existing name, or None: the most specific
    name-pair kind of the registry (kinds.PAIR_KINDS, in order) whose test holds."""
    best: tuple[int, str, str, float] | None = None
    for candidate in candidates:
        for rank, kind in enumerate(PAIR_KINDS):
            if best is not None and rank >= best[0]:
                break
            confidence = kind.test(wanted, candidate) if kind.test else None
            if confidence is not None:
                best = (rank, kind.name, candidate, confidence)
                break
    return best[1:] if best else None


def _describe(kind: str, wanted: str, found: str, where: str) -> str:
    return KINDS[kind].describe(wanted, found, where)


def _pair_evidence(kind: str, wanted: str, found: str) -> str:
    return KINDS[kind].evidence(wanted, found)


# -- columns --------------------------------------------------------------------------------

def column_in_table(subject: Subject, table: Table, catalog: Catalog) -> Finding | None:
    wanted = subject.column or ""
    has = f"{table.source}: {table.qualified} has columns " + _few(table.columns)
    if wanted in table.columns:
        return _column_present(subject, table, catalog)
    match = best_match(wanted, list(table.columns))
    if match:
        kind, found, confidence = match
        return Finding(kind, wanted, found, confidence,
                       f"{table.name}.{wanted} does not exist; "
                       + _describe(kind, wanted, found, table.qualified),
                       [f"{table.source}: {table.qualified} has column {found!r}",
                        _pair_evidence(kind, wanted, found)], table=table)
    elsewhere = _other_schema_column(wanted, table, catalog)
    if elsewhere:
        return elsewhere
    others = [t for t in catalog.with_column(wanted) if t.name != table.name]
    if others:
        names = ", ".join(t.qualified for t in others[:3])
        return Finding("other_table", wanted, f"{others[0].qualified}.{wanted}",
                       0.6 if len(others) == 1 else 0.5,
                       f"{table.name} has no column {wanted!r}; {names} has it: the query "
                       "names the wrong table", [has, f"{others[0].source}: {names} has column "
                                                     f"{wanted!r}"], table=table,
                       found_table=others[0])
    return Finding("missing", wanted, None, 0.7,
                   f"{table.qualified} has no column {wanted!r} nor one spelled like it: the "
                   "migration that adds it was probably not applied", [has], table=table)


def _column_present(subject: Subject, table: Table, catalog: Catalog) -> Finding:
    wanted = subject.column or ""
    has = f"{table.source}: {table.qualified} has column {wanted!r}"
    if subject.schema_cache_only:
        return Finding("stale_schema_cache", wanted, wanted, 0.8,
                       f"PostgREST's schema cache lacks {table.name}.{wanted}, but the database "
                       "has it: the cache is older than the column",
                       [has, "the error came from PostgREST's schema cache (PGRST2xx), not "
                             "from PostgreSQL"], table=table)
    shadows = [t for t in catalog.named(table.name)
               if t.schema != table.schema and wanted not in t.columns]
    if shadows and not subject.schema:
        shadow = shadows[0]
        return Finding("other_schema", wanted, f"{table.qualified}.{wanted}", 0.75,
                       f"the query reached {shadow.qualified} (through the search_path), which "
                       f"has no {wanted!r}; {table.qualified} has it",
                       [has, f"{shadow.source}: {shadow.qualified} exists too, without "
                             f"{wanted!r}"], table=shadow, found_table=table)
    return Finding("missing", wanted, None, 0.6,
                   f"the schema source has {table.qualified}.{wanted} but the database the "
                   "logs came from does not: a migration not applied there",
                   [has, "the error came from the database itself"], table=table)


def _other_schema_column(wanted: str, table: Table, catalog: Catalog) -> Finding | None:
    for other in catalog.named(table.name):
        if other.schema != table.schema and wanted in other.columns:
            return Finding("other_schema", wanted, f"{other.qualified}.{wanted}", 0.75,
                           f"{table.qualified} has no {wanted!r}, {other.qualified} has: the "
                           f"query uses the wrong schema",
                           [f"{other.source}: {other.qualified} has column {wanted!r}"],
                           table=table, found_table=other)
    return None


def column_anywhere(subject: Subject, catalog: Catalog, index: NameIndex) -> Finding | None:
    """No table known: the whole catalog is searched."""
    wanted = subject.column or ""
    exact = catalog.with_column(wanted)
    if exact:
        names = ", ".join(t.qualified for t in exact[:3])
        return Finding("other_table", wanted, f"{exact[0].qualified}.{wanted}",
                       0.5 if len(exact) == 1 else 0.4,
                       f"{names} has a column {wanted!r}, yet the query failed: it reads "
                       "another table", [f"{exact[0].source}: {names} has column {wanted!r}"],
                       table=None, found_table=exact[0])
    pairs = index.near_columns(wanted)
    match = best_match(wanted, list(dict.fromkeys(c for _, c in pairs)))
    if match:
        kind, found, confidence = match
        tables = [t for t, c in pairs if c == found]
        names = ", ".join(t.qualified for t in tables[:3])
        return Finding(kind, wanted, found, confidence - (0.05 if len(tables) > 1 else 0),
                       f"no table has {wanted!r}; " + _describe(kind, wanted, found, names),
                       [f"{tables[0].source}: {names} has column {found!r}",
                        _pair_evidence(kind, wanted, found)],
                       table=tables[0] if len(tables) == 1 else None)
    stem = wanted.removesuffix("Id").removesuffix("_id")
    tables = [t for t in index.tables_sharing_words(stem) if stem != wanted and
              (plural_key(stem) == plural_key(t.name) or shares_words(stem, t.name))]
    hint = f"; {wanted!r} reads like a reference to {tables[0].qualified}" if tables else ""
    return Finding("missing", wanted, None, 0.6,
                   f"no table in the schema has a column {wanted!r} or one spelled like it{hint}"
                   ": the migration that adds it was probably not applied",
                   [f"searched {len(catalog)} tables from {', '.join(catalog.sources)}"])


# -- tables ---------------------------------------------------------------------------------

def table_in_catalog(subject: Subject, catalog: Catalog, index: NameIndex) -> Finding | None:
    wanted, schema = subject.table or "", subject.schema
    here = catalog.get(wanted, schema or DEFAULT_SCHEMA)
    if here is not None:
        return _table_present(subject, here)
    elsewhere = [t for t in catalog.named(wanted) if t.schema != (schema or DEFAULT_SCHEMA)]
    if elsewhere:
        other = elsewhere[0]
        return Finding("other_schema", wanted, other.qualified, 0.8,
                       f"{schema or DEFAULT_SCHEMA}.{wanted} does not exist; {other.qualified} "
                       "does: qualify the name or fix the search_path",
                       [f"{other.source}: {other.qualified} exists"], found_table=other)
    near = index.near_tables(wanted)
    same_schema = [t for t in near if t.schema == (schema or DEFAULT_SCHEMA)] or near
    match = best_match(wanted, [t.name for t in same_schema])
    if match:
        kind, found, confidence = match
        table = next(t for t in same_schema if t.name == found)
        return Finding(kind, wanted, found, confidence,
                       f"table {wanted!r} does not exist; " + _describe(kind, wanted, found,
                                                                        table.qualified),
                       [f"{table.source}: table {table.qualified} exists",
                        _pair_evidence(kind, wanted, found)], found_table=table)
    return _renamed_table(subject, index, catalog)


def _table_present(subject: Subject, table: Table) -> Finding:
    if subject.schema_cache_only:
        return Finding("stale_schema_cache", table.name, table.qualified, 0.8,
                       f"PostgREST's schema cache lacks {table.qualified}, but the database "
                       "has it: the cache is older than the table",
                       [f"{table.source}: {table.qualified} exists",
                        "the error came from PostgREST's schema cache (PGRST2xx)"],
                       found_table=table)
    return Finding("missing", table.name, None, 0.6,
                   f"the schema source has {table.qualified} but the database the logs came "
                   "from does not: a migration not applied there",
                   [f"{table.source}: {table.qualified} exists in the schema source"],
                   found_table=table)


def _renamed_table(subject: Subject, index: NameIndex, catalog: Catalog) -> Finding:
    """A table named differently (prefix, suffix, rename): shared words, or the columns the
    failing SQL uses."""
    wanted, schema = subject.table or "", subject.schema or DEFAULT_SCHEMA
    used = _statement_columns(subject)
    counts = index.tables_with_columns(used) if used else {}
    candidates = dict.fromkeys([*index.tables_sharing_words(wanted), *counts])
    scored = []
    for table in candidates:
        overlap = counts.get(table, 0) / len(used) if used else 0.0
        shared = shares_words(wanted, table.name)
        if shared or overlap >= 0.6:
            scored.append((overlap, shared, table.schema == schema, table))
    if not scored:
        return Finding("missing", wanted, None, 0.6,
                       f"no table named {wanted!r} or like it: the migration that creates it "
                       "was probably not applied",
                       [f"searched {len(catalog)} tables from {', '.join(catalog.sources)}"])
    overlap, shared, _, table = max(scored, key=lambda s: (s[0], s[1], s[2], -len(s[3].name)))
    evidence = [f"{table.source}: table {table.qualified} exists"]
    if shared:
        evidence.append(f"{wanted!r} and {table.name!r} share the words of the name")
    if used:
        evidence.append(f"{table.qualified} has {counts.get(table, 0)} of the "
                        f"{len(used)} columns the failing SQL uses (any spelling)")
    confidence = 0.85 if shared and overlap >= 0.6 else 0.7 if shared else 0.6
    return Finding("table_name", wanted, table.name, confidence,
                   f"table {wanted!r} does not exist; the code means {table.qualified}",
                   evidence, found_table=table)


def _statement_columns(subject: Subject) -> list[str]:
    columns: list[str] = []
    for statement in subject.clue("statement"):
        facts = statement_facts(statement)
        columns.extend(c for _, c in facts.columns if c not in columns)
    return columns


# -- without a schema: what the logs say ----------------------------------------------------

def from_logs(subject: Subject, evidence: LogEvidence) -> Finding | None:
    return (_from_hints(subject) or _from_observed(subject, evidence)
            or _from_aliasing(subject, evidence))


def _from_aliasing(subject: Subject, evidence: LogEvidence) -> Finding | None:
    """No schema, no hint: the ORM's own SQL writes `"session_id" AS "sessionId"`, so the
    code's column name is a convention applied to a camelCase attribute; the table may well
    use the attribute's spelling. A guess, said as one (low confidence)."""
    wanted = subject.column
    if not wanted or wanted not in evidence.aliases:
        return None
    attribute, where = evidence.aliases[wanted]
    if not same_words(wanted, attribute) or style(wanted) == style(attribute):
        return None
    return Finding("case_style", wanted, attribute, ALIAS_GUESS,
                   f"{wanted!r} does not exist; a guess without --schema: the ORM names the "
                   f"column {wanted!r} after the attribute {attribute!r} ({style(wanted)}), "
                   f"and the table may use {style(attribute)} {attribute!r}",
                   [f'the ORM\'s SQL at {where} writes "{wanted}" AS "{attribute}"',
                    "no --schema source to confirm it: give one for a diagnosis"])


def _from_hints(subject: Subject) -> Finding | None:
    wanted = subject.column or subject.table or ""
    for hint in subject.clue("hint") + subject.clue("detail"):
        facts = [statement_facts(s) for s in subject.clue("statement")[:1]]
        for fact in parse_hint(hint, facts[0] if facts else None):
            name = fact.column if subject.column else fact.table
            if not name:
                continue
            match = best_match(wanted, [name])
            kind, confidence = (match[0], match[2]) if match else ("other_table", 0.6)
            if not match and (not subject.column or name != wanted):
                continue
            where = fact.table or "the table"
            return Finding(kind, wanted, name, round(confidence * LOG_ONLY, 3),
                           f"{wanted!r} does not exist; the server suggests {name!r}: "
                           + (_describe(kind, wanted, name, where) if match else
                              f"it is on {where}"),
                           [f"hint: {hint}"] + ([_pair_evidence(kind, wanted, name)]
                                                if match else []))
    return None


def _from_observed(subject: Subject, evidence: LogEvidence) -> Finding | None:
    if not evidence:
        return None
    if subject.column:
        tables = evidence.catalog.named(subject.table) if subject.table else list(evidence.catalog)
        pairs = [(t, c) for t in tables for c in t.columns]
        match = best_match(subject.column, list(dict.fromkeys(c for _, c in pairs)))
        if match is None:
            return None
        kind, found, confidence = match
        table = next(t for t, c in pairs if c == found)
        where = evidence.where(table.schema, table.name, found) or "the logs"
    else:
        match = best_match(subject.table or "", [t.name for t in evidence.catalog])
        if match is None:
            return None
        kind, found, confidence = match
        table = next(t for t in evidence.catalog if t.name == found)
        where = evidence.where(table.schema, table.name) or "the logs"
    wanted = subject.column or subject.table or ""
    return Finding(kind, wanted, found, round(confidence * OBSERVED, 3),
                   f"{wanted!r} does not exist; the logs show {found!r} in use: "
                   + _describe(kind, wanted, found, table.qualified),
                   [f"{where}: {table.qualified}" + (f" has column {found!r}"
                                                     if subject.column else " exists"),
                    _pair_evidence(kind, wanted, found)])


# Verdicts that only say nothing in the schema is like the wanted name: a double-quoted value
# in the failing SQL explains them better.
NOTHING_LIKE = frozenset(k.name for k in KINDS.values() if k.nothing_like)


def quoted_literal(subject: Subject, finding: Finding) -> Finding:
    """The failing SQL writes the wanted "column" in double quotes where a value belongs
    (`status = "active"`): PostgreSQL reads a column name, the code meant a string."""
    wanted = subject.column
    if not wanted or finding.kind not in NOTHING_LIKE:
        return finding
    for statement in subject.clue("statement")[:1]:
        if wanted in quoted_values(statement):
            return Finding("quoted_literal", wanted, f"'{wanted}'", 0.85,
                           f'"{wanted}" is in double quotes where the query compares a value: '
                           f"SQL reads a column name; the string '{wanted}' takes single quotes",
                           [f'the failing SQL uses "{wanted}" as a value (after =, IN, LIKE, '
                            "VALUES …)", *(["nothing in the schema is named like it"]
                                           if KINDS[finding.kind].compared else [])],
                           table=finding.table)
    return finding


def unknown(subject: Subject) -> Finding:
    wanted = subject.column or subject.table or subject.clue("function")[:1] or ""
    return Finding("unknown", str(wanted), None, 0.0,
                   f"{wanted!r} does not exist and nothing known is spelled like it; no "
                   "schema was given to compare with",
                   ["no --schema source, and no hint or statement in the logs names a similar "
                    "column or table"])


def _few(names: tuple[str, ...], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")

