"""`analyzer watch` on input that used to hang it or kill it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from analyzer.errors import InputError
from analyzer.stream import LiveInput
from tests.conftest import ROOT

ENV = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}


def _watch(*args: str, stdin=subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "analyzer", "watch", *args], cwd=ROOT,
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)


def test_follow_on_a_directory_exits_2_at_once(tmp_path):
    process = _watch("--follow", str(tmp_path))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.decode().strip() == f"analyzer: error: {tmp_path}: is a directory; --follow " \
                                   "takes one log file"
    assert out == b""


def test_the_library_refuses_to_follow_a_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        LiveInput.follow(str(tmp_path))


def test_follow_on_a_missing_file_warns_then_follows_it_when_it_appears(tmp_path):
    path = tmp_path / "later.log"
    process = _watch("--follow", str(path))
    try:
        time.sleep(3)  # start-up, then a few polls without the file
        path.write_bytes(b"ERROR: it arrived\n")
        time.sleep(3)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    errors = err.decode()
    assert f"{path}: no such file yet; waiting for it to appear" in errors
    assert f"{path}: has appeared; following it" in errors
    assert "ERROR: it arrived" in out.decode()


def test_a_line_like_zlib_data_after_a_pause_is_text():
    process = _watch("--format", "json", stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(b"ERROR: before the pause\n")
    process.stdin.flush()
    time.sleep(1.5)  # the burst ends: the next line starts a new block
    process.stdin.write(b"x^hello, not deflate\n\x1f\x8b neither\nERROR: after\n")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"ERROR: after" in out
