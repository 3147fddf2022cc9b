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

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from analyzer.model import Incident
from analyzer.store.history import History
from analyzer.store.sqlite import StateStore, now_ns
from analyzer.store.tally import add_minutes, inputs_key, record_sighting, upsert_incident


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
        sources = list(sources)
        self.run_id = store.begin_run(sources, (started, None))
        self.inputs = inputs_key(sources)

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
        incident = gain.incident
        upsert_incident(db, incident, self.run_id, gain.status, gain.added)
        add_minutes(db, incident.id, self.inputs, gain.minutes)
        record_sighting(db, self.run_id, incident, gain.status, gain.added)
