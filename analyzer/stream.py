"""Streaming analysis for `analyzer watch`: live bytes -> Records -> incidents, continuously.

LiveInput reads stdin or a followed file (surviving rotation and truncation) on a thread into
a bounded queue. Watcher cuts that input into bursts of whole lines and runs them through the
same formats, rules and Accumulator as `scan`; a burst ends when the input goes quiet, so the
format closes its last open multi-line event and a lone error line is seen within a fraction of
a second. Memory is bounded: per incident a 30-minute trend and a 60-second rate window, and at
most MAX_INCIDENTS incidents (later ones are counted, not kept).
"""

from __future__ import annotations

import itertools
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from analyzer.catalog import Catalog
from analyzer.diagnose import ContextWindow, LogEvidence, Resolver, diagnose
from analyzer.diagnose.clues import CONTEXT_KEYWORDS
from analyzer.errors import InputError
from analyzer.incidents import (
    Accumulator,
    entities_of,
    fingerprint,
    incident_id,
    sort_incidents,
)
from analyzer.ingest import get_format
from analyzer.ingest.detect import SNIFF_LINES, detect_format, head_lines
from analyzer.ingest.formats import Format, ReadOptions
from analyzer.ingest.formats.base import Marker
from analyzer.mining import unclassified
from analyzer.mining.cluster import Cluster
from analyzer.model import (
    Diagnosis,
    Incident,
    Match,
    Record,
    Report,
    SourceStats,
    frozen_map,
    severity_rank,
)
from analyzer.rulebook import RuleSet
from analyzer.settings import Settings

SECOND = 1_000_000_000
MINUTE = 60 * SECOND
TREND_MINUTES = 30
MAX_INCIDENTS = 2_000
CHUNK_BYTES = 1 << 20
MAX_BLOCK_BYTES = 8 << 20  # queued chunks are joined up to this, for vectorized parsing
MAX_PARTIAL_BYTES = 4 << 20  # a "line" longer than this without a newline is cut
_EOF = object()


# --- live input ---------------------------------------------------------------------------
class LiveInput:
    """Raw byte chunks from a thread: get(timeout) -> bytes, None when idle, or _EOF."""

    def __init__(self, name: str, reader: Callable[[LiveInput], None]) -> None:
        self.name = name
        self._queue: queue.Queue[object] = queue.Queue(maxsize=32)  # backpressure
        self._reader = reader
        self.stopped = threading.Event()

    @classmethod
    def stdin(cls, fd: int | None = None) -> LiveInput:
        descriptor = sys.stdin.fileno() if fd is None else fd
        return cls("-", lambda live: live._read_fd(descriptor))

    @classmethod
    def follow(cls, path: str, poll: float = 0.2) -> LiveInput:
        return cls(path, lambda live: live._follow(path, poll))

    def start(self) -> LiveInput:
        threading.Thread(target=self._run, name=f"watch-{self.name}", daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    def get(self, timeout: float) -> object:
        try:
            item = (self._queue.get(timeout=timeout) if timeout > 0
                    else self._queue.get_nowait())
        except queue.Empty:
            return None
        if isinstance(item, InputError):
            raise item
        return item

    def _put(self, item: object) -> None:
        while not self.stopped.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        try:
            self._reader(self)
        except OSError as exc:
            self._put(InputError(self.name, f"read failed: {exc.strerror or exc}"))
        self._put(_EOF)

    def _read_fd(self, fd: int) -> None:
        while not self.stopped.is_set():
            data = os.read(fd, CHUNK_BYTES)
            if not data:
                return
            self._put(data)

    def _follow(self, path: str, poll: float) -> None:
        """`tail -F`: read to the end, then poll; a new file at the path (rotation) is read
        from its start once the old one is drained, a shrunk file (truncation) from 0."""
        handle = None
        identity: tuple[int, int] | None = None
        while not self.stopped.is_set():
            if handle is None:
                try:
                    handle = open(path, "rb")  # noqa: SIM115 - kept open across polls
                except FileNotFoundError:
                    time.sleep(poll)
                    continue
                except OSError as exc:
                    raise InputError(path, f"cannot open: {exc.strerror}") from None
                stat = os.fstat(handle.fileno())
                identity = (stat.st_dev, stat.st_ino)
            data = handle.read(CHUNK_BYTES)
            if data:
                self._put(data)
                continue
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            if current is None or (current.st_dev, current.st_ino) != identity:
                if current is not None:
                    handle.close()
                    handle = None
                    continue  # rotated: the old file is drained, read the new one
            elif current.st_size < handle.tell():
                handle.seek(0)  # truncated in place (copytruncate)
                self._put(b"\n")  # end any partial line from before the cut
                continue
            time.sleep(poll)
        if handle is not None:
            handle.close()


# --- the streaming analysis ---------------------------------------------------------------
def read_options(ruleset: RuleSet, settings: Settings) -> ReadOptions:
    """What the readers build into records, for `scan` and `watch` alike: events holding a
    rule keyword, events that may be unclassified errors (the marker), and the ORM's SQL
    logging around them (context). None keywords (a rule that must see every record): all."""
    return ReadOptions(keywords=ruleset.keywords, max_line_chars=settings.max_line_chars,
                       context_keywords=tuple(k.lower() for k in CONTEXT_KEYWORDS),
                       marker=Marker(unclassified.ERROR_MARKER_PARTS))


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
                 *, redact: Callable[[str], str] = lambda text: text,
                 idle: float = 0.25, max_incidents: int = MAX_INCIDENTS) -> None:
        self.ruleset, self.settings, self.catalog = ruleset, settings, catalog
        self.rules = {rule.id: rule for rule in ruleset.rules}
        self.accumulator = Accumulator(self.rules, max_samples=settings.max_samples,
                                       redact=redact)
        # entity resolution as in `scan`, so live incidents get the same ids and diagnoses
        self.evidence = LogEvidence()
        self.resolver = Resolver(catalog, self.evidence)
        self.context = ContextWindow("-", on_unclaimed=self.evidence.add_statement)
        self.idle, self.max_incidents = idle, max_incidents
        self.trends: dict[str, _Trend] = {}
        # errors no rule knows, mined into templates as in `scan`; their trends by cluster
        self.redact = redact
        self.miner = unclassified.new_miner(settings.max_samples)
        self.unknown: dict[int, tuple[Cluster, _Trend]] = {}
        self._live_clusters = 0
        self.diagnoses: dict[str, Diagnosis | None] = {}
        self.events: list[WatchEvent] = []
        self.sources: list[SourceStats] = []
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
        match = self.ruleset.match(record)
        if match is None:
            self.context.observe(record)
            if unclassified.is_candidate(record):
                self.add_unclassified(record)
        else:
            self.add_match(self.resolver.resolve(match, self.context))

    def add_unclassified(self, record: Record) -> None:
        """An error no rule matched joins its template's cluster; a new cluster is a new
        `unclassified` incident, announced like any other. Clusters the miner merged (a
        template that generalised) hand their trend to the one they joined."""
        cluster = unclassified.add_record(self.miner, record, self.redact).final()
        at = self._tick_clock(record)
        # a merge or an eviction happened: fewer live clusters, or a cluster not seen before
        if cluster.serial not in self.unknown or self.miner.live_count < self._live_clusters:
            self._reconcile()
        self._live_clusters = self.miner.live_count
        known = self.unknown.get(cluster.serial)
        if known is None:
            if len(self.unknown) >= self.max_incidents:
                self.stats.dropped += 1
                return
            known = self.unknown[cluster.serial] = (cluster, _Trend(unclassified.SEVERITY))
            self.events.append(WatchEvent("new", self._unclassified_incident(cluster)))
        self.stats.matches += 1
        known[1].add(at)

    def _reconcile(self) -> None:
        """Tracked clusters the miner merged pass their trend on; evicted ones are dropped."""
        for serial, (cluster, trend) in list(self.unknown.items()):
            if cluster.merged_into is None and not cluster.evicted:
                continue
            del self.unknown[serial]
            final = cluster.final()
            if final.evicted:
                continue
            into = self.unknown.setdefault(final.serial, (final, _Trend(unclassified.SEVERITY)))
            into[1].absorb(trend)

    def _unclassified_incident(self, cluster: Cluster) -> Incident:
        return unclassified.cluster_incident(cluster, self.redact)

    def add_match(self, match: Match) -> None:
        rule = self.rules[match.rule_id]
        ident = incident_id(fingerprint(rule, entities_of(rule, match.captures)))
        trend = self.trends.get(ident)
        if trend is None and len(self.trends) >= self.max_incidents:
            self.stats.dropped += 1
            return
        self.accumulator.add(match)
        self.stats.matches += 1
        at = self._tick_clock(match.record)
        if trend is None:
            trend = self.trends[ident] = _Trend(rule.severity)
            trend.add(at)
            self.events.append(WatchEvent("new", self._incident(ident)))
            return
        trend.add(at)
        if severity_rank(rule.severity) < severity_rank(trend.severity):
            previous, trend.severity = trend.severity, rule.severity
            self.events.append(WatchEvent("escalated", self._incident(ident), previous))

    def _incident(self, ident: str) -> Incident:
        found = next(i for i in self.accumulator.incidents() if i.id == ident)
        return self._decorate(found)

    def _decorate(self, incident: Incident) -> Incident:
        """The worst severity seen, and the diagnosis (computed once per incident)."""
        if incident.id not in self.diagnoses:
            diagnosed, _ = diagnose([incident], self.rules, self.catalog, self.evidence)
            self.diagnoses[incident.id] = diagnosed[0].diagnosis
        trend = self.trends.get(incident.id)
        severity = trend.severity if trend else incident.severity
        return replace(incident, severity=severity, diagnosis=self.diagnoses[incident.id])

    # views
    def take_events(self) -> list[WatchEvent]:
        events, self.events = self.events, []
        return events

    def rows(self) -> list[LiveRow]:
        """Incidents worst first, then the most recently active."""
        now = self.now()
        rows = [self._row(self._decorate(incident), self.trends[incident.id], now)
                for incident in self.accumulator.incidents()]
        rows += [self._row(self._unclassified_incident(cluster), trend, now)
                 for cluster, trend in self.unknown.values()
                 if cluster.merged_into is None and not cluster.evicted]
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
        incidents = [self._decorate(i) for i in self.accumulator.incidents()]
        diagnosed, causes = diagnose(incidents, self.rules, self.catalog, self.evidence)
        everything = sort_incidents(
            [*diagnosed, *unclassified.unclassified_incidents(self.miner, self.redact)])
        timelines = self.accumulator.timelines()
        return Report(sources=tuple(self.sources), incidents=tuple(everything),
                      root_causes=tuple(causes), problems=tuple(self.ruleset.problems),
                      timelines=frozen_map({i: frozen_map(m) for i, m in timelines.items()}))

    # the loop
    def run(self, live: LiveInput, on_tick: Callable[[list[WatchEvent]], None],
            input_format: str | None = None, tick: float = 0.25) -> None:
        """Read live input until it ends (or KeyboardInterrupt); on_tick gets new events at
        least every `tick` seconds and right after each block."""
        stats = SourceStats(live.name)
        self.sources.append(stats)
        self.stats.source = live.name
        options = read_options(self.ruleset, self.settings)
        fmt: Format | None = get_format(input_format) if input_format else None
        feeder = _Bursts(live, self.idle, lambda: on_tick(self.take_events()), tick)
        while not feeder.ended:
            blocks = feeder.burst()
            first = next(blocks, None)
            if first is None:
                continue
            if fmt is None or (input_format is None and fmt.name == "plain"
                               and stats.lines < SNIFF_LINES):
                fmt = detect_format(head_lines(first))
            offset = stats.lines
            for record in fmt.read(itertools.chain((first,), blocks), live.name, stats,
                                   options):
                if offset:
                    record = replace(record, lineno=record.lineno + offset,
                                     end_lineno=record.end_lineno + offset)
                self.add_record(record)
            on_tick(self.take_events())
        self.stats.ended = True
        on_tick(self.take_events())


class _Bursts:
    """Cuts the live byte stream into bursts of whole-line blocks; a burst ends when the input
    is idle for `idle` seconds after some data (so the format flushes its open event)."""

    def __init__(self, live: LiveInput, idle: float, tick: Callable[[], None],
                 every: float) -> None:
        self.live, self.idle, self.tick, self.every = live, idle, tick, every
        self.pending = b""
        self.ended = False
        self._last_tick = time.monotonic()

    def _maybe_tick(self) -> None:
        if time.monotonic() - self._last_tick >= self.every:
            self._last_tick = time.monotonic()
            self.tick()

    def burst(self) -> Iterator[bytes]:
        gave = False
        while not self.ended:
            item = self.live.get(timeout=self.idle)
            if item is None:
                if gave:
                    return
                self._maybe_tick()
                continue
            data, eof = self._coalesce(item)
            block = self._whole_lines(data)
            if block:
                gave = True
                yield block
            if eof:
                self.ended = True
                if self.pending:
                    rest, self.pending = self.pending, b""
                    yield rest
                return
            self._maybe_tick()

    def _coalesce(self, first: object) -> tuple[bytes, bool]:
        """Join what is already queued (no waiting): fewer, larger blocks under load.
        Returns the bytes and whether the input ended."""
        parts: list[bytes] = []
        size, item = 0, first
        while item is not None:
            if item is _EOF:
                return b"".join(parts), True
            assert isinstance(item, bytes)
            parts.append(item)
            size += len(item)
            if size >= MAX_BLOCK_BYTES:
                break
            item = self.live.get(timeout=0)
        return b"".join(parts), False

    def _whole_lines(self, chunk: bytes) -> bytes:
        data = self.pending + chunk if self.pending else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > MAX_PARTIAL_BYTES:  # a runaway line: cut it here
                self.pending = b""
                return data + b"\n"
            self.pending = data
            return b""
        self.pending = data[cut + 1:]
        return data[: cut + 1]
