"""An engine scan: the rows the engine brings back for the Session, as Records."""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.engines.compile import ERROR_LEVELS, Prefilter, rule_codes
from analyzer.engines.connect import open_engine
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
