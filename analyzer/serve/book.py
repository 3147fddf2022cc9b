"""Serve stage, the incident book: what the state held at start (History) plus what this
process saw (the live Report), merged into one view with statuses, and the gains to flush.

Pure bookkeeping over values (no I/O, no threads), so the status rules are tested alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from analyzer.incidents import MAX_BUCKETS, sort_incidents
from analyzer.model import Incident, Report, frozen_map
from analyzer.notify import Alert
from analyzer.store import History, RunInfo, RunResult
from analyzer.store.live import Gain

MINUTE_NS = 60_000_000_000
MAX_RESOLVED_SHOWN = 50


@dataclass(slots=True)
class _Entry:
    status: str
    since: int  # log time (ns) the status began
    base_total: int = 0
    base_first: int | None = None
    base_last: int | None = None
    snapshot: Incident | None = None  # the stored incident, until this process sees it
    base_minutes: dict[int, int] = field(default_factory=dict)
    flushed: int = 0  # this process's count already in the state
    flushed_minutes: dict[int, int] = field(default_factory=dict)
    runs_seen: int = 0
    first_run: int = 0
    severity: str = "-"


class Book:
    def __init__(self, known: Iterable[History], minutes: Mapping[str, Mapping[int, int]],
                 run: RunInfo, *, settle_ns: int, resolve_after_ns: int) -> None:
        self.run = run
        self.settle_ns, self.resolve_after_ns = settle_ns, resolve_after_ns
        self.entries: dict[str, _Entry] = {}
        for history in known:
            self.entries[history.id] = _Entry(
                status=history.status, since=history.last_ever or 0,
                base_total=history.total, base_first=history.first_ever,
                base_last=history.last_ever, snapshot=history.incident,
                base_minutes=dict(minutes.get(history.id, {})),
                runs_seen=history.runs_seen, first_run=history.first_run,
                severity=history.incident.severity)

    # --- what this process saw --------------------------------------------------------------
    def observe(self, live: Report, now: int) -> list[Alert]:
        """Statuses for the incidents of the live report; the alerts for the ones that are new
        to the state or back after RESOLVED."""
        alerts = []
        for incident in live.incidents:
            entry = self.entries.get(incident.id)
            if entry is not None:
                entry.severity = incident.severity
            if entry is None:
                self.entries[incident.id] = _Entry("NEW", incident.first_seen or now,
                                                   runs_seen=1, first_run=self.run.id,
                                                   severity=incident.severity)
                alerts.append(Alert("new", incident))
            elif entry.status == "RESOLVED" and incident.count > entry.flushed:
                entry.status, entry.since = "REGRESSED", incident.last_seen or now
                alerts.append(Alert("regressed", incident))
        return alerts

    def sweep(self, live: Report, now: int) -> dict[str, str]:
        """Time passes: NEW/REGRESSED settle to ONGOING, quiet incidents resolve. Returns the
        status changes of incidents this process has not seen (the others flush with gains)."""
        seen = {i.id: i for i in live.incidents}
        changed = {}
        for ident, entry in self.entries.items():
            last = _max(entry.base_last, seen[ident].last_seen if ident in seen else None)
            if entry.status != "RESOLVED" and last is not None \
                    and now - last > self.resolve_after_ns:
                entry.status, entry.since = "RESOLVED", now
            elif entry.status in ("NEW", "REGRESSED") and now - entry.since > self.settle_ns:
                entry.status, entry.since = "ONGOING", now
            else:
                continue
            if ident not in seen:
                changed[ident] = entry.status
        return changed

    def gains(self, live: Report) -> list[Gain]:
        """What each live incident gained since the last flush; marks it flushed."""
        gains = []
        for incident in live.incidents:
            entry = self.entries.get(incident.id)
            if entry is None:
                continue
            added = max(0, incident.count - entry.flushed)
            minutes: Mapping[int, int] = live.timelines.get(incident.id, {})
            delta = {m: c - entry.flushed_minutes.get(m, 0) for m, c in minutes.items()
                     if c > entry.flushed_minutes.get(m, 0)}
            if not added and not delta and entry.snapshot is None:
                continue
            entry.flushed = max(entry.flushed, incident.count)
            entry.flushed_minutes.update(minutes)
            entry.snapshot = None
            gains.append(Gain(self._merged(incident, entry), entry.status, added, delta))
        return gains

    # --- the view -----------------------------------------------------------------------
    def view(self, live: Report) -> tuple[Report, RunResult]:
        """The current state as a report with statuses: every open incident (this process's,
        with the totals the state had before, and the stored ones not seen since), the
        resolved ones apart."""
        live_ids = {i.id: i for i in live.incidents}
        current, resolved, histories = [], [], {}
        for ident, entry in self.entries.items():
            incident = (self._merged(live_ids[ident], entry) if ident in live_ids
                        else self._stored(entry))
            if incident is None:
                continue
            history = History(id=ident, status=entry.status, first_ever=incident.first_seen,
                              last_ever=incident.last_seen, total=incident.count,
                              runs_seen=max(1, entry.runs_seen), first_run=entry.first_run,
                              recent=(), incident=incident)
            if entry.status == "RESOLVED":
                resolved.append(history)
            else:
                current.append(incident)
                histories[ident] = history
        resolved.sort(key=lambda h: -(h.last_ever or 0))
        timelines = {i.id: MappingProxyType(self._minutes(i.id, live)) for i in current}
        report = replace(live, incidents=tuple(sort_incidents(current)),
                         timelines=frozen_map(timelines))
        result = RunResult(run=self.run, previous=None, history=histories,
                           resolved=tuple(resolved[:MAX_RESOLVED_SHOWN]))
        return report, result

    def status_counts(self) -> dict[tuple[str, str], int]:
        """(status, severity) -> incidents, for the metrics."""
        counts: dict[tuple[str, str], int] = {}
        for entry in self.entries.values():
            key = (entry.status, entry.severity)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def _merged(self, incident: Incident, entry: _Entry) -> Incident:
        return replace(incident, count=entry.base_total + incident.count,
                       first_seen=_min(entry.base_first, incident.first_seen),
                       last_seen=_max(entry.base_last, incident.last_seen))

    @staticmethod
    def _stored(entry: _Entry) -> Incident | None:
        if entry.snapshot is None:
            return None
        return replace(entry.snapshot, count=entry.base_total, first_seen=entry.base_first,
                       last_seen=entry.base_last)

    def _minutes(self, ident: str, live: Report) -> dict[int, int]:
        merged = dict(self.entries[ident].base_minutes)
        for minute, count in live.timelines.get(ident, {}).items():
            merged[minute] = merged.get(minute, 0) + count
        if len(merged) > MAX_BUCKETS:
            merged = dict(sorted(merged.items())[-MAX_BUCKETS:])
        return merged


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
