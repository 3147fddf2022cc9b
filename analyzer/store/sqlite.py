"""State for scheduled reports: incident history in SQLite (stdlib sqlite3, one file).

A run of `analyzer report` records, in one transaction, which incidents its window held; the
store answers with each one's status against the history before it:

- NEW: never seen before;      - ONGOING: seen in the history and not resolved;
- REGRESSED: resolved earlier (absent from a later run) and back now;
- RESOLVED: open in the history and absent from this window (reported once, then kept quiet).

Safety: WAL journal and `BEGIN IMMEDIATE` serialise concurrent runs (the second one classifies
against the first one's result); every change is one transaction, so a run killed mid-way loses
nothing already committed. A file that is not ours (another SQLite database, not SQLite at all,
or corrupt) raises StateError and is never written to.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

from analyzer.errors import AnalyzerError
from analyzer.model import Report
from analyzer.store.codec import incident_from_json
from analyzer.store.history import History, RunInfo, RunResult, classify
from analyzer.store.schema import SCHEMA, SCHEMA_VERSION, TO_VERSION_2
from analyzer.store.tally import (
    inputs_key,
    minute_changes,
    record_sighting,
    upsert_incident,
)

APPLICATION_ID = 0x414E4C5A  # "ANLZ": marks a file as an analyzer state database
SQLITE_MAGIC = b"SQLite format 3\x00"
RECENT_RUNS = 10  # per-run counts returned with each incident's history
MINUTES_KEPT = 35 * 24 * 60  # per-minute counts this much older than the newest are pruned



class StateError(AnalyzerError):
    """The state file cannot be used (foreign, corrupt, newer, unwritable); names the file."""


def default_state_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "analyzer" / "state.db"


def now_ns() -> int:
    return time.time_ns()


class StateStore:
    """The SQLite state. Use as a context manager; every method is one transaction."""

    def __init__(self, path: str | Path, *, timeout: float = 60.0,
                 readonly: bool = False) -> None:
        """`readonly`: the file must exist and is only read (postmortem, dry runs)."""
        self.path = str(path)
        self.readonly = readonly
        self._check_file()
        try:
            target = f"{Path(self.path).resolve().as_uri()}?mode=ro" if readonly else self.path
            self._db = sqlite3.connect(target, timeout=timeout, isolation_level=None,
                                       uri=readonly)
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: cannot open state database: {exc}") from None
        try:
            self._prepare(timeout)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StateError(f"{self.path}: corrupt or unreadable state database ({exc}); "
                             "left untouched") from None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # --- opening: refuse anything that is not ours -------------------------------------
    def _check_file(self) -> None:
        path = Path(self.path)
        if path.is_dir():
            raise StateError(f"{self.path}: is a directory, not a state file")
        if not path.exists():
            if self.readonly:
                raise StateError(f"{self.path}: no such state file (nothing recorded yet)")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StateError(f"{self.path}: cannot create its folder: "
                                 f"{exc.strerror}") from None
            return
        try:
            with open(path, "rb") as handle:
                head = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise StateError(f"{self.path}: cannot read state file: {exc.strerror}") from None
        if head and head != SQLITE_MAGIC:
            raise StateError(f"{self.path}: not an analyzer state file (not a SQLite "
                             "database); refusing to overwrite it")
        if not self.readonly and not os.access(path, os.W_OK):
            raise StateError(f"{self.path}: state file is read-only (a run must record in it; "
                             "`--dry-run` only reads)")

    def _prepare(self, timeout: float) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        # Read-only checks first, in one read transaction: nothing is written to a file that
        # is not ours or is damaged.
        with self._read():
            self._check_identity()
            # quick_check's report may run over lines: one line, cut, for the message
            check = " ".join(str(db.execute("PRAGMA quick_check").fetchone()[0]).split())[:160]
        if check != "ok":
            raise StateError(f"{self.path}: corrupt state database ({check}); left untouched")
        if self.readonly:
            return
        self._use_wal(timeout)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        # Identity checked and created in one write transaction: of processes opening a new
        # file at once, one creates it and the others see it complete.
        with self._write():
            if self._check_identity():
                self._run_script(SCHEMA)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _upgrade(self) -> None:
        """An older state file brought to this version, in the caller's write transaction
        (so a dry run, rolled back, leaves the file as it was)."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] < 2:
            self._run_script(TO_VERSION_2)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _run_script(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self._db.execute(statement)

    def _use_wal(self, timeout: float) -> None:
        """Switch to WAL. The switch needs the file to itself and SQLite does not wait for it
        (no busy handler: SQLITE_BUSY at once while another process reads), so retry."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StateError(f"{self.path}: state database is busy ({exc})") from None
                time.sleep(0.01)

    @contextmanager
    def _read(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def _check_identity(self) -> bool:
        """True when the database is empty (a new state file to set up); raises StateError when
        it belongs to another application or a newer analyzer."""
        db = self._db
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id == 0 and tables == 0:
            return True
        if app_id != APPLICATION_ID:
            raise StateError(f"{self.path}: a SQLite database of another application, not an "
                             "analyzer state file; refusing to use it")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(f"{self.path}: written by a newer analyzer (state version "
                             f"{version}, this one knows {SCHEMA_VERSION})")
        return False

    @contextmanager
    def _write(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading so concurrent runs serialise; with
        commit=False it is rolled back (a dry run sees what would be recorded)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StateError(f"{self.path}: state database is busy or read-only ({exc})") from None
        try:
            with self._damage_is_refused():
                yield self._db
        except BaseException:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT" if commit else "ROLLBACK")

    @contextmanager
    def _damage_is_refused(self) -> Iterator[None]:
        """Damage the integrity check cannot see (a garbled value) met while reading: a
        one-line StateError, nothing written."""
        try:
            yield
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError) as exc:
            if isinstance(exc, AnalyzerError):
                raise
            reason = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
            raise StateError(f"{self.path}: damaged state database ({reason}); left "
                             "untouched") from None

    # --- runs ---------------------------------------------------------------------------
    def begin_run(self, sources: Iterable[str], window: tuple[int | None, int | None]) -> int:
        """Record that a run started (committed at once: a killed run leaves this trace)."""
        with self._write():
            self._upgrade()
            return self._insert_run(sources, window)

    def finish_run(self, run_id: int, report: Report, *, resolve: bool = True) -> RunResult:
        """Classify this run's incidents against the history and store them, atomically.
        `resolve=False` (nothing was read) leaves absent incidents open. The minutes the
        window covers keep this run's counts instead of adding to them (see tally), so runs
        over overlapping windows count each event once. A run identical to one already
        recorded (same window, sources, counts and incidents: the same logs reported again)
        replaces that run, events without a timestamp included."""
        with self._write():
            same = self._same_run(run_id, report)
            if same is not None:
                self._forget_run(same)
            result = self._record(run_id, report, resolve=resolve, undated=same is None)
            return replace(result, replaced=same)

    def _same_run(self, run_id: int, report: Report) -> int | None:
        db = self._db
        wanted = sorted((i.id, i.count, i.first_seen, i.last_seen) for i in report.incidents)
        candidates = db.execute(
            "SELECT old.id FROM runs AS old JOIN runs AS new ON new.id = ? "
            "WHERE old.id != new.id AND old.finished_at IS NOT NULL "
            "AND old.window_start IS new.window_start AND old.window_end IS new.window_end "
            "AND old.sources = new.sources AND old.lines = ? AND old.records = ? "
            "AND old.incidents = ? ORDER BY old.id DESC",
            (run_id, report.lines, report.records, len(report.incidents))).fetchall()
        for (old,) in candidates:
            seen = db.execute("SELECT incident_id, count, first_seen, last_seen FROM sightings "
                              "WHERE run_id = ?", (old,)).fetchall()
            if sorted(seen) == wanted:
                return int(old)
        return None

    def _forget_run(self, run_id: int) -> None:
        """The run the new one replaces no longer counts as a run that saw its incidents (its
        minutes are replaced by the new run's, and its undated events stay counted once)."""
        db = self._db
        db.execute("UPDATE incidents SET runs_seen = runs_seen - 1 WHERE id IN "
                   "(SELECT incident_id FROM sightings WHERE run_id = ?)", (run_id,))
        db.execute("DELETE FROM sightings WHERE run_id = ?", (run_id,))

    def preview(self, sources: Iterable[str], window: tuple[int | None, int | None],
                report: Report) -> RunResult:
        """What a run would record, with the state left as it was (a dry run)."""
        with self._write(commit=False):
            self._upgrade()
            return self._record(self._insert_run(sources, window), report)

    def _insert_run(self, sources: Iterable[str], window: tuple[int | None, int | None]) -> int:
        cursor = self._db.execute(
            "INSERT INTO runs (started_at, window_start, window_end, sources, host, pid) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (now_ns(), window[0], window[1], json.dumps(list(sources)),
             socket.gethostname(), os.getpid()))
        return int(cursor.lastrowid or 0)

    def _record(self, run_id: int, report: Report, *, resolve: bool = True,
                undated: bool = True) -> RunResult:
        db = self._db
        previous = self._previous_run(run_id)
        known = dict(db.execute("SELECT id, status FROM incidents").fetchall())
        present = {incident.id: incident for incident in report.incidents}
        statuses = classify(present, known)
        if not resolve:
            statuses = {i: s for i, s in statuses.items() if s != "RESOLVED"}
        sources, start, end = db.execute("SELECT sources, window_start, window_end FROM runs "
                                         "WHERE id = ?", (run_id,)).fetchone()
        inputs = inputs_key(json.loads(sources))
        for incident in report.incidents:
            timeline: Mapping[int, int] = report.timelines.get(incident.id, {})
            changes = minute_changes(db, incident.id, inputs, (start, end), timeline)
            added = changes.added
            if undated:  # events no minute holds cannot be told apart: they add
                added += max(0, incident.count - sum(timeline.values()))
            upsert_incident(db, incident, run_id, statuses[incident.id], added)
            changes.write(db)
            record_sighting(db, run_id, incident, statuses[incident.id], incident.count)
        resolved_ids = [i for i, s in statuses.items() if s == "RESOLVED"]
        db.executemany("UPDATE incidents SET status = 'RESOLVED' WHERE id = ?",
                       [(i,) for i in resolved_ids])
        db.execute("UPDATE runs SET finished_at = ?, lines = ?, records = ?, incidents = ? "
                   "WHERE id = ?", (now_ns(), report.lines, report.records,
                                    len(report.incidents), run_id))
        self._prune()
        history = {i: self._history(i, statuses[i]) for i in present}
        resolved = tuple(self._history(i, "RESOLVED") for i in resolved_ids)
        run = self.run(run_id)
        assert run is not None
        return RunResult(run=run, previous=previous, history=history, resolved=resolved)

    def _prune(self) -> None:
        # Log time, not the wall clock: replaying old logs must not prune what it just stored.
        newest = self._db.execute("SELECT max(minute) FROM minutes").fetchone()[0]
        if newest is not None:
            for table in ("minutes", "pieces"):
                self._db.execute(f"DELETE FROM {table} WHERE minute < ?",
                                 (newest - MINUTES_KEPT,))

    def _history(self, incident_id: str, status: str) -> History:
        row = self._db.execute(
            "SELECT first_seen, last_seen, total, runs_seen, first_run, snapshot "
            "FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        recent = self._db.execute(
            "SELECT run_id, count FROM sightings WHERE incident_id = ? "
            "ORDER BY run_id DESC LIMIT ?", (incident_id, RECENT_RUNS)).fetchall()
        return History(id=incident_id, status=status, first_ever=row[0], last_ever=row[1],
                       total=row[2], runs_seen=row[3], first_run=row[4],
                       recent=tuple((r, c) for r, c in reversed(recent)),
                       incident=incident_from_json(json.loads(row[5])))

    def _previous_run(self, run_id: int) -> RunInfo | None:
        row = self._db.execute(
            "SELECT id FROM runs WHERE id < ? AND finished_at IS NOT NULL "
            "ORDER BY finished_at DESC LIMIT 1", (run_id,)).fetchone()
        return self.run(row[0]) if row else None

    def run(self, run_id: int) -> RunInfo | None:
        with self._damage_is_refused():
            return self._run(run_id)

    def _run(self, run_id: int) -> RunInfo | None:
        row = self._db.execute(
            "SELECT id, started_at, finished_at, window_start, window_end, sources, lines, "
            "records, incidents FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        return RunInfo(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5])),
                       row[6], row[7], row[8])

    def runs(self) -> list[RunInfo]:
        with self._damage_is_refused():
            ids = [r[0] for r in self._db.execute("SELECT id FROM runs ORDER BY id")]
            return [run for i in ids if (run := self._run(i)) is not None]

    # --- reading the history (postmortem) -------------------------------------------------
    def incidents(self) -> list[History]:
        with self._damage_is_refused():
            rows = self._db.execute("SELECT id, status FROM incidents ORDER BY id").fetchall()
            return [self._history(i, status) for i, status in rows]

    def minutes(self, incident_id: str) -> dict[int, int]:
        with self._damage_is_refused():
            return dict(self._db.execute(
                "SELECT minute, count FROM minutes WHERE incident_id = ? ORDER BY minute",
                (incident_id,)).fetchall())
