"""The pipeline: analyze(paths, settings) -> Report. Composes the stages; prints nothing.

Rules and schema are loaded first (an invalid rule or schema file is fatal: AnalyzerError).
Then every source streams through ingest -> matching -> incidents; a source that cannot be read
becomes a fatal Problem in the Report while the other sources are still analysed. A large
file is read by worker processes (`settings.jobs`, ingest.split); the Session gets the same
records in the same order either way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from analyzer.catalog import Catalog
from analyzer.engines.connect import is_engine_url
from analyzer.errors import InputError, UsageError
from analyzer.ingest import (
    ReadOptions,
    Split,
    expand_sources,
    read_heads,
    read_source,
    source_warnings,
)
from analyzer.ingest.sources import is_compressed_file
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.mining import TemplateMiner
from analyzer.mining.cluster import Assignment
from analyzer.mining.summary import overflow_note
from analyzer.model import Problem, Record, Report, SourceStats
from analyzer.rulebook import RuleSet
from analyzer.session import Session, load_ruleset, load_schema, read_options, redactor
from analyzer.settings import Settings
from analyzer.textsafe import cleaner_gate

if TYPE_CHECKING:  # the engines' compiler and readers, the state store: imported where used
    from analyzer.engines import Transfer
    from analyzer.store import RunResult

__all__ = [
    "Session",
    "analysis_session",
    "analyze",
    "load_ruleset",
    "load_schema",
    "parse_when",
    "read_engine_source",
    "read_options",
    "redactor",
    "scheduled_report",
]


Window = tuple[int | None, int | None]  # [start, end) in ns; None = unbounded


class Progress(Protocol):
    """Told how far a scan is: one source at a time, in bytes read."""

    def start(self, source: str, total_bytes: int | None) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def finish(self) -> None: ...


_DURATION_RE = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.I)
_UNIT_NS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}


def parse_when(text: str, now_ns: int, option: str = "--since") -> int:
    """A point in time: a duration back from now (`24h`, `1h30m`, `7d`, `2w`) or an RFC3339
    timestamp / date (`2025-11-13T06:00:00Z`, `2025-11-13`). Raises UsageError."""
    value = text.strip()
    if re.fullmatch(r"(?:\d+\s*[wdhms]\s*)+", value, re.I):
        seconds = sum(int(n) * _UNIT_NS[u.lower()] for n, u in _DURATION_RE.findall(value))
        return now_ns - seconds * 1_000_000_000
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        value += "T00:00:00Z"
    ns = parse_iso_ns(value)
    if ns is None:
        raise UsageError(f"{option}: expected a duration (24h, 90m, 7d) or an RFC3339 time "
                         f"(2025-11-13T06:00:00Z), got {text!r}")
    return ns


def in_window(record: Record, window: Window) -> bool:
    """Records without a timestamp cannot be placed, so every window keeps them."""
    if record.ts is None:
        return True
    start, end = window
    return (start is None or record.ts >= start) and (end is None or record.ts < end)


@dataclass(slots=True)
class OutsideWindow:
    """How many records the window left out, and their span (for an honest warning)."""

    seen: int = 0
    count: int = 0
    first: int | None = None
    last: int | None = None

    @property
    def missed_all(self) -> bool:
        return bool(self.count) and self.count == self.seen

    def keeps(self, record: Record, window: Window) -> bool:
        self.seen += 1
        if in_window(record, window):
            return True
        self.count += 1
        ts = record.ts
        if ts is not None:
            self.first = ts if self.first is None else min(self.first, ts)
            self.last = ts if self.last is None else max(self.last, ts)
        return False

    def note(self, window: Window | None) -> str:
        start, end = window or (None, None)
        asked = f"{_when(start) or 'the start'} .. {_when(end) or 'now'}"
        return (f"all {self.count} record(s) that could hold an incident are outside the "
                f"window ({asked}); they span {_when(self.first)} .. {_when(self.last)}")


def _when(ns: int | None) -> str | None:
    if ns is None:
        return None
    return datetime.fromtimestamp(ns / 1e9, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _source_size(name: str) -> int | None:
    """Bytes to read, for progress; unknown for stdin and compressed files (read decompressed)."""
    if name == "-" or not os.path.isfile(name) or is_compressed_file(name):
        return None
    return os.path.getsize(name)


def analyze(paths: Sequence[str], settings: Settings | None = None, *,
            ruleset: RuleSet | None = None, catalog: Catalog | None = None,
            window: Window | None = None, progress: Progress | None = None) -> Report:
    return analysis_session(paths, settings, ruleset=ruleset, catalog=catalog, window=window,
                            progress=progress).report()


def analysis_session(paths: Sequence[str], settings: Settings | None = None, *,
                     ruleset: RuleSet | None = None, catalog: Catalog | None = None,
                     window: Window | None = None,
                     progress: Progress | None = None) -> Session:
    """The session after every input went through it: files (and globs, stdin) first, then
    engine sources (`parquet:logs/*.parquet`, `duckdb:///x.duckdb?table=logs`, ...)."""
    settings = settings or Settings()
    ruleset = ruleset or load_ruleset(settings)
    problems: list[Problem] = []
    if catalog is None:
        catalog = load_schema(settings, problems)
    session = Session(ruleset, settings, catalog)
    engines = [p for p in paths if is_engine_url(p)]
    files = [p for p in paths if not is_engine_url(p)]
    sources, bad_paths = expand_sources(files) if files or not engines else ([], [])
    outside = OutsideWindow()
    split = Split(settings.jobs or 0, settings.split_min_bytes, settings.redact,
                  settings.redact_emails)
    for problem in problems:
        session.add_problem(problem)
    for err in bad_paths:
        session.add_problem(Problem(err.where, err.problem, fatal=err.fatal))
    for source in sources:
        stats = session.open_source(source.name)
        on_block: Callable[[int], None] | None = None
        if progress is not None:
            progress.start(source.name, _source_size(source.name))
            on_block = progress.advance
        try:
            for record in read_source(source, stats, input_format=settings.input_format,
                                      options=session.options, block_bytes=settings.block_bytes,
                                      on_block=on_block, split=split):
                if window is None or outside.keeps(record, window):
                    session.add(record)
        except InputError as exc:
            session.add_problem(Problem(exc.where, exc.problem, fatal=True))
            stats.failed = True
        finally:
            if progress is not None:
                progress.finish()
        session.close_source()
    for url in engines:
        read_engine_source(session, url, window, outside=outside)
    if outside.missed_all:
        session.add_problem(Problem("--since/--until", outside.note(window)))
        session.window_missed = True
    return session


def read_engine_source(session: Session, url: str, window: Window | None = None,
                       transfer: Transfer | None = None,
                       outside: OutsideWindow | None = None) -> None:
    """One engine source through the session: the engine prefilters, the session does the
    rest (a failure is a fatal problem of that source; the other sources still count)."""
    from analyzer.engines import engine_records

    outside = outside or OutsideWindow()
    stats = session.open_source(redactor(session.settings)(url))
    try:
        for record in engine_records(url, session.ruleset, session.options, stats, transfer):
            if window is None or outside.keeps(record, window):
                session.add(record)
    except InputError as exc:
        session.add_problem(Problem(exc.where, exc.problem, fatal=True))
        stats.failed = True
    session.close_source()


def scheduled_report(paths: Sequence[str], settings: Settings, *, state: str,
                     window: Window = (None, None), progress: Progress | None = None,
                     dry_run: bool = False) -> tuple[Report, RunResult]:
    """`analyzer report`: analyse the window and record it in the state, which answers with
    each incident's status. The state is opened (and checked) before the logs are read; a run
    whose input could not all be read, or a dry run, classifies without recording."""
    from analyzer.store import StateStore

    names = list(paths) or ["-"]
    if dry_run and not os.path.exists(state):
        state = ":memory:"  # a dry run creates no state file: everything is NEW
    with StateStore(state) as store:
        run_id = None if dry_run else store.begin_run(names, window)
        report = analyze(names, settings, window=window, progress=progress)
        if run_id is None or any(p.fatal for p in report.problems):
            if run_id is not None:
                report = _with_problem(report, state, "input not all read: this run is not "
                                       "recorded and resolves nothing")
            return report, store.preview(names, window, report)
        resolve = report.records > 0
        if not resolve:
            report = _with_problem(report, state, "nothing was read: open incidents are kept "
                                   "open, not marked resolved")
        result = store.finish_run(run_id, report, resolve=resolve)
        if result.replaced is not None:
            report = _with_problem(report, state, f"this window and input were already "
                                   f"recorded (run {result.replaced}): its counts are replaced, "
                                   "not added to")
        return report, result


def _with_problem(report: Report, where: str, message: str) -> Report:
    return replace(report, problems=(*report.problems, Problem(where, message)))


@dataclass(slots=True)
class TemplateRun:
    """What `mine_templates` found: the miner (its clusters), the per-source counts, the
    problems, and with `per_line` the cluster of every record (an Assignment)."""

    miner: TemplateMiner
    sources: list[SourceStats] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)


def mine_templates(paths: Sequence[str], settings: Settings | None = None, *,
                   per_line: bool = False) -> TemplateRun:
    """Mine the templates of every event of the inputs (errors or not); no rules involved.
    The Session's bulk entry, fed from the line frame (ingest.read_heads)."""
    settings = settings or Settings()
    session = Session(RuleSet(()), settings)
    sources, bad_paths = expand_sources(list(paths))
    run = TemplateRun(session.templates)
    run.problems.extend(Problem(err.where, err.problem, fatal=err.fatal) for err in bad_paths)
    options = ReadOptions(keywords=None, max_line_chars=settings.max_line_chars,
                          clean=redactor(settings),
                          clean_gate=cleaner_gate(settings.redact_emails))
    for source in sources:
        # counts only: no SQL context, and unparsed lines are no problem to a template miner
        stats = SourceStats(source.name)
        run.sources.append(stats)
        try:
            for heads in read_heads(source, stats, input_format=settings.input_format,
                                    options=options, block_bytes=settings.block_bytes):
                placed = session.mine(heads)
                if per_line:
                    run.assignments.extend(Assignment(source.name, lineno, cluster) for
                                           lineno, cluster in zip(heads.linenos,
                                                                  placed.per_line(),
                                                                  strict=True))
        except InputError as exc:
            run.problems.append(Problem(exc.where, exc.problem, fatal=True))
            stats.failed = True
        run.problems.extend(Problem(source.name, note)
                            for note in source_warnings(stats, settings.max_line_chars))
    overflowed = overflow_note(run.miner)
    if overflowed:
        run.problems.append(Problem("templates", overflowed))
    return run
