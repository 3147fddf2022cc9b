"""`rules sql`: the rule pack compiled to DuckDB and ClickHouse SQL runs on the real engines
(DuckDB, embedded ClickHouse via chdb) over the sample logs' events, and per rule finds the
events and captures Python's matcher finds; rules RE2 cannot express fall back (and lint says
so); BigQuery's text is printed for a warehouse we cannot reach here."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from chdb import session as chdb_session

from analyzer.engines import DIALECTS, Columns, plan_rule, rules_query
from analyzer.model import Record, frozen_map
from analyzer.rulebook import load_rules
from analyzer.rulebook.engine import value_end
from analyzer.rulebook.lint import lint_paths
from analyzer.rulebook.normalize import NORMALIZERS
from analyzer.rulebook.re2 import Untranslatable, to_re2
from tests.conftest import ROOT
from tests.engine_support import all_records, write_parquet
from tests.test_samples import sample_logs

RULES = load_rules([], builtin=True)


def test_python_regex_becomes_re2_where_it_can():
    pattern = to_re2(r'column (?<table>\w+)\.(?P<column>\w+) does not exist\Z')
    assert pattern.text == r'column (?P<table>\w+)\.(?P<column>\w+) does not exist\z'
    assert pattern.names == ("table", "column")
    assert pattern.only("column") == r'column (?:\w+)\.(\w+) does not exist\z'
    assert pattern.bare() == r'column (?:\w+)\.(?:\w+) does not exist\z'
    assert to_re2(r"(?i)x{2,3}?[]a-z]{1000}").text == r"(?i)x{2,3}?[]a-z]{1000}"
    for bad, what in ((r"(?<![\w.])error", "lookbehind"), (r"a(?=b)", "lookahead"),
                      (r"(\w)\1", "backreference"), (r"a++", "possessive"),
                      (r"(?>ab)", "atomic"), (r"(?x) a b", "flag"), (r"a{1,2000}", "repeat")):
        with pytest.raises(Untranslatable, match=what):
            to_re2(bad)


def test_every_translated_builtin_pattern_compiles_in_both_engines():
    con, chdb = duckdb.connect(), chdb_session.Session()
    checked = 0
    for rule in RULES.rules:
        for pattern in plan_rule(rule).patterns:
            for text in [pattern.bare(), *(pattern.only(n) for n in pattern.names)]:
                literal = DIALECTS["duckdb"].string(text)
                con.sql(f"SELECT regexp_matches('x', {literal})").fetchall()
                chdb.query(f"SELECT match('x', {DIALECTS['clickhouse'].string(text)})", "CSV")
                checked += 1
    assert checked > 300


def _python_hits(records) -> set[tuple[str, str, tuple]]:
    """(rule, message, captures) of every rule the engines capture, by Python's matcher."""
    found = set()
    for rule in RULES.rules:
        if plan_rule(rule).fallback is not None or not rule.patterns:
            continue
        for record in records:
            hit = RULES.hit(rule, record)
            if hit is not None and not hit.by_code:
                found.add((rule.id, record.message,
                           tuple(sorted((k, v) for k, v in hit.captures.items() if v))))
    return found


def _engine_hits(rows) -> set[tuple[str, str, tuple]]:
    found = set()
    for rule_id, captures, in_python, message in rows:
        if in_python:
            continue
        rule = RULES.get(rule_id)
        assert rule is not None
        # what the analyzer does to a raw group after the regex: cut at a closing quote,
        # then the rule's normalizers (the SQL returns the raw groups)
        values = {k: value_end(v) for k, v in json.loads(captures).items() if v}
        for name, how in rule.normalize.items():
            if name in values:
                values[name] = NORMALIZERS[how](values[name])
        found.add((rule_id, message, tuple(sorted(values.items()))))
    return found


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> tuple[Path, list]:
    records = [r for log in sample_logs() for r in all_records(log)]
    # and every rule's own examples (those that must match and those that must not)
    records += [Record(source="examples", lineno=i, format="plain", message=e.text, raw=e.text,
                       fields=frozen_map(dict(e.fields)))
                for i, e in enumerate(e for rule in RULES.rules for e in rule.examples)]
    return write_parquet(records, tmp_path_factory.mktemp("sql") / "all.parquet"), records


def test_rules_sql_on_duckdb_and_clickhouse_captures_what_python_captures(events):
    parquet, records = events
    expected = _python_hits(records)
    assert len(expected) > 150
    columns = Columns(service="service")
    duck = rules_query(DIALECTS["duckdb"], f"read_parquet('{parquet}')", columns, RULES)
    rows = duckdb.connect().sql(
        f"SELECT rule_id, captures, capture_in_python, message FROM ({duck})").fetchall()
    assert _engine_hits(rows) == expected
    house = rules_query(DIALECTS["clickhouse"], f"file('{parquet}', Parquet)", columns, RULES)
    table = chdb_session.Session().query(
        f"SELECT rule_id, captures, capture_in_python, message FROM ({house})", "ArrowTable")
    ch_rows = list(zip(*(table.column(i).to_pylist() for i in range(4)), strict=True))
    assert _engine_hits(ch_rows) == expected
    # the rules RE2 cannot express come back as keyword candidates, flagged
    fallback = {r.id for r in RULES.rules if plan_rule(r).fallback}
    assert {row[0] for row in rows if row[2]} <= fallback


def test_cli_prints_the_bigquery_query_for_supabase_logs(cli):
    result = cli("rules", "sql", "--dialect", "bigquery", "--table", "postgres_logs",
                 "--message-column", "event_message", "--time-column", "timestamp")
    assert result.exit_code == 0, result.stderr
    query = result.stdout
    assert query.startswith("WITH events AS (") and query.rstrip().endswith(";")
    assert "FROM `postgres_logs` WHERE" in query and "`event_message`" in query
    assert "REGEXP_CONTAINS(head, '" in query and "TO_JSON_STRING(STRUCT(" in query
    # BigQuery string literals: a backslash and a quote are escaped
    assert r"'column \"(?P<column>" not in query and "\\\\" in query
    assert query.count("UNION ALL") == len(RULES.rules) - 1


def test_cli_rejects_an_unknown_dialect_in_one_line(cli):
    result = cli("rules", "sql", "--dialect", "oracle")
    assert result.exit_code == 2
    assert "--dialect: expected one of duckdb, clickhouse, bigquery" in result.stderr


def test_lint_notes_the_rules_engines_capture_in_python(tmp_path, cli):
    (tmp_path / "r.yaml").write_text("""rules:
  - id: acme.lookbehind
    title: Lookbehind
    severity: high
    category: application
    patterns: ['(?<!x)boom (?P<thing>\\w+)']
    docs: A pattern RE2 cannot run.
    examples:
      - text: 'boom now'
        captures: {thing: now}
      - text: 'xboom now'
        match: false
""")
    report = lint_paths([tmp_path])
    assert not report.errors and not report.warnings
    assert [n.key for n in report.notes] == ["patterns"]
    assert "capture in Python" in report.notes[0].message
    result = cli("rules", "lint", str(tmp_path))
    assert result.exit_code == 0 and "0 error(s), 0 warning(s), 1 note(s)" in result.stdout


def test_the_readme_shows_the_query_the_cli_prints(cli):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## When one machine is not enough")[1].split("\n## ")[0]
    shown = section.split("```sql\n")[1].split("\n```")[0]
    result = cli("rules", "sql", "--dialect", "bigquery", "--table", "postgres_logs",
                 "--message-column", "event_message", "--time-column", "timestamp",
                 "--only", "postgres.undefined_column")
    assert result.exit_code == 0 and result.stdout.rstrip("\n") == shown
