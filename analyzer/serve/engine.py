"""Serve stage, the engine: accepted batches -> the analysis -> the state, the view and alerts.

Receivers hand over batches through a bounded queue (`offer` says no when it is full, so HTTP
answers 503 and syslog stops reading: memory stays bounded under any load). One worker thread
owns the analysis and the SQLite state: it feeds each batch, publishes an immutable View for the
pages (at most every `publish_every` seconds, at once when an incident appears), flushes the
gains to the state every `flush_every` seconds, and on stop drains what was accepted, flushes
and finishes the run.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import NoReturn

from analyzer.incidents import Change
from analyzer.model import Report
from analyzer.notify import Alert
from analyzer.serve.analysis import LiveAnalysis
from analyzer.serve.book import Book
from analyzer.serve.metrics import Metrics
from analyzer.store import RunResult, StateStore
from analyzer.store.live import LiveRun

_STOP = object()
MINUTES_LOADED = 24 * 60  # per incident, the stored per-minute counts the view starts with


@dataclass(frozen=True, slots=True)
class Batch:
    """Bytes one receiver accepted: whole messages of one format (None: detect it)."""

    receiver: str
    format_name: str | None
    data: bytes
    events: int
    arrived: float = field(default_factory=time.monotonic)


@dataclass(frozen=True, slots=True)
class View:
    """What the pages show; replaced whole, never changed."""

    report: Report
    result: RunResult
    events: int
    flushed_events: int
    flushed_at: float | None


@dataclass(frozen=True, slots=True)
class EngineOptions:
    state: str
    queue_batches: int = 256
    queue_events: int = 100_000  # accepted but not analysed yet: about 2 s at 50,000/s
    coalesce_events: int = 50_000  # queued batches of one receiver parsed as one block
    flush_every: float = 2.0
    publish_every: float = 0.5
    settle_ns: int = 3600 * 1_000_000_000
    resolve_after_ns: int = 3600 * 1_000_000_000


class Engine:
    def __init__(self, analysis: LiveAnalysis, options: EngineOptions, metrics: Metrics,
                 on_alerts: Callable[[list[Alert]], None]) -> None:
        self.analysis, self.options, self.metrics = analysis, options, metrics
        self.on_alerts = on_alerts
        self._queue: queue.Queue[object] = queue.Queue(maxsize=options.queue_batches)
        self._queued_events = 0  # bounded by options.queue_events (any batch fits alone)
        self._count_lock = threading.Lock()
        self._carry: object = None  # taken from the queue, not yet handled
        self._thread = threading.Thread(target=self._run, name="serve-engine", daemon=True)
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self.view: View | None = None
        self.events = 0
        self._flushed_events = 0
        self._flushed_at: float | None = None
        self._stopping = False
        self.metrics.queue_depth.set_function(lambda: self._queued_events)

    # --- receivers' side (any thread) ---------------------------------------------------------
    def offer(self, batch: Batch, *, count_rejected: bool = True) -> bool:
        """Accept a batch unless the queue is full (the caller answers with backpressure;
        a syslog connection waits and offers again, so its events are not counted lost)."""
        if self._stopping:
            return False
        with self._count_lock:
            full = (self._queued_events
                    and self._queued_events + batch.events > self.options.queue_events)
            if not full:
                try:
                    self._queue.put_nowait(batch)
                    self._queued_events += batch.events
                except queue.Full:
                    full = True
        if full:
            if count_rejected:
                self.metrics.rejected.labels(batch.receiver).inc(batch.events)
            return False
        self.metrics.events.labels(batch.receiver).inc(batch.events)
        return True

    def start(self) -> None:
        """Open the state and load it (in the worker thread, which owns the connection);
        raises what opening it raised (a foreign or corrupt state file)."""
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            raise self._failure

    def stop(self, timeout: float = 60.0) -> None:
        """Drain every accepted batch, flush, finish the run."""
        self._stopping = True  # the receivers are closed: nothing new is accepted
        self._queue.put(_STOP)  # behind everything accepted
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # --- the worker ---------------------------------------------------------------------
    def _run(self) -> None:
        try:
            store = StateStore(self.options.state)
        except BaseException as exc:  # handed to start()
            self._failure = exc
            self._ready.set()
            return
        with store:
            run = LiveRun(store, ["serve"], time.time_ns())
            known = run.known()
            minutes = {h.id: _recent(store.minutes(h.id)) for h in known}
            book = Book(known, minutes, store.run(run.run_id) or _never(),
                        settle_ns=self.options.settle_ns,
                        resolve_after_ns=self.options.resolve_after_ns)
            self._publish(book, [])
            self._ready.set()
            self._loop(run, book)

    def _loop(self, run: LiveRun, book: Book) -> None:
        last_flush = last_publish = time.monotonic()
        dirty = False
        while True:
            item = self._next()
            if item is _STOP:
                break
            if isinstance(item, Batch):
                self._feed(item)
                dirty = True
                changes = self.analysis.changes()
                if changes or time.monotonic() - last_publish >= self.options.publish_every:
                    self._publish(book, changes)
                    last_publish, dirty = time.monotonic(), False
            elif dirty:
                self._publish(book, self.analysis.changes())
                last_publish, dirty = time.monotonic(), False
            if time.monotonic() - last_flush >= self.options.flush_every:
                self._flush(run, book)
                last_flush = last_publish = time.monotonic()
                dirty = False
        live = self._flush(run, book)
        run.finish(live.lines, live.records, len(live.incidents))

    def _next(self) -> object:
        """The next batch, joined with the queued batches of the same receiver behind it
        (one larger block parses faster than many small ones)."""
        first = self._carry if self._carry is not None else self._take(
            self.options.publish_every)
        self._carry = None
        if not isinstance(first, Batch):
            return first
        parts, events = [first], first.events
        while events < self.options.coalesce_events:
            more = self._take(0)
            if not isinstance(more, Batch) or (more.receiver, more.format_name) != (
                    first.receiver, first.format_name):
                self._carry = more  # another receiver's batch, or the stop: handled next
                break
            parts.append(more)
            events += more.events
        if len(parts) == 1:
            return first
        return Batch(first.receiver, first.format_name, b"".join(p.data for p in parts),
                     events, min(p.arrived for p in parts))

    def _take(self, timeout: float) -> object:
        try:
            item = (self._queue.get(timeout=timeout) if timeout > 0
                    else self._queue.get_nowait())
        except queue.Empty:
            return None
        if isinstance(item, Batch):
            with self._count_lock:
                self._queued_events -= item.events
        return item

    def _feed(self, batch: Batch) -> None:
        try:
            self.analysis.feed_bytes(batch.data, batch.format_name)
        except Exception as exc:  # a bad batch must not stop the service
            self.metrics.errors.labels(batch.receiver, type(exc).__name__).inc()
            return
        self.events += batch.events
        self.metrics.latency.observe(time.monotonic() - batch.arrived)

    def _publish(self, book: Book, changes: list[Change]) -> Report:
        """A new View; the alerts of what changed. Returns the live report it was made of."""
        live = self.analysis.report()
        alerts = book.observe(live, self._now())
        report, result = book.view(live)
        self.view = View(report, result, self.events, self._flushed_events, self._flushed_at)
        self.metrics.set_incidents(book.status_counts())
        by_id = {i.id: i for i in report.incidents}
        alerts += [Alert("escalated", by_id[c.incident], c.previous) for c in changes
                   if c.kind == "escalated" and c.incident in by_id]
        if alerts:
            self.on_alerts([replace(a, incident=by_id.get(a.incident.id, a.incident))
                            for a in alerts])
        return live

    def _flush(self, run: LiveRun, book: Book) -> Report:
        live = self._publish(book, self.analysis.changes())
        statuses = book.sweep(live, self._now())
        run.flush(book.gains(live), statuses)
        self._flushed_events, self._flushed_at = self.events, time.time()
        self.metrics.flushed.set(self._flushed_events)
        self._publish(book, [])
        return live

    def _now(self) -> int:
        return self.analysis.now()


def _recent(minutes: dict[int, int]) -> dict[int, int]:
    return dict(sorted(minutes.items())[-MINUTES_LOADED:])


def _never() -> NoReturn:  # pragma: no cover - begin_run just wrote the row
    raise RuntimeError("the serve run vanished from the state")
