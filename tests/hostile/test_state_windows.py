from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from analyzer.store.tally import Piece, coverage, merge_piece
from tests.conftest import ROOT, run_module

SEED = ROOT / "samples" / "seed" / "render.log"  # 06:20:00 .. 06:29:58 on 2025-11-13
AT = "2025-11-13T06:{}Z"
MINUTE = 60 * 10**9


def totals(state: Path) -> dict[str, int]:
    with sqlite3.connect(state) as db:
        return dict(db.execute("SELECT id, total FROM incidents"))


def report(state: Path, *window: str) -> None:
    args = []
    for flag, when in zip(("--since", "--until"), window, strict=False):
        if when:
            args += [flag, AT.format(when)]
    done = run_module("report", str(SEED), "--state", str(state), *args)
    assert done.returncode == 0, done.stderr


def impact(state: Path, ident: str) -> dict:
    done = run_module("postmortem", "--incident", ident, "--state", str(state), "-f", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["impact"]


@pytest.fixture(scope="module")
def once(tmp_path_factory) -> Path:
    state = tmp_path_factory.mktemp("once") / "state.db"
    report(state)
    assert sum(totals(state).values()) > 10
    return state


# Windows that end and start inside minutes (not on a minute's edge), in every order.
OVERLAPPING = [("19:00", "25:30"), ("23:15", "28:45"), ("27:10", "31:00")]


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (1, 2, 0)])
def test_three_overlapping_windows_count_what_one_run_counts(tmp_path, once, order):
    state = tmp_path / "state.db"
    for index in order:
        report(state, *OVERLAPPING[index])
    assert totals(state) == totals(once)
    ident = max(totals(once), key=totals(once).get)
    runs = {**impact(once, ident), "runs_seen": len(order)}
    assert impact(state, ident) == runs  # errors, timeline, span: as one run said


def test_contiguous_windows_split_inside_a_minute_add_up(tmp_path, once):
    state = tmp_path / "state.db"
    for window in [("19:00", "22:20.5"), ("22:20.5", "26:40"), ("26:40", "")]:
        report(state, *window)
    assert totals(state) == totals(once)


def test_a_window_inside_one_already_recorded_adds_nothing(tmp_path, once):
    state = tmp_path / "state.db"
    report(state)
    report(state, "22:10", "24:50")
    report(state, "", "26:00")
    assert totals(state) == totals(once)


def test_another_input_over_the_same_minutes_still_adds(tmp_path, once):
    state = tmp_path / "state.db"
    copy = tmp_path / "other.log"
    copy.write_bytes(SEED.read_bytes())
    report(state)
    done = run_module("report", str(copy), "--state", str(state))
    assert done.returncode == 0, done.stderr
    assert totals(state) == {ident: 2 * total for ident, total in totals(once).items()}


def test_a_piece_inside_the_new_window_is_replaced_and_one_apart_is_kept():
    first, second = Piece(0, 30, 4), Piece(30, 60, 5)
    assert merge_piece([first], second) == [first, second]
    assert merge_piece([first, second], Piece(0, 60, 9)) == [Piece(0, 60, 9)]
    assert merge_piece([Piece(0, 60, 9)], Piece(10, 20, 2)) == [Piece(0, 60, 9)]
    # in part only: one piece over both parts, the larger count (never the sum)
    assert merge_piece([Piece(0, 40, 6), Piece(50, 60, 1)], Piece(30, 55, 3)) == [
        Piece(0, 60, 6)]


def test_a_window_covers_the_part_of_a_minute_inside_it():
    assert coverage(2, (None, None)) == (2 * MINUTE, 3 * MINUTE)
    assert coverage(2, (2 * MINUTE + 5, None)) == (2 * MINUTE + 5, 3 * MINUTE)
    assert coverage(2, (0, 2 * MINUTE + 7)) == (2 * MINUTE, 2 * MINUTE + 7)
