"""The pipeline: analyze(paths, settings) -> Report. Composes the stages; prints nothing.

Rules and schema are loaded first (an invalid rule or schema file is fatal: AnalyzerError).
Then every source streams through ingest -> matching -> incidents; a source that cannot be read
becomes a fatal Problem in the Report while the other sources are still analysed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from analyzer.catalog import Catalog, load_catalog_sources
from analyzer.diagnose import ContextWindow, LogEvidence, Resolver, diagnose
from analyzer.diagnose.clues import CONTEXT_KEYWORDS
from analyzer.errors import InputError
from analyzer.incidents import Accumulator
from analyzer.ingest import ReadOptions, expand_sources, read_source
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


def load_schema(settings: Settings, problems: list[Problem]) -> Catalog | None:
    """The catalog of every --schema source. A database that cannot be reached becomes a
    non-fatal problem (the diagnosis goes on from the logs alone); a bad schema file raises."""
    loaded = load_catalog_sources(settings.schemas)
    for message in loaded.unavailable:
        problems.append(Problem("--schema", f"{message}; diagnosing from the logs alone"))
    return loaded.catalog


def prefilter_keywords(ruleset: RuleSet) -> tuple[str, ...] | None:
    """The rules' keywords plus the lines that carry context (ORM SQL logging), so the window
    sees the statement an error came from."""
    keywords = ruleset.keywords
    if keywords is None:
        return None
    return tuple(dict.fromkeys((*keywords, *(k.lower() for k in CONTEXT_KEYWORDS))))


def analyze(paths: Sequence[str], settings: Settings | None = None, *,
            ruleset: RuleSet | None = None, catalog: Catalog | None = None) -> Report:
    settings = settings or Settings()
    ruleset = ruleset or load_ruleset(settings)
    problems: list[Problem] = []
    if catalog is None:
        catalog = load_schema(settings, problems)
    rules = {rule.id: rule for rule in ruleset.rules}
    accumulator = Accumulator(rules, max_samples=settings.max_samples,
                              redact=redactor(settings))
    evidence = LogEvidence()
    resolver = Resolver(catalog, evidence)
    sources, bad_paths = expand_sources(list(paths))
    problems.extend(Problem(err.where, err.problem, fatal=True) for err in bad_paths)
    options = ReadOptions(keywords=prefilter_keywords(ruleset),
                          max_line_chars=settings.max_line_chars)
    all_stats = []
    for source in sources:
        stats = SourceStats(source.name)
        all_stats.append(stats)
        window = ContextWindow(source.name, on_unclaimed=evidence.add_statement)
        try:
            for record in read_source(source, stats, input_format=settings.input_format,
                                      options=options, block_bytes=settings.block_bytes):
                match = ruleset.match(record)
                if match is None:
                    window.observe(record)
                else:
                    accumulator.add(resolver.resolve(match, window))
        except InputError as exc:
            problems.append(Problem(exc.where, exc.problem, fatal=True))
        window.close()
        if stats.unparsed:
            problems.append(Problem(source.name, f"{stats.unparsed} unparsed line(s) kept as "
                                                 "plain text"))
        if stats.truncated_lines:
            problems.append(Problem(source.name, f"{stats.truncated_lines} line(s) longer than "
                                                 f"{settings.max_line_chars} characters were cut"))
    incidents, root_causes = diagnose(accumulator.incidents(), rules, catalog, evidence)
    problems.extend(ruleset.problems)
    return Report(sources=tuple(all_stats), incidents=tuple(incidents),
                  root_causes=tuple(root_causes), problems=tuple(problems))
