"""State for `analyzer serve`: the same SQLite state and statuses as `analyzer report`, written
continuously. A serve process is one run (begun at start, finished at shutdown); each flush
adds, in one transaction, what its incidents gained since the last flush (counts, per-minute
counts, the latest snapshot), so a process killed between flushes loses only what came after
the last one, and a restart resumes the totals.

Statuses in a live run: an incident first seen ever is NEW, one back after RESOLVED is
REGRESSED; NEW and REGRESSED become ONGOING once they have lasted `settle_ns`; an open incident
quiet for `resolve_after_ns` (log time) becomes RESOLVED.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from analyzer.model import Incident
from analyzer.store.codec import incident_to_json
from analyzer.store.history import History
from analyzer.store.sqlite import StateStore, now_ns


@dataclass(frozen=True, slots=True)
class Gain:
    """What one incident gained since the last flush: its whole current snapshot (count = the
    total across runs), the new matches and the new per-minute counts."""

    incident: Incident
    status: str
    added: int
    minutes: Mapping[int, int] = field(default_factory=dict)


class LiveRun:
    """One serve process's run in the state. Not thread-safe: one thread owns it."""

    def __init__(self, store: StateStore, sources: Iterable[str], started: int) -> None:
        self.store = store
        self.run_id = store.begin_run(list(sources), (started, None))

    def known(self) -> list[History]:
        """Every incident the state holds, with its stored status and total."""
        return self.store.incidents()

    def flush(self, gains: Iterable[Gain], statuses: Mapping[str, str] | None = None) -> None:
        """Add the gains and set the other status changes (e.g. RESOLVED), atomically."""
        with self.store._write() as db:  # package-internal: one transaction per flush
            for gain in gains:
                self._add(db, gain)
            db.executemany("UPDATE incidents SET status = ? WHERE id = ?",
                           [(status, ident) for ident, status in (statuses or {}).items()])

    def finish(self, lines: int, records: int, incidents: int) -> None:
        with self.store._write() as db:
            db.execute("UPDATE runs SET finished_at = ?, lines = ?, records = ?, incidents = ? "
                       "WHERE id = ?", (now_ns(), lines, records, incidents, self.run_id))

    def _add(self, db: sqlite3.Connection, gain: Gain) -> None:
        incident, run = gain.incident, self.run_id
        snapshot = json.dumps(incident_to_json(incident), ensure_ascii=False)
        db.execute(
            "INSERT INTO incidents (id, rule, severity, first_seen, last_seen, total, runs_seen, "
            "first_run, last_run, status, snapshot) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET rule = excluded.rule, severity = excluded.severity, "
            "first_seen = min(coalesce(first_seen, excluded.first_seen), "
            "                 coalesce(excluded.first_seen, first_seen)), "
            "last_seen = max(coalesce(last_seen, excluded.last_seen), "
            "                coalesce(excluded.last_seen, last_seen)), "
            "total = total + ?, "
            "runs_seen = runs_seen + (last_run <> excluded.last_run), "
            "last_run = excluded.last_run, status = excluded.status, "
            "snapshot = excluded.snapshot",
            (incident.id, incident.rule, incident.severity, incident.first_seen,
             incident.last_seen, gain.added, run, run, gain.status, snapshot, gain.added))
        db.execute(
            "INSERT INTO sightings VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(run_id, incident_id) DO UPDATE SET status = excluded.status, "
            "count = count + excluded.count, "
            "first_seen = coalesce(first_seen, excluded.first_seen), "
            "last_seen = coalesce(excluded.last_seen, last_seen)",
            (run, incident.id, gain.status, gain.added, incident.first_seen,
             incident.last_seen))
        db.executemany(
            "INSERT INTO minutes VALUES (?, ?, ?) ON CONFLICT(incident_id, minute) "
            "DO UPDATE SET count = count + excluded.count",
            [(incident.id, minute, count) for minute, count in gain.minutes.items() if count])
