"""Engines: the rule pack run where the logs already live (DuckDB, ClickHouse, BigQuery).

`compile` turns a RuleSet into SQL per dialect (`rules sql`, and the candidate query of an
engine scan); `connect` opens an engine source named by a URL; `reader` streams the candidate
rows back as Records for the Session. Only this package imports the optional engine drivers
(duckdb, chdb, clickhouse-connect, pyarrow), each on first use.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.engines.compile import (
    ERROR_LEVELS,
    Columns,
    Prefilter,
    RulePlan,
    candidate_query,
    dialect,
    plan_rule,
    rule_codes,
    rules_query,
)
from analyzer.engines.connect import SCHEMES, is_engine_url, open_engine
from analyzer.engines.dialects import DIALECTS
from analyzer.engines.reader import Transfer, read_engine
from analyzer.ingest.formats import ReadOptions
from analyzer.model import Record, SourceStats
from analyzer.rulebook import RuleSet
from analyzer.rulebook.re2 import Untranslatable, to_re2


def scan_prefilter(ruleset: RuleSet, options: ReadOptions) -> Prefilter:
    """The rows an engine scan brings back: those the file readers would build into records
    (rule keywords and codes, the error marker, the ORM context lines), and rows of an error
    level. Every rule runs again in Python on them, so finding more is harmless."""
    if options.keywords is None:
        return Prefilter(None)
    literals = dict.fromkeys((*options.keywords, *options.context_keywords))
    patterns: tuple[str, ...] = ()
    if options.marker is not None:
        try:
            patterns = (to_re2(options.marker.pattern).bare(),)
        except Untranslatable:  # the marker's literals then: more rows, none missed
            for literal_set, _ in options.marker.alternatives:
                literals.update(dict.fromkeys(k.lower() for k in literal_set))
    return Prefilter(tuple(literals), rule_codes(ruleset), ERROR_LEVELS, patterns)


def engine_records(url: str, ruleset: RuleSet, options: ReadOptions, stats: SourceStats,
                   transfer: Transfer | None = None) -> Iterator[Record]:
    """Open the engine a URL names, stream its candidate rows as Records, close it."""
    engine = open_engine(url)
    try:
        yield from read_engine(engine, scan_prefilter(ruleset, options), stats,
                               max_line_chars=options.max_line_chars, transfer=transfer)
    finally:
        engine.close()


__all__ = ["DIALECTS", "SCHEMES", "Columns", "Prefilter", "RulePlan", "Transfer",
           "candidate_query", "dialect", "engine_records", "is_engine_url", "open_engine",
           "plan_rule", "read_engine", "rules_query", "scan_prefilter"]
