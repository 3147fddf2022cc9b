"""One meaning per exit status for every command, options checked before any input is read,
and the console's endings: a full disk, an internal error, a terminal on stdin."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SEED_LOG, run_module


@pytest.mark.parametrize("args", [
    ("scan", "--format", "xml"),
    ("watch", "--format", "xml"),
    ("postmortem", "x", "--format", "xml"),
    ("templates", "--format", "xml"),
    ("report", "--out", "x.pdf"),
    ("report", "--format", "xml"),
    ("merge", "shard.json", "--format", "xml"),
    ("rules", "suggest", "80fdb3d2c5e8", "--format", "xml"),
    ("watch", "--min-severity", "severe"),
])
def test_a_bad_option_fails_before_any_input_is_read(args):
    """stdin stays open and silent: a command that read it first would hang."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "analyzer", *args], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
        assert process.stdin is not None
        process.stdin.close()
    assert process.returncode == 2 and time.monotonic() - started < 30
    assert err.decode().startswith("analyzer: error: ") and len(err.splitlines()) == 1


def test_a_full_disk_on_stdout_is_one_line_and_exit_2():
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "analyzer", "scan", str(SEED_LOG)],
                              cwd=ROOT, stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "analyzer: error: cannot write the output: No space left on device"]


def test_a_closed_pipe_is_a_quiet_exit_0():
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", "--format", "json",
                                str(SEED_LOG)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and b"Traceback" not in err


def test_an_internal_error_is_one_line_exit_3_and_a_traceback_with_v(cli, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("analyzer.pipeline.analysis_session", broken)
    plain = cli("scan", str(SEED_LOG))
    assert plain.exit_code == 3
    assert plain.stderr.splitlines() == [
        "analyzer: internal error: ZeroDivisionError: division by zero (run `analyzer -v "
        "...` for the traceback)"]
    verbose = cli("-v", "scan", str(SEED_LOG))
    assert verbose.exit_code == 3 and "Traceback (most recent call last)" in verbose.stderr


@pytest.mark.parametrize("command", ["scan", "report", "templates", "watch"])
def test_no_paths_and_a_terminal_on_stdin_is_refused_with_a_hint(command, tmp_path):
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "analyzer", command,
                               *(["--state", str(tmp_path / "s.db")] if command == "report"
                                 else [])],
                              cwd=ROOT, stdin=follower, capture_output=True, timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert b"no input: give log files (or -) or pipe logs into stdin" in done.stderr


def test_fail_on_alone_exits_1_and_a_fatal_input_problem_exits_2(tmp_path):
    assert run_module("scan", str(SEED_LOG), "--fail-on", "critical").returncode == 1
    missing = run_module("scan", str(tmp_path / "nope.log"))
    assert missing.returncode == 2 and b"analyzer: error:" in missing.stderr
