"""One analysis session: the per-record route every command drives, written once.

    records -> match (rulebook) -> resolve entities (resolve) -> accumulate (incidents)
            \\-> no rule: SQL context + unclassified templates (mining)
    on demand / at the end: diagnose + root causes (diagnose) -> Report

`Session` is a plain class with no I/O of its own: drivers read the bytes and hand it Records.
`scan`, `report`, `postmortem` and `rules suggest` drive it from files (pipeline.analyze),
`watch` from a live reader (stream.Watcher); a receiver of log streams (`analyzer serve`) or an
engine source (DuckDB) plugs in the same way. The API:

    session = Session(ruleset, settings, catalog)      # catalog: None = from the logs alone
    stats = session.open_source("app.log")             # per source: its counts and SQL context
    for record in records:
        for change in session.add(record):             # Change: new / count / escalated /
            ...                                        #   merged / dropped, by incident id
    session.close_source()                             # unparsed/cut lines become problems
    session.incident(change.incident)                  # one incident now, diagnosis attached
    session.add_problem(Problem(...))                  # an input that could not be read
    report = session.report()                          # everything, diagnosed, worst first

Bulk entry, for template mining of every event (`analyzer templates`, no rules): the driver
reads `ingest.read_heads` batches (straight from the line frame, no Record per line) and hands
each to `session.mine(heads)`; `session.templates` is the miner with every template.

Records of several sources may go to one session (one `open_source` each). A session is not
thread-safe: one driver thread feeds it (a receiver queues records to that thread).
`read_options` says what the readers must build into Records for this ruleset;
`load_ruleset`, `load_schema` and `redactor` set a session up from Settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from analyzer.catalog import Catalog, load_catalog_sources
from analyzer.diagnose import diagnose
from analyzer.incidents import Accumulator, Change, sort_incidents
from analyzer.ingest import Heads, source_warnings
from analyzer.ingest.formats import ReadOptions
from analyzer.ingest.formats.base import Marker
from analyzer.mining import TemplateMiner, unclassified
from analyzer.mining.batch import Placed
from analyzer.mining.cluster import Cluster
from analyzer.model import Diagnosis, Incident, Problem, Record, Report, SourceStats, frozen_map
from analyzer.resolve import ContextWindow, LogEvidence, Resolver
from analyzer.resolve.clues import CONTEXT_KEYWORDS
from analyzer.rulebook import RuleSet, load_rules
from analyzer.settings import Settings
from analyzer.textsafe import cleaner, cleaner_gate

NO_CHANGE: tuple[Change, ...] = ()


def load_ruleset(settings: Settings) -> RuleSet:
    """The rules of the settings (raises AnalyzerError on an invalid rule file)."""
    return load_rules(settings.rules_dirs, builtin=settings.builtin_rules,
                      timeout=settings.regex_timeout)


def redactor(settings: Settings) -> Callable[[str], str]:
    """The cleaning stage's function (ingest.redaction): escapes and controls stripped,
    secrets redacted (kept with `--no-redact`)."""
    return cleaner(settings.redact, settings.redact_emails)


def load_schema(settings: Settings, problems: list[Problem]) -> Catalog | None:
    """The catalog of every --schema source. A database that cannot be reached becomes a
    non-fatal problem (the diagnosis goes on from the logs alone); so is a statement of a
    schema file that does not parse (skipped, the rest of the file read); an unreadable schema
    file raises."""
    loaded = load_catalog_sources(settings.schemas, strict=False)
    for message in loaded.unavailable:
        problems.append(Problem("--schema", f"{message}; diagnosing from the logs alone"))
    for where, why in loaded.skipped:
        problems.append(Problem(where, f"{why}; statement skipped"))
    return loaded.catalog


def read_options(ruleset: RuleSet, settings: Settings) -> ReadOptions:
    """What the readers build into records, for every driver alike: events holding a rule
    keyword, events that may be unclassified errors (the marker), and the ORM's SQL logging
    around them (context). None keywords (a rule that must see every record): all.
    Every record passes the cleaning stage (`redactor`)."""
    return ReadOptions(keywords=ruleset.keywords, max_line_chars=settings.max_line_chars,
                       context_keywords=tuple(k.lower() for k in CONTEXT_KEYWORDS),
                       marker=Marker(unclassified.ERROR_MARKER_PARTS),
                       clean=redactor(settings),
                       clean_gate=cleaner_gate(settings.redact_emails))


class Session:
    """Records in; Changes, Incidents and a Report out. `max_incidents` caps the incidents kept
    per kind (rule incidents, unclassified templates): a long-running driver's memory bound;
    later ones are `dropped` (counted in `dropped`). Without it nothing is dropped."""

    def __init__(self, ruleset: RuleSet, settings: Settings | None = None,
                 catalog: Catalog | None = None, *, max_incidents: int | None = None) -> None:
        self.settings = settings or Settings()
        self.ruleset, self.catalog = ruleset, catalog
        self.rules = {rule.id: rule for rule in ruleset.rules}
        self.redact = redactor(self.settings)
        self.max_incidents = max_incidents
        self.accumulator = Accumulator(self.rules, max_samples=self.settings.max_samples,
                                       redact=self.redact, max_incidents=max_incidents)
        self.miner = unclassified.new_miner(self.settings.max_samples)
        self.evidence = LogEvidence()
        self.resolver = Resolver(catalog, self.evidence)
        self.sources: list[SourceStats] = []
        self.problems: list[Problem] = []
        self.options = read_options(ruleset, self.settings)
        self._context: ContextWindow | None = None
        # unclassified templates announced: by serial, the cluster and the id it was announced as
        # (and its template's generation then: the id is recomputed only when that changes)
        self._clusters: dict[int, tuple[Cluster, str, int]] = {}
        self._live_clusters = 0
        self._dropped_unknown = 0
        self._settled = 0  # the miner's folds + evictions the tracked clusters account for
        self._diagnoses: dict[str, Diagnosis | None] = {}
        self.window_missed = False  # a driver's window (--since/--until) left out every record
        self.templates = TemplateMiner()  # the bulk entry's: every event's template

    # bulk: every event's template
    def mine(self, heads: Heads) -> Placed:
        """Mine a batch of events (every event, errors or not; rules play no part): where
        each went (`Placed.per_line`: the cluster each joined, in order)."""
        return self.templates.add_batch(heads.texts, ts=heads.ts)

    @property
    def dropped(self) -> int:
        return self.accumulator.dropped + self._dropped_unknown

    # sources
    def open_source(self, name: str) -> SourceStats:
        self.close_source()
        stats = SourceStats(name)
        self.sources.append(stats)
        self._context = ContextWindow(name, on_unclaimed=self.evidence.add_statement)
        return stats

    def close_source(self) -> None:
        """End the current source: its open SQL context is settled, and what a user must know
        about it (empty, blank, binary, unparsed or cut lines) becomes (non-fatal) problems."""
        if self._context is None:
            return
        self._context.close()
        self._context = None
        stats = self.sources[-1]
        for note in source_warnings(stats, self.settings.max_line_chars):
            self.add_problem(Problem(stats.source, note))
        if stats.interleaved:
            # lines of two events interleaved: kept apart, not glued (multiline.misfit)
            hint = f"; {stats.interleave_hint}" if stats.interleave_hint else ""
            self.add_problem(Problem(stats.source, f"{stats.interleaved} indented line(s) did "
                                     "not continue the event above them and were kept apart "
                                     f"(two processes' multi-line output interleaved){hint}"))

    def add_problem(self, problem: Problem) -> None:
        self.problems.append(problem)

    # records
    def add(self, record: Record) -> tuple[Change, ...]:
        """Route one record; what it changed (nothing for a record no rule or template
        claims)."""
        context = self._context or self._default_context()
        match = self.ruleset.match(record)
        if match is not None:
            return (self.accumulator.add(self.resolver.resolve(match, context)),)
        context.observe(record)
        if unclassified.is_candidate(record):
            return self._add_unclassified(record)
        return NO_CHANGE

    def _default_context(self) -> ContextWindow:
        self.open_source("-")
        assert self._context is not None
        return self._context

    def _add_unclassified(self, record: Record) -> tuple[Change, ...]:
        """An error no rule matched joins its template's cluster; a cluster not seen before is
        a new `unclassified` incident. A template that generalised (its id changes) or that
        the miner merged into another is reported as `merged` into the incident it now is;
        evicted ones are forgotten."""
        cluster = unclassified.add_record(self.miner, record, self.redact).final()
        live = self.miner.live_count
        known = self._clusters.get(cluster.serial)
        if known is not None and known[2] == cluster.generation and live >= self._live_clusters:
            self._live_clusters = live
            return (Change("count", known[1], unclassified.SEVERITY),)  # the common case
        changes: list[Change] = []
        settled = self.miner.folds + self.miner.evicted_clusters
        if (known is None or live < self._live_clusters) and settled != self._settled:
            # a merge or an eviction happened since: a pass over the tracked clusters (only
            # then: a new template alone costs no pass, so distinct errors stay linear)
            changes.extend(self._reconcile())
            self._settled = settled
            known = self._clusters.get(cluster.serial)
        self._live_clusters = live
        if known is not None:
            ident = known[1]
            if cluster.id != ident:  # the template generalised: its id changed
                changes.append(Change("merged", cluster.id, unclassified.SEVERITY,
                                      merged=(ident,)))
                ident = cluster.id
            self._clusters[cluster.serial] = (cluster, ident, cluster.generation)
            changes.append(Change("count", ident, unclassified.SEVERITY))
        elif self.max_incidents is not None and len(self._clusters) >= self.max_incidents:
            self._dropped_unknown += 1
            changes.append(Change("dropped", ""))
        else:
            self._clusters[cluster.serial] = (cluster, cluster.id, cluster.generation)
            changes.append(Change("new", cluster.id, unclassified.SEVERITY))
        return tuple(changes)

    def _reconcile(self) -> list[Change]:
        merged: dict[int, list[str]] = {}
        for serial, (cluster, ident, _) in list(self._clusters.items()):
            if cluster.merged_into is None and not cluster.evicted:
                continue
            del self._clusters[serial]
            final = cluster.final()
            if not final.evicted:
                self._clusters.setdefault(final.serial, (final, final.id, final.generation))
                merged.setdefault(final.serial, []).append(ident)
        changes = []
        for serial, ids in merged.items():
            final, ident, _ = self._clusters[serial]
            if ident != final.id:  # the survivor generalised too
                ids.append(ident)
                ident = final.id
            self._clusters[serial] = (final, ident, final.generation)
            changes.append(Change("merged", ident, unclassified.SEVERITY, merged=tuple(ids)))
        return changes

    # views
    def incident(self, ident: str) -> Incident | None:
        """One incident as it stands, with its diagnosis (computed once, on first ask)."""
        found = self.accumulator.incident(ident)
        if found is None:
            return self._unclassified(ident)
        if ident not in self._diagnoses:
            diagnosed, _ = diagnose([found], self.rules, self.catalog, self.evidence)
            self._diagnoses[ident] = diagnosed[0].diagnosis
        return replace(found, diagnosis=self._diagnoses[ident])

    def _unclassified(self, ident: str) -> Incident | None:
        for cluster, known, _ in self._clusters.values():
            if known == ident:
                return unclassified.cluster_incident(cluster, self.redact)
        return None

    def live_incidents(self) -> list[Incident]:
        """Every incident kept now (rule incidents diagnosed as in `incident`), unsorted."""
        found = [self.incident(i.id) for i in self.accumulator.incidents()]
        found += [unclassified.cluster_incident(c, self.redact)
                  for c, _, _ in self._clusters.values()
                  if c.merged_into is None and not c.evicted]
        return [i for i in found if i is not None]

    def report(self) -> Report:
        """Every incident diagnosed, with root causes and timelines, worst first."""
        self.close_source()
        incidents, causes = diagnose(self.accumulator.incidents(), self.rules, self.catalog,
                                     self.evidence)
        everything = sort_incidents(
            [*incidents, *unclassified.unclassified_incidents(self.miner, self.redact)])
        timelines = self.accumulator.timelines()
        overflowed = unclassified.overflow_problem(self.miner)
        overflow = (Problem("unclassified", overflowed),) if overflowed else ()
        return Report(sources=tuple(self.sources), incidents=tuple(everything),
                      root_causes=tuple(causes),
                      problems=(*self.problems, *self.ruleset.problems, *overflow),
                      window_missed=self.window_missed,
                      timelines=frozen_map({i.id: frozen_map(timelines.get(i.id))
                                            for i in everything}))
