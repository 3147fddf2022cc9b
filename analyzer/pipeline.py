"""The pipeline: analyze(paths, settings) -> Report. Composes the stages; prints nothing.
mine_templates(paths, settings) -> TemplateRun: the templates of any log (`analyzer templates`).

Rules and schema are loaded first (an invalid rule or schema file is fatal: AnalyzerError).
Then every source streams through ingest -> matching -> incidents; a source that cannot be read
becomes a fatal Problem in the Report while the other sources are still analysed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from analyzer.catalog import Catalog, load_catalog
from analyzer.diagnose import diagnose
from analyzer.errors import InputError
from analyzer.incidents import Accumulator, sort_incidents
from analyzer.ingest import ReadOptions, expand_sources, read_source
from analyzer.mining import Cluster, TemplateMiner, head_line, unclassified
from analyzer.model import Problem, Record, Report, SourceStats
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


@dataclass(slots=True)
class TemplateRun:
    """What `mine_templates` found: the miner (its clusters), the per-source counts, the
    problems, and with `per_line` the cluster of every record as (source, lineno, cluster)."""

    miner: TemplateMiner
    sources: list[SourceStats] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    assignments: list[tuple[str, int, Cluster]] = field(default_factory=list)


MINE_BATCH = 50_000  # records masked at once (vectorized)


def mine_templates(paths: Sequence[str], settings: Settings | None = None, *,
                   per_line: bool = False) -> TemplateRun:
    """Mine the templates of every record of the inputs (errors or not); no rules involved."""
    settings = settings or Settings()
    run = TemplateRun(TemplateMiner())
    sources, bad_paths = expand_sources(list(paths))
    run.problems.extend(Problem(err.where, err.problem, fatal=True) for err in bad_paths)
    options = ReadOptions(keywords=None, max_line_chars=settings.max_line_chars)
    for source in sources:
        stats = SourceStats(source.name)
        run.sources.append(stats)
        batch: list[Record] = []
        try:
            for record in read_source(source, stats, input_format=settings.input_format,
                                      options=options, block_bytes=settings.block_bytes):
                batch.append(record)
                if len(batch) >= MINE_BATCH:
                    _mine_batch(run, batch, per_line)
                    batch = []
        except InputError as exc:
            run.problems.append(Problem(exc.where, exc.problem, fatal=True))
        _mine_batch(run, batch, per_line)
    return run


def _mine_batch(run: TemplateRun, records: list[Record], per_line: bool) -> None:
    if not records:
        return
    clusters = run.miner.add_many([head_line(r.message) for r in records],
                                  ts=[r.ts for r in records])
    if per_line:
        run.assignments.extend((r.source, r.lineno, c) for r, c in zip(records, clusters,
                                                                      strict=True))
