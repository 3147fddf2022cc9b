"""Streaming analysis for `analyzer watch`: a live reader feeds one Session, continuously.

The Watcher reads records from ingest.live (stdin or a followed file, in bursts of whole
lines, parsed one block ahead on a thread: ingest.readahead), hands each to the same Session
as `scan`, and turns the Session's Changes into WatchEvents (a new incident, one that got
worse) and live rows (count, rate, trend). It never recomputes an incident id: the Session
says which incident each record changed. Memory is bounded: per incident a 30-minute trend
and a 60-second rate window, and at most MAX_INCIDENTS incidents per kind (later ones are
counted, not kept).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.catalog import Catalog
from analyzer.errors import InputError
from analyzer.incidents import Change
from analyzer.ingest.live import LiveInput
from analyzer.ingest.readahead import ReadAhead
from analyzer.model import Incident, Problem, Record, Report, severity_rank
from analyzer.rulebook import RuleSet
from analyzer.session import Session
from analyzer.settings import Settings

SECOND = 1_000_000_000
MINUTE = 60 * SECOND
TREND_MINUTES = 30
MAX_INCIDENTS = 2_000

__all__ = ["LiveInput", "LiveRow", "WatchEvent", "Watcher"]


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """Announced the moment it happens: a new incident, or one whose severity got worse."""

    kind: str  # "new" | "escalated"
    incident: Incident
    previous: str | None = None  # the severity before an escalation


@dataclass(frozen=True, slots=True)
class LiveRow:
    incident: Incident  # severity = the worst seen; diagnosis attached when there is one
    rate: int  # in the last 60 seconds
    trend: tuple[int, ...]  # per minute, the last TREND_MINUTES, oldest first
    last_active: int


@dataclass(slots=True)
class _Trend:
    severity: str
    seconds: dict[int, int] = field(default_factory=dict)
    minutes: dict[int, int] = field(default_factory=dict)
    last_active: int = 0

    def absorb(self, other: _Trend) -> None:
        for second, count in other.seconds.items():
            self.seconds[second] = self.seconds.get(second, 0) + count
        for minute, count in other.minutes.items():
            self.minutes[minute] = self.minutes.get(minute, 0) + count
        self.last_active = max(self.last_active, other.last_active)

    def add(self, at: int) -> None:
        second, minute = at // SECOND, at // MINUTE
        self.seconds[second] = self.seconds.get(second, 0) + 1
        self.minutes[minute] = self.minutes.get(minute, 0) + 1
        self.last_active = max(self.last_active, at)
        if len(self.seconds) > 70:
            newest = max(self.seconds)
            self.seconds = {s: c for s, c in self.seconds.items() if s > newest - 60}
        if len(self.minutes) > TREND_MINUTES + 5:
            newest = max(self.minutes)
            self.minutes = {m: c for m, c in self.minutes.items()
                            if m > newest - TREND_MINUTES}


@dataclass(slots=True)
class WatchStats:
    source: str
    started: float = field(default_factory=time.monotonic)
    matches: int = 0
    dropped: int = 0  # matches of incidents beyond MAX_INCIDENTS
    ended: bool = False


class Watcher:
    """Records in, incidents and WatchEvents out; the clock is the log's own time when lines
    carry timestamps (advancing with the wall clock between lines), else the wall clock."""

    def __init__(self, ruleset: RuleSet, settings: Settings, catalog: Catalog | None = None,
                 *, idle: float = 0.25, max_incidents: int = MAX_INCIDENTS) -> None:
        self.session = Session(ruleset, settings, catalog, max_incidents=max_incidents)
        self.idle = idle
        self.trends: dict[str, _Trend] = {}
        self.events: list[WatchEvent] = []
        self.stats = WatchStats("-")
        self._clock = (0, 0)  # (latest event time, wall clock when it was seen)

    # the clock
    def now(self) -> int:
        latest, wall = self._clock
        if latest == 0:
            return time.time_ns()
        return latest + (time.time_ns() - wall)

    def _tick_clock(self, record: Record) -> int:
        wall = time.time_ns()
        at = record.ts if record.ts is not None else wall
        if at >= self._clock[0]:
            self._clock = (at, wall)
        return at

    # records
    def add_record(self, record: Record) -> None:
        for change in self.session.add(record):
            self._apply(change, record)

    def _apply(self, change: Change, record: Record) -> None:
        if change.kind == "dropped":
            self.stats.dropped += 1
            return
        if change.kind == "merged":
            into = self.trends.setdefault(change.incident, _Trend(change.severity))
            for gone in change.merged:
                if gone in self.trends and gone != change.incident:
                    into.absorb(self.trends.pop(gone))
            return
        self.stats.matches += 1
        at = self._tick_clock(record)
        trend = self.trends.get(change.incident)
        if trend is None:
            trend = self.trends[change.incident] = _Trend(change.severity)
        trend.add(at)
        if change.kind in ("new", "escalated"):
            trend.severity = change.severity
            incident = self.session.incident(change.incident)
            if incident is not None:
                self.events.append(WatchEvent(change.kind, incident, change.previous))

    # views
    def take_events(self) -> list[WatchEvent]:
        events, self.events = self.events, []
        return events

    def rows(self) -> list[LiveRow]:
        """Incidents worst first, then the most recently active."""
        now = self.now()
        rows = [self._row(incident, self.trends[incident.id], now)
                for incident in self.session.live_incidents() if incident.id in self.trends]
        return sorted(rows, key=lambda r: (severity_rank(r.incident.severity),
                                           -r.last_active, r.incident.id))

    @staticmethod
    def _row(incident: Incident, trend: _Trend, now: int) -> LiveRow:
        rate = sum(c for s, c in trend.seconds.items() if s > now // SECOND - 60)
        newest = now // MINUTE
        spark = tuple(trend.minutes.get(m, 0)
                      for m in range(newest - TREND_MINUTES + 1, newest + 1))
        return LiveRow(incident, rate, spark, trend.last_active)

    def report(self) -> Report:
        """The final summary, as `scan` would report it."""
        return self.session.report()

    # the loop
    def run(self, live: LiveInput, on_tick: Callable[[list[WatchEvent]], None],
            input_format: str | None = None, tick: float = 0.25) -> None:
        """Read live input until it ends (or KeyboardInterrupt); on_tick gets new events at
        least every `tick` seconds and right after each burst."""
        stats = self.session.open_source(live.name)
        self.stats.source = live.name
        add, apply = self.session.add, self._apply
        try:
            for batch in ReadAhead(live, stats, input_format=input_format,
                                   options=self.session.options, idle=self.idle, tick=tick):
                if not isinstance(batch, list):  # TICK: a burst ended, or a tick passed
                    on_tick(self.take_events())
                    continue
                for record in batch:
                    changes = add(record)  # most records change nothing: no loop for them
                    if changes:
                        for change in changes:
                            apply(change, record)
        except InputError as exc:  # corrupt input: what came before it still counts
            stats.failed = True
            self.session.add_problem(Problem(exc.where, exc.problem, fatal=True))
        self.stats.ended = True
        on_tick(self.take_events())
