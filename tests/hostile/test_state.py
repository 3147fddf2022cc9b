from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from pathlib import Path

import pytest

from analyzer.store import StateError, StateStore
from tests.conftest import run_module
from tests.reportlogs import CREATED_AT, SESSION_ID, hours_ago, render_log


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def log(tmp_path) -> Path:
    path = tmp_path / "app.log"
    path.write_text(render_log([(hours_ago(2), CREATED_AT), (hours_ago(1.5), SESSION_ID),
                                (hours_ago(1), CREATED_AT)], healthy_every=1))
    return path


def totals(state: Path) -> dict[str, tuple[int, int]]:
    with sqlite3.connect(state) as db:
        return {i: (t, r) for i, t, r in db.execute("SELECT id, total, runs_seen FROM incidents")}


def test_the_same_window_reported_three_times_counts_once(tmp_path, log):
    state = tmp_path / "state.db"
    for _ in range(3):
        done = run_module("report", str(log), "--state", str(state))
        assert done.returncode == 0, done.stderr
    assert b"already recorded" in done.stderr
    once = tmp_path / "once.db"
    run_module("report", str(log), "--state", str(once))
    assert totals(state) == totals(once)
    assert sum(total for total, _ in totals(state).values()) == 3
    ident = next(iter(totals(state)))
    drafts = [json.loads(run_module("postmortem", "--incident", ident, "--state", str(path), "-f",
                                    "json").stdout) for path in (state, once)]
    assert drafts[0]["impact"] == drafts[1]["impact"]
    assert drafts[0]["incidents"] == drafts[1]["incidents"]


def test_new_events_in_a_later_run_add_only_what_is_new(tmp_path, log):
    state = tmp_path / "state.db"
    run_module("report", str(log), "--state", str(state))
    log.write_text(log.read_text() + render_log([(hours_ago(0.5), CREATED_AT)]))
    done = run_module("report", str(log), "--state", str(state))
    assert b"already recorded" not in done.stderr
    assert sum(total for total, _ in totals(state).values()) == 3 + 1


@pytest.mark.parametrize("empty", [b"", b"\n\n\n"])
def test_an_empty_window_never_resolves_incidents(tmp_path, log, empty):
    state = tmp_path / "state.db"
    run_module("report", str(log), "--state", str(state))
    done = run_module("report", "-", "--state", str(state), input=empty)
    assert b"nothing was read" in done.stderr
    assert b"RESOLVED" not in done.stdout
    with sqlite3.connect(state) as db:
        assert {s for s, in db.execute("SELECT status FROM incidents")} == {"NEW"}


def test_an_unreadable_input_never_resolves_incidents(tmp_path, log):
    state = tmp_path / "state.db"
    run_module("report", str(log), "--state", str(state))
    done = run_module("report", str(tmp_path / "missing.log"), "--state", str(state))
    assert done.returncode != 0
    assert b"resolves nothing" in done.stderr
    with sqlite3.connect(state) as db:
        assert {s for s, in db.execute("SELECT status FROM incidents")} == {"NEW"}


def test_read_only_commands_never_create_a_state_file(tmp_path, log):
    state = tmp_path / "new" / "state.db"
    drafted = run_module("postmortem", "--incident", "abc", "--state", str(state))
    assert drafted.returncode != 0
    assert drafted.stderr.decode().strip().count("\n") == 0
    assert b"no such state file" in drafted.stderr
    dry = run_module("report", str(log), "--state", str(state), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert b"NEW" in dry.stdout
    assert not state.exists() and not state.parent.exists()


def test_postmortem_reads_a_state_without_writing_it(tmp_path, log):
    state = tmp_path / "state.db"
    run_module("report", str(log), "--state", str(state))
    ident = next(iter(totals(state)))
    before = {p.name: digest(p) for p in tmp_path.glob("state.db*")}
    drafted = run_module("postmortem", "--incident", ident, "--state", str(state))
    assert drafted.returncode == 0, drafted.stderr
    assert {p.name: digest(p) for p in tmp_path.glob("state.db*")} == before


def _damaged_copies(state: Path, tmp_path: Path, trials: int) -> list[Path]:
    data = state.read_bytes()
    rng = random.Random(11)
    copies = []
    for n in range(trials):
        damaged = bytearray(data)
        start = rng.randrange(100, len(data) - 64)
        damaged[start:start + 64] = rng.randbytes(64)
        copy = tmp_path / f"damaged{n}.db"
        copy.write_bytes(bytes(damaged))
        copies.append(copy)
    return copies


def test_randomly_damaged_state_is_refused_untouched_or_read_cleanly(tmp_path, log):
    state = tmp_path / "state.db"
    for hours in (3, 2, 1):  # a few runs: several pages of history
        log.write_text(log.read_text() + render_log([(hours_ago(hours), SESSION_ID)]))
        run_module("report", str(log), "--state", str(state))
    with sqlite3.connect(state) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    refused = 0
    for copy in _damaged_copies(state, tmp_path, 12):
        before = digest(copy)
        try:
            with StateStore(copy) as store:
                for history in store.incidents():
                    json.dumps(history.id)
        except StateError as exc:
            refused += 1
            assert "\n" not in str(exc) and str(copy) in str(exc)
            assert digest(copy) == before, copy.name
    assert refused >= 1


def test_damaged_state_through_the_cli_is_one_line_and_kept(tmp_path, log):
    state = tmp_path / "state.db"
    run_module("report", str(log), "--state", str(state))
    with sqlite3.connect(state) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(state.read_bytes())
    data[4096:4096 + 512] = b"\x00\xff" * 256  # garbage over the second page
    state.write_bytes(bytes(data))
    before = digest(state)
    done = run_module("report", str(log), "--state", str(state))
    assert done.returncode != 0
    message = done.stderr.decode().strip()
    assert "corrupt" in message and "\n" not in message and "Traceback" not in message
    assert digest(state) == before


def test_template_ids_are_unique_so_the_report_records_them(tmp_path):
    state = tmp_path / "s.db"
    done = run_module("report", "-", "--state", str(state), "--out", "-",
                      input=b"ERROR: job 12 failed\nERROR: job 12 13 failed\n")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(state) as db:
        ids = [i for i, in db.execute("SELECT incident_id FROM sightings")]
    assert len(ids) == len(set(ids)) == 2
