"""Counting in the state: one incident's row, its sighting in a run and its per-minute counts,
written the same way by `report` runs (StateStore) and `serve` flushes (LiveRun).

Per-minute counts are kept as pieces: the part [lo, hi) of a minute a run's window covered,
for one input (the run's sources), with the count the run saw there. A report run over a part
already recorded replaces the pieces its window covers instead of adding to them, so runs over
overlapping windows count each event once; an incident's total is the sum of its minutes (plus
what no minute holds: events without a timestamp). The `minutes` table is the sum of the pieces
of each minute, kept for readers (timelines).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analyzer.model import Incident
from analyzer.store.codec import incident_to_json

MINUTE_NS = 60 * 10**9
Window = tuple[int | None, int | None]


@dataclass(frozen=True, slots=True, order=True)
class Piece:
    """What one run counted in the part [lo, hi) (ns) of one minute."""

    lo: int
    hi: int
    count: int


def coverage(minute: int, window: Window) -> tuple[int, int]:
    """The part of a minute a window covers (an open end covers the whole minute)."""
    start, end = minute * MINUTE_NS, (minute + 1) * MINUTE_NS
    return max(start, window[0] if window[0] is not None else start), \
        min(end, window[1] if window[1] is not None else end)


def merge_piece(pieces: Iterable[Piece], new: Piece) -> list[Piece]:
    """A minute's pieces once `new` is recorded: pieces inside the new one's part are replaced
    by it, pieces apart from it are kept (another part of the minute, counted once each). A
    piece that overlaps it only in part (two windows ending inside one minute) cannot be split:
    the two become one piece over both parts with the larger count."""
    kept, merged = sorted(pieces), new
    changed = True
    while changed:
        changed, rest = False, []
        for piece in kept:
            if piece.hi <= merged.lo or piece.lo >= merged.hi:
                rest.append(piece)
            elif not (merged.lo <= piece.lo and piece.hi <= merged.hi):
                merged = Piece(min(merged.lo, piece.lo), max(merged.hi, piece.hi),
                               max(merged.count, piece.count))
                changed = True
        kept = rest
    return sorted([*kept, merged])


def inputs_key(sources: Iterable[str]) -> str:
    """Which input a piece was counted from: the run's sources, in any order."""
    return json.dumps(sorted(set(sources)))


@dataclass(slots=True)
class MinuteChanges:
    """What a report run changes in one incident's pieces; `added`: how much that adds to its
    total (what the pieces its window covers did not hold already)."""

    incident_id: str
    gone: list[tuple[str, str, int]]
    new: list[tuple[str, str, int, int, int, int]]
    sums: dict[int, int]

    @property
    def added(self) -> int:
        return sum(self.sums.values())

    def write(self, db: sqlite3.Connection) -> None:
        """After the incident's row (the pieces refer to it)."""
        db.executemany("DELETE FROM pieces WHERE incident_id = ? AND inputs = ? AND minute = ?",
                       self.gone)
        db.executemany("INSERT INTO pieces VALUES (?, ?, ?, ?, ?, ?)", self.new)
        _add_to_minutes(db, self.incident_id, self.sums)


def minute_changes(db: sqlite3.Connection, incident_id: str, inputs: str, window: Window,
                   timeline: Mapping[int, int]) -> MinuteChanges:
    """A report run's per-minute counts over its window, merged into the recorded pieces."""
    changes = MinuteChanges(incident_id, [], [], {})
    if not timeline:
        return changes
    old: dict[int, list[Piece]] = {}
    for minute, lo, hi, count in db.execute(
            "SELECT minute, lo, hi, count FROM pieces WHERE incident_id = ? AND inputs = ? "
            "AND minute BETWEEN ? AND ?", (incident_id, inputs, min(timeline), max(timeline))):
        old.setdefault(minute, []).append(Piece(lo, hi, count))
    for minute, count in timeline.items():
        before = sorted(old.get(minute, []))
        after = merge_piece(before, Piece(*coverage(minute, window), count))
        if after != before:
            changes.gone.append((incident_id, inputs, minute))
            changes.new += [(incident_id, inputs, minute, p.lo, p.hi, p.count) for p in after]
            changes.sums[minute] = sum(p.count for p in after) - sum(p.count for p in before)
    return changes


def add_minutes(db: sqlite3.Connection, incident_id: str, inputs: str,
                gains: Mapping[int, int]) -> None:
    """Add new events to whole minutes (a live run: what came since its last flush)."""
    gains = {minute: count for minute, count in gains.items() if count}
    db.executemany(
        "INSERT INTO pieces VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(incident_id, inputs, minute, lo) "
        "DO UPDATE SET hi = max(hi, excluded.hi), count = count + excluded.count",
        [(incident_id, inputs, minute, minute * MINUTE_NS, (minute + 1) * MINUTE_NS, count)
         for minute, count in gains.items()])
    _add_to_minutes(db, incident_id, gains)


def _add_to_minutes(db: sqlite3.Connection, incident_id: str, sums: Mapping[int, int]) -> None:
    db.executemany(
        "INSERT INTO minutes VALUES (?, ?, ?) ON CONFLICT(incident_id, minute) "
        "DO UPDATE SET count = count + excluded.count",
        [(incident_id, minute, change) for minute, change in sums.items() if change])


def upsert_incident(db: sqlite3.Connection, incident: Incident, run_id: int, status: str,
                    added: int) -> None:
    """The incident's row: its latest snapshot and status, its span widened, `added` to its
    total; `runs_seen` grows once per run however often the run writes it (a live run flushes
    many times)."""
    snapshot = json.dumps(incident_to_json(incident), ensure_ascii=False)
    db.execute(
        "INSERT INTO incidents (id, rule, severity, first_seen, last_seen, total, runs_seen, "
        "first_run, last_run, status, snapshot) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET rule = excluded.rule, severity = excluded.severity, "
        "first_seen = min(coalesce(first_seen, excluded.first_seen), "
        "                 coalesce(excluded.first_seen, first_seen)), "
        "last_seen = max(coalesce(last_seen, excluded.last_seen), "
        "                coalesce(excluded.last_seen, last_seen)), "
        "total = total + excluded.total, "
        "runs_seen = runs_seen + (last_run <> excluded.last_run), "
        "last_run = excluded.last_run, status = excluded.status, snapshot = excluded.snapshot",
        (incident.id, incident.rule, incident.severity, incident.first_seen, incident.last_seen,
         added, run_id, run_id, status, snapshot))


def record_sighting(db: sqlite3.Connection, run_id: int, incident: Incident, status: str,
                    count: int) -> None:
    """That the run saw the incident, `count` more times (a live run adds at each flush)."""
    db.execute(
        "INSERT INTO sightings VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(run_id, incident_id) DO UPDATE SET status = excluded.status, "
        "count = count + excluded.count, "
        "first_seen = coalesce(first_seen, excluded.first_seen), "
        "last_seen = coalesce(excluded.last_seen, last_seen)",
        (run_id, incident.id, status, count, incident.first_seen, incident.last_seen))
