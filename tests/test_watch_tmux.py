"""The live screen in a real terminal multiplexer (tmux): an 80-column pane, keys sent as a
person types them, the screen read back with capture-pane."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SEED_SCHEMA, run_module
from tests.reportlogs import CREATED_AT, SESSION_ID, line

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(
    TMUX is None and not os.environ.get("ANALYZER_REQUIRE_TMUX"),
    reason="tmux not installed (.ci/run installs it and requires this test)")


class Pane:
    def __init__(self, socket: str) -> None:
        self.base = [TMUX or "tmux", "-S", socket]

    def run(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], capture_output=True, text=True,
                              timeout=20, check=True).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", "watch", "-S", "-300")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed:\n{self.screen()}")


def test_live_screen_at_80_columns_with_keys(tmp_path):
    log = tmp_path / "live.log"
    log.write_text("")
    pane = Pane(str(tmp_path / "tmux.sock"))
    command = (f"cd {ROOT} && {sys.executable} -m analyzer watch --follow {log} "
               f"--schema {SEED_SCHEMA}; echo EXITED $?; sleep 60")
    pane.run("new-session", "-d", "-s", "watch", "-x", "80", "-y", "40", command)
    try:
        assert str(log) in pane.wait_for("waiting for lines from").replace("\n", "")
        with log.open("a") as handle:
            for message in (SESSION_ID, CREATED_AT):
                handle.write(line(time.time_ns(), message))
        pane.wait_for("→ createdAt")
        screen = pane.wait_for("root cause rc-")
        table = screen[screen.index("sev "):]
        # narrow: the sparkline and the rate go first; ids and found names stay whole
        assert "last 30 min" not in table and "/min" not in table
        assert "→ sessionId" in table and "→ createdAt" in table, screen
        ids = [word for row in table.splitlines() if row.startswith("critical")
               for word in row.split() if len(word) == 12 and word.isalnum()]
        assert len(ids) == 2
        assert screen.count("root cause rc-") == 1  # one line per cause: one cause here
        pane.run("send-keys", "-t", "watch", "?")
        pane.wait_for("keys: q quit")
        pane.run("send-keys", "-t", "watch", "q")
        done = pane.wait_for("EXITED 0")
        assert "Root causes" in done and all(i in done for i in ids)
        # an id as the screen shows it is what postmortem takes first
        draft = run_module("postmortem", ids[0], str(log), "--schema", str(SEED_SCHEMA))
        assert draft.returncode == 0 and f"`{ids[0]}`".encode() in draft.stdout, draft.stderr
    finally:
        subprocess.run([*pane.base, "kill-server"], capture_output=True, timeout=20)
