"""The rule pack compiled to one SQL query per engine.

Two queries, both over a table (or table function) whose columns `Columns` names:

- `candidate_query`: the rows a scan must see, as the file readers' prefilter picks them (any
  rule keyword or code in the message or fields, an error marker literal or level, an ORM's
  SQL logging for context) with the columns a Record is built from. The engine runs it where
  the logs live and only these rows come back; matching, captures and everything after happen
  in the one Session, so an engine scan gives the incidents a file scan of the same events does.
- `rules_query` (`analyzer rules sql`): per rule the events it matches, with its id, the
  captures of the first pattern that matched (as JSON text, RE2 in the engine) and the time
  and service, for use in the engine itself (dashboards, alerts). Rules whose patterns RE2
  cannot express, or that test structured fields, fall back to their keywords (and codes) with
  `capture_in_python` true: fetch those rows and let the analyzer capture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analyzer.engines.dialects import DIALECTS, Dialect
from analyzer.errors import UsageError
from analyzer.rulebook import Rule, RuleSet
from analyzer.rulebook.engine import MAX_MATCH_CHARS, MIN_CODE_KEYWORD
from analyzer.rulebook.re2 import Re2Pattern, Untranslatable, to_re2

ERROR_LEVELS = ("error", "critical", "fatal", "panic")


@dataclass(frozen=True, slots=True)
class Columns:
    """The table's column names (None: the table has no such column)."""

    message: str = "message"
    time: str | None = "ts"
    service: str | None = "service"
    instance: str | None = None
    level: str | None = None
    code: str | None = None  # SQLSTATE / PGRST / Prisma code
    fields: str | None = None  # the other structured fields, as JSON object text
    lineno: str | None = None
    format: str | None = None


def dialect(name: str) -> Dialect:
    found = DIALECTS.get(name)
    if found is None:
        raise UsageError(f"--dialect: expected one of {', '.join(DIALECTS)}, got {name!r}")
    return found


@dataclass(frozen=True, slots=True)
class Prefilter:
    """What makes a row a candidate: literals (lower-case) in the message or fields, codes
    (lower-case) equal to the code column, levels of the level column. literals None: every
    row is a candidate (some rule must see every record)."""

    literals: tuple[str, ...] | None
    codes: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()  # RE2 patterns, also tested on the message and fields


def rule_codes(ruleset: RuleSet) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for rule in ruleset.rules:
        for code in rule.codes:
            found.setdefault(code.lower(), None)
    return tuple(found)


def rules_prefilter(ruleset: RuleSet) -> Prefilter:
    """The rows any rule could match (keywords, long codes as text, codes by equality)."""
    return Prefilter(ruleset.keywords, rule_codes(ruleset))


def where_clause(sql: Dialect, columns: Columns, prefilter: Prefilter) -> str | None:
    if prefilter.literals is None:
        return None
    tests = []
    if prefilter.literals:
        tests.append(sql.contains_any(sql.lower(sql.ident(columns.message)),
                                      prefilter.literals))
        if columns.fields:
            text = sql.lower(sql.text(sql.ident(columns.fields)))
            tests.append(sql.contains_any(text, prefilter.literals))
    for pattern in prefilter.patterns:
        tests.append(sql.matches(sql.ident(columns.message), pattern))
        if columns.fields:
            tests.append(sql.matches(sql.text(sql.ident(columns.fields)), pattern))
    if columns.code and prefilter.codes:
        tests.append(_in(sql, sql.lower(sql.text(sql.ident(columns.code))), prefilter.codes))
    if columns.level and prefilter.levels:
        tests.append(_in(sql, sql.lower(sql.ident(columns.level)), prefilter.levels))
    return " OR ".join(tests) if tests else "FALSE"


def _in(sql: Dialect, expr: str, values: Sequence[str]) -> str:
    return f"{expr} IN ({', '.join(sql.string(v) for v in values)})"


def record_columns(columns: Columns) -> list[tuple[str, str]]:
    """(output name, table column) of every column a Record is built from."""
    named = [("message", columns.message), ("ts", columns.time), ("service", columns.service),
             ("instance", columns.instance), ("level", columns.level), ("code", columns.code),
             ("fields", columns.fields), ("lineno", columns.lineno), ("format", columns.format)]
    return [(out, column) for out, column in named if column]


def candidate_query(sql: Dialect, table: str, columns: Columns, prefilter: Prefilter,
                    order: Sequence[str] = ()) -> str:
    """The candidate rows with the columns Records are built from, in `order` (table
    columns; none: the engine's order)."""
    picked = ", ".join(f"{sql.ident(column)} AS {out}" for out, column in record_columns(columns))
    query = f"SELECT {picked} FROM {table}"
    where = where_clause(sql, columns, prefilter)
    if where:
        query += f" WHERE {where}"
    if order:
        query += " ORDER BY " + ", ".join(sql.ident(c) for c in order)
    return query


@dataclass(frozen=True, slots=True)
class RulePlan:
    """How one rule runs in an engine: its RE2 patterns, or why it is captured in Python."""

    rule: Rule
    patterns: tuple[Re2Pattern, ...]
    fallback: str | None  # why the engine only prefilters this rule (None: it captures)


def plan_rule(rule: Rule) -> RulePlan:
    if rule.fields:
        return RulePlan(rule, (), "it tests structured fields")
    try:
        patterns = tuple(to_re2(p.pattern) for p in rule.patterns)
    except Untranslatable as exc:
        return RulePlan(rule, (), f"a pattern uses {exc}, which RE2 lacks")
    return RulePlan(rule, patterns, None)


def rules_query(sql: Dialect, table: str, columns: Columns, ruleset: RuleSet) -> str:
    """Per rule the events it matches: rule_id, ts, service, captures (JSON text),
    capture_in_python, message. One UNION ALL branch per rule over one prefiltered CTE."""
    head = sql.head(sql.ident(columns.message), MAX_MATCH_CHARS)
    picked = [f"{sql.ident(columns.time) if columns.time else 'NULL'} AS ts",
              f"{sql.ident(columns.service) if columns.service else sql.null_text()} AS service",
              f"{sql.ident(columns.message)} AS message", f"{head} AS head"]
    if columns.code:
        picked.append(f"{sql.lower(sql.text(sql.ident(columns.code)))} AS code")
    where = where_clause(sql, columns, rules_prefilter(ruleset))
    events = f"SELECT {', '.join(picked)} FROM {table}" + (f" WHERE {where}" if where else "")
    branches = [_branch(sql, plan_rule(rule), columns) for rule in ruleset.rules]
    union = "\nUNION ALL\n".join(branches) if branches else (
        "SELECT NULL AS rule_id, NULL AS ts, NULL AS service, NULL AS captures, "
        "FALSE AS capture_in_python, NULL AS message FROM events WHERE FALSE")
    return f"WITH events AS (\n  {events}\n)\n{union}"


def _captures(sql: Dialect, pattern: Re2Pattern) -> str:
    return sql.json_object([(n, sql.extract("head", pattern.only(n))) for n in pattern.names])


def _branch(sql: Dialect, plan: RulePlan, columns: Columns) -> str:
    rule = plan.rule
    tests: list[str] = []
    captures = "'{}'"
    if plan.fallback is None and plan.patterns:
        tests = [sql.matches("head", p.bare()) for p in plan.patterns]
        cases = " ".join(f"WHEN {test} THEN {_captures(sql, p)}"
                         for test, p in zip(tests, plan.patterns, strict=True))
        captures = f"CASE {cases} ELSE '{{}}' END"
    elif rule.keywords:
        tests = [sql.contains_any(sql.lower("head"), [k.lower() for k in rule.keywords])]
    elif not rule.codes:
        tests = ["TRUE"]
    codes = [c.lower() for c in rule.codes]
    if codes:
        if columns.code:
            tests.append(_in(sql, "code", codes))
        long_codes = [c for c in codes if len(c) >= MIN_CODE_KEYWORD]
        if (plan.fallback is not None or not plan.patterns) and long_codes:
            tests.append(sql.contains_any(sql.lower("head"), long_codes))
    python = "FALSE" if plan.fallback is None else "TRUE"
    return (f"SELECT {sql.string(rule.id)} AS rule_id, ts, service, {captures} AS captures, "
            f"{python} AS capture_in_python, message FROM events "
            f"WHERE {' OR '.join(tests) or 'FALSE'}")
