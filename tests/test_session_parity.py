"""`scan` and `watch` drive the same Session: fed the same bytes through stdin, every sample
gives identical incidents, problems and counts (the live reader only cuts them into bursts)."""

from __future__ import annotations

import gzip
import json
import os
import threading
from pathlib import Path

import pytest

from analyzer.ingest.live import LiveInput
from analyzer.report.jsonout import report_dict
from analyzer.session import load_ruleset, load_schema
from analyzer.settings import Settings
from analyzer.stream import Watcher
from tests.conftest import SAMPLES
from tests.test_samples import expectation_for, sample_logs


def _bytes_of(log: Path) -> bytes:
    data = log.read_bytes()
    return gzip.decompress(data) if log.name.endswith(".gz") else data


def _watch(data: bytes, settings: Settings) -> dict:
    """The watch summary of `data` written into a real pipe, in pieces, as a tail would."""
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "wb") as pipe:
            for start in range(0, len(data), 64 * 1024):
                pipe.write(data[start:start + 64 * 1024])

    writer = threading.Thread(target=feed)
    writer.start()
    watcher = Watcher(load_ruleset(settings), settings, load_schema(settings, []), idle=0.05)
    live = LiveInput.stdin(read_fd).start()
    try:
        watcher.run(live, lambda events: None, tick=0.05)
    finally:
        live.stop()
        writer.join()
        os.close(read_fd)
    return report_dict(watcher.report())


def _comparable(report: dict) -> dict:
    return {"incidents": report["incidents"], "problems": report["problems"],
            "root_causes": report["root_causes"], "input": report["input"]}


@pytest.mark.parametrize("log", sample_logs(), ids=lambda p: str(p.relative_to(SAMPLES)))
def test_scan_and_watch_agree_on_stdin(log: Path, cli):
    expected = expectation_for(log) or {}
    schemas = [str(log.parent / s) for s in expected.get("schema", [])]
    data = _bytes_of(log)
    args = [arg for schema in schemas for arg in ("--schema", schema)]
    scanned = cli("scan", "--format", "json", *args, "-", input=data)
    assert scanned.exit_code in (0, 2), scanned.stderr
    scan = json.loads(scanned.stdout)
    watch = _watch(data, Settings(schemas=tuple(schemas)))
    assert _comparable(watch) == _comparable(scan)
