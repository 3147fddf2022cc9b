"""Serve stage, the driver of the analysis session: bytes of a known format in, changes and a
Report out. `serve` is a third driver of the one Session `scan` and `watch` drive (formats ->
rules -> entities -> incidents -> diagnosis); nothing of that route is copied here.

One LiveAnalysis is used by one thread (the serve worker); it is not thread-safe.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from analyzer.catalog import Catalog
from analyzer.incidents import Change
from analyzer.ingest import get_format
from analyzer.ingest.detect import detect_format, head_lines
from analyzer.ingest.formats import Format
from analyzer.model import Record, Report, SourceStats
from analyzer.rulebook import RuleSet
from analyzer.session import Session
from analyzer.settings import Settings

SOURCE = "serve"  # one source for every receiver: per-receiver counts are in the metrics
MAX_INCIDENTS = 5_000  # per kind (rule incidents, unclassified templates): the memory bound
ANNOUNCED = ("new", "escalated")


class LiveAnalysis:
    """Feed records (or bytes in a format), take the changes, ask for the Report. The clock
    is the log's own time (the latest event time, advancing with the wall clock)."""

    def __init__(self, ruleset: RuleSet, settings: Settings, catalog: Catalog | None,
                 *, max_incidents: int = MAX_INCIDENTS) -> None:
        self._session = Session(ruleset, settings, catalog, max_incidents=max_incidents)
        self._stats = self._session.open_source(SOURCE)
        self._changes: list[Change] = []
        self._clock = (0, 0)  # (latest event time, wall clock when it was seen)

    def feed(self, records: Iterable[Record]) -> None:
        for record in records:
            self._tick(record)
            self._changes.extend(c for c in self._session.add(record) if c.kind in ANNOUNCED)

    def feed_bytes(self, data: bytes, format_name: str | None) -> SourceStats:
        """Parse one batch (whole lines or one JSON document) as `format_name`, or as the
        format its first lines look like, and feed its records."""
        fmt: Format = (get_format(format_name) if format_name
                       else detect_format(head_lines(data)))
        self.feed(fmt.read(iter((data,)), SOURCE, self._stats, self._session.options))
        return self._stats

    def changes(self) -> list[Change]:
        """New and escalated incidents since the last call."""
        changes, self._changes = self._changes, []
        return changes

    def report(self) -> Report:
        return self._session.report()

    def now(self) -> int:
        latest, wall = self._clock
        return time.time_ns() if latest == 0 else latest + (time.time_ns() - wall)

    def _tick(self, record: Record) -> None:
        if record.ts is not None and record.ts >= self._clock[0]:
            self._clock = (record.ts, time.time_ns())
