"""The pipeline: analyze(paths, settings) -> Report. Composes the stages; prints nothing.

Rules and schema are loaded first (an invalid rule or schema file is fatal: AnalyzerError).
Then every source streams through ingest -> matching -> incidents; a source that cannot be read
becomes a fatal Problem in the Report while the other sources are still analysed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from analyzer.catalog import Catalog, load_catalog
from analyzer.diagnose import diagnose
from analyzer.errors import InputError
from analyzer.incidents import Accumulator, sort_incidents
from analyzer.ingest import ReadOptions, expand_sources, read_source
from analyzer.mining import unclassified
from analyzer.model import Problem, Report, SourceStats
from analyzer.rulebook import RuleSet, load_rules
from analyzer.settings import Settings
from analyzer.textsafe import redact


def load_ruleset(settings: Settings) -> RuleSet:
    return load_rules(settings.rules_dirs, builtin=settings.builtin_rules,
                      timeout=settings.regex_timeout)


def redactor(settings: Settings):
    if not settings.redact:
        return lambda text: text
    return partial(redact, emails=settings.redact_emails)


def prefilter_keywords(ruleset: RuleSet) -> tuple[str, ...] | None:
    """The rules' keywords plus the error markers: records that no rule can match are still
    built when they may be unclassified errors (see analyzer.mining.unclassified)."""
    keywords = ruleset.keywords
    if keywords is None:
        return None
    return tuple(dict.fromkeys((*keywords, *unclassified.ERROR_MARKERS)))


def analyze(paths: Sequence[str], settings: Settings | None = None, *,
            ruleset: RuleSet | None = None, catalog: Catalog | None = None) -> Report:
    settings = settings or Settings()
    ruleset = ruleset or load_ruleset(settings)
    if catalog is None:
        catalog = load_catalog(settings.schemas)
    rules = {rule.id: rule for rule in ruleset.rules}
    clean = redactor(settings)
    accumulator = Accumulator(rules, max_samples=settings.max_samples, redact=clean)
    sources, bad_paths = expand_sources(list(paths))
    problems = [Problem(err.where, err.problem, fatal=True) for err in bad_paths]
    options = ReadOptions(keywords=prefilter_keywords(ruleset),
                          max_line_chars=settings.max_line_chars)
    miner = unclassified.new_miner(settings.max_samples)
    all_stats = []
    for source in sources:
        stats = SourceStats(source.name)
        all_stats.append(stats)
        try:
            for record in read_source(source, stats, input_format=settings.input_format,
                                      options=options, block_bytes=settings.block_bytes):
                match = ruleset.match(record)
                if match is not None:
                    accumulator.add(match)
                elif unclassified.is_candidate(record):
                    unclassified.add_record(miner, record, clean)
        except InputError as exc:
            problems.append(Problem(exc.where, exc.problem, fatal=True))
        if stats.unparsed:
            problems.append(Problem(source.name, f"{stats.unparsed} unparsed line(s) kept as "
                                                 "plain text"))
        if stats.truncated_lines:
            problems.append(Problem(source.name, f"{stats.truncated_lines} line(s) longer than "
                                                 f"{settings.max_line_chars} characters were cut"))
    incidents, root_causes = diagnose(accumulator.incidents(), rules, catalog)
    incidents = sort_incidents([*incidents, *unclassified.unclassified_incidents(miner, clean)])
    problems.extend(ruleset.problems)
    return Report(sources=tuple(all_stats), incidents=tuple(incidents),
                  root_causes=tuple(root_causes), problems=tuple(problems))
