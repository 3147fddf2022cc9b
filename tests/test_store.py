from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from analyzer.errors import UsageError
from analyzer.model import Incident, Report, Sample, SourceStats, frozen_map
from analyzer.store import (
    StateError,
    StateStore,
    classify,
    default_state_path,
    parse_fail_on,
)
from analyzer.store.live import Gain, LiveRun
from tests.conftest import ROOT
from tests.reportlogs import CREATED_AT, MINUTE, REPORT_ID, SESSION_ID, hours_ago, render_log


def incident(ident: str, severity: str = "critical", count: int = 1, ts: int = 10**18) -> Incident:
    return Incident(id=ident, rule="postgres.undefined_column", title="Column does not exist",
                    severity=severity, category="schema", count=count, first_seen=ts,
                    last_seen=ts + 5, services=("api",), entities=frozen_map({"column": ident}),
                    samples=(Sample(ts, "app.log", 3, f"column {ident} does not exist"),))


def report_of(*incidents: Incident) -> Report:
    return Report(sources=(SourceStats("app.log", lines=10, records=10),),
                  incidents=incidents,
                  timelines=frozen_map({i.id: frozen_map({(i.first_seen or 0) // MINUTE: i.count})
                                        for i in incidents}))


def run(store: StateStore, *incidents: Incident):
    run_id = store.begin_run(["app.log"], (None, None))
    return store.finish_run(run_id, report_of(*incidents))


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_classify_walks_new_ongoing_resolved_regressed():
    assert classify(["a"], {}) == {"a": "NEW"}
    assert classify(["a"], {"a": "NEW"}) == {"a": "ONGOING"}
    assert classify([], {"a": "ONGOING"}) == {"a": "RESOLVED"}
    assert classify(["a"], {"a": "RESOLVED"}) == {"a": "REGRESSED"}
    assert classify([], {"a": "RESOLVED"}) == {}  # reported resolved once, then quiet
    assert classify(["b"], {"a": "REGRESSED"}) == {"b": "NEW", "a": "RESOLVED"}


def test_statuses_across_runs_and_history_is_kept(tmp_path):
    with StateStore(tmp_path / "state.db") as store:
        # each run holds new events (a later minute): the counts add up
        first = run(store, incident("a", count=3), incident("b"))
        assert {i: h.status for i, h in first.history.items()} == {"a": "NEW", "b": "NEW"}
        assert first.previous is None
        second = run(store, incident("a", count=2, ts=10**18 + MINUTE))
        assert second.history["a"].status == "ONGOING"
        assert [(h.id, h.status) for h in second.resolved] == [("b", "RESOLVED")]
        assert second.previous is not None and second.previous.id == first.run.id
        third = run(store, incident("a", ts=10**18 + 2 * MINUTE),
                    incident("b", count=4, ts=10**18 + 2 * MINUTE))
        assert third.history["b"].status == "REGRESSED"
        fourth = run(store, incident("a", ts=10**18 + 3 * MINUTE))
        assert [h.id for h in fourth.resolved] == ["b"]
        fifth = run(store, incident("a", ts=10**18 + 4 * MINUTE))
        assert fifth.resolved == ()
        a = fifth.history["a"]
        assert (a.total, a.runs_seen, a.first_run) == (3 + 2 + 1 + 1 + 1, 5, first.run.id)
        assert [count for _, count in a.recent] == [3, 2, 1, 1, 1]
        assert fifth.status_counts() == {"NEW": 0, "REGRESSED": 0, "ONGOING": 1, "RESOLVED": 0}
        # The last snapshot of a resolved incident is kept, samples included
        assert fourth.resolved[0].incident.samples[0].message == "column b does not exist"
        assert store.minutes("a") == {10**18 // MINUTE + n: count
                                      for n, count in enumerate([3, 2, 1, 1, 1])}


def test_a_live_run_counts_its_flushes_once_as_a_run_and_adds_every_gain(tmp_path):
    minute = 10**18 // MINUTE
    with StateStore(tmp_path / "state.db") as store:
        for _process in range(2):
            live = LiveRun(store, ["render-stream"], started=10**18)
            for flush in range(3):
                live.flush([Gain(incident("a", count=flush + 1), "ONGOING", added=2,
                                 minutes={minute + flush: 2})])
            live.finish(lines=10, records=10, incidents=1)
        (a,) = store.incidents()
        assert (a.total, a.runs_seen) == (12, 2)
        assert [count for _, count in a.recent] == [6, 6]  # each process's sighting adds up
        assert store.minutes("a") == {minute: 4, minute + 1: 4, minute + 2: 4}


def test_a_version_1_state_file_is_upgraded_with_its_counts(tmp_path):
    path = tmp_path / "state.db"
    with StateStore(path) as store:
        run(store, incident("a", count=3))
    with sqlite3.connect(path) as db:  # what version 1 wrote: no pieces
        db.execute("DROP TABLE pieces")
        db.execute("PRAGMA user_version = 1")
    db.close()
    before = digest(path)
    with StateStore(path) as store:  # a dry run upgrades nothing
        assert store.preview(["app.log"], (None, None), report_of(incident("a"))).history
    assert digest(path) == before
    with StateStore(path) as store:
        later = run(store, incident("a", count=2, ts=10**18 + MINUTE))
        assert later.history["a"].total == 5
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert db.execute("SELECT sum(count) FROM pieces").fetchone()[0] == 5
    db.close()


def test_preview_classifies_without_recording(tmp_path):
    with StateStore(tmp_path / "state.db") as store:
        run(store, incident("a"))
        preview = store.preview(["x"], (None, None), report_of(incident("b")))
        assert preview.history["b"].status == "NEW" and preview.resolved[0].id == "a"
        again = run(store, incident("a"))
        assert again.history["a"].status == "ONGOING"
        assert len(store.runs()) == 2


def test_default_state_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_state_path() == tmp_path / "analyzer" / "state.db"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert str(default_state_path()).endswith(".local/state/analyzer/state.db")


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('mine')")
    db.close()
    before = digest(path)
    with pytest.raises(StateError, match="another application"):
        StateStore(path)
    assert digest(path) == before
    assert not (tmp_path / "other.db-wal").exists()


def test_text_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    before = digest(path)
    with pytest.raises(StateError, match="not a SQLite database"):
        StateStore(path)
    assert digest(path) == before


def test_corrupt_state_is_refused_and_untouched(tmp_path):
    path = tmp_path / "state.db"
    with StateStore(path) as store:
        for index in range(30):
            run(store, *(incident(f"i{index}-{n}") for n in range(20)))
    data = bytearray(path.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # garbage over the second and third pages
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StateError, match="corrupt"):
        StateStore(path)
    assert digest(path) == before


def test_newer_state_version_is_refused(tmp_path):
    path = tmp_path / "state.db"
    StateStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StateError, match="newer analyzer"):
        StateStore(path)


def test_directory_is_refused(tmp_path):
    with pytest.raises(StateError, match="is a directory"):
        StateStore(tmp_path)


def test_fail_on_parses_statuses_and_severities():
    assert parse_fail_on([]) is None
    condition = parse_fail_on(["new,regressed", "critical"])
    assert condition.statuses == {"NEW", "REGRESSED"} and condition.severity == "critical"
    assert parse_fail_on(["high", "critical"]).severity == "high"
    with pytest.raises(UsageError, match="--fail-on"):
        parse_fail_on(["sometimes"])


def test_fail_on_matches_status_and_severity(tmp_path):
    with StateStore(tmp_path / "state.db") as store:
        result = run(store, incident("a", "critical"), incident("b", "low"))
    assert [h.id for h in parse_fail_on(["new"]).triggered(result)] == ["a", "b"]
    assert [h.id for h in parse_fail_on(["new,high"]).triggered(result)] == ["a"]
    assert parse_fail_on(["regressed"]).triggered(result) == []


def _log_file(tmp_path, name: str, messages: list[str], repeat: int) -> str:
    start = hours_ago(2)
    events = [(start + i * 10**9, messages[i % len(messages)]) for i in range(repeat)]
    path = tmp_path / name
    path.write_text(render_log(events, healthy_every=1))
    return str(path)


@pytest.mark.slow
def test_concurrent_report_runs_do_not_corrupt_the_state(tmp_path):
    state = tmp_path / "state.db"
    logs = [_log_file(tmp_path, f"app{n}.log", [CREATED_AT, SESSION_ID, REPORT_ID], 3000)
            for n in range(3)]
    processes = [subprocess.Popen(
        [sys.executable, "-m", "analyzer", "report", log, "--state", str(state),
         "--out", str(tmp_path / f"r{n}.json")], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE) for n, log in enumerate(logs)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    db = sqlite3.connect(state)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL").fetchone()[0] == 3
    # Serialised: exactly one run saw each incident as NEW, the others as ONGOING
    statuses = db.execute("SELECT incident_id, group_concat(status) FROM sightings "
                          "GROUP BY incident_id").fetchall()
    assert len(statuses) == 3
    for _, seen in statuses:
        assert sorted(seen.split(",")) == ["NEW", "ONGOING", "ONGOING"]


def test_many_writers_in_parallel_processes(tmp_path):
    state = tmp_path / "state.db"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.test_store import incident, run
        from analyzer.store import StateStore
        with StateStore({str(state)!r}) as store:
            for n in range(15):  # every run a minute of its own: the counts add up
                ts = 10**18 + (int(sys.argv[1]) * 15 + n) * 60 * 10**9
                run(store, incident("shared", ts=ts), incident(f"own-{{sys.argv[1]}}-{{n}}"))
    """)
    processes = [subprocess.Popen([sys.executable, "-c", script, str(n)], cwd=ROOT,
                                  stderr=subprocess.PIPE) for n in range(4)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    with StateStore(state) as store:
        runs = store.runs()
        assert len(runs) == 60 and all(r.finished_at for r in runs)
        shared = next(h for h in store.incidents() if h.id == "shared")
        assert shared.runs_seen == 60 and shared.total == 60


def test_a_run_killed_inside_its_transaction_loses_nothing_committed(tmp_path):
    state = tmp_path / "state.db"
    with StateStore(state) as store:
        run(store, incident("kept", count=7))
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.test_store import report_of, incident
        from analyzer.store import StateStore
        store = StateStore({str(state)!r})
        run_id = store.begin_run(["x"], (None, None))
        store._db.execute("BEGIN IMMEDIATE")
        store._record(run_id, report_of(*(incident(f"lost-{{n}}") for n in range(500))))
        os.kill(os.getpid(), signal.SIGKILL)  # dies holding the write lock, uncommitted
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            timeout=60)
    assert result.returncode == -signal.SIGKILL
    with StateStore(state) as store:
        assert [h.id for h in store.incidents()] == ["kept"]
        assert store.incidents()[0].total == 7
        runs = store.runs()
        assert [r.finished_at is not None for r in runs] == [True, False]  # the killed one
        after = run(store, incident("kept"))
        assert after.history["kept"].status == "ONGOING"
        assert after.previous is not None and after.previous.id == runs[0].id


def test_report_killed_while_reading_keeps_the_state_usable(tmp_path):
    state = tmp_path / "state.db"
    log = _log_file(tmp_path, "app.log", [CREATED_AT], 5)
    first = subprocess.run([sys.executable, "-m", "analyzer", "report", log, "--state",
                            str(state), "-o", str(tmp_path / "r.json")], cwd=ROOT,
                           capture_output=True, timeout=60)
    assert first.returncode == 0, first.stderr
    # A second run reads a stdin that never ends; kill it once its run is on record
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "report", "-", "--state",
                                str(state)], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.stdin.write(render_log([(hours_ago(1), SESSION_ID)]).encode())
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sqlite3.connect(state) as db:
            if db.execute("SELECT count(*) FROM runs").fetchone()[0] == 2:
                break
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=10)
    with StateStore(state) as store:
        assert [h.id for h in store.incidents()] == [store.incidents()[0].id]
        assert [r.finished_at is not None for r in store.runs()] == [True, False]
