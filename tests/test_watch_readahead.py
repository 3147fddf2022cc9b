"""`watch` parses one block ahead on a thread (ingest.readahead) and joins what a pipe has
queued into larger blocks: what it announces, and its summary, are those of one thread reading
the same bytes; the reader's queue stays bounded in bytes."""

from __future__ import annotations

import os
import threading
import time

import pytest

from analyzer.ingest import live as live_module
from analyzer.ingest import readahead
from analyzer.ingest.live import MAX_BLOCK_BYTES, MAX_QUEUED_BYTES, Bursts, LiveInput, read_live
from analyzer.report.jsonout import report_dict
from analyzer.session import load_ruleset
from analyzer.settings import Settings
from analyzer.stream import Watcher
from tests.conftest import SEED_LOG
from tests.reportlogs import CREATED_AT, HEALTHY, REPORT_ID, SESSION_ID, line

START = 1_763_014_983 * 10**9
PIPE_SLACK = 128 * 1024  # a pipe read is at most 64 KiB: the queue fills to within that


def _stream() -> bytes:
    """The seed log, then healthy traffic with the app's errors every 50 lines (~3 MB)."""
    events = [CREATED_AT, SESSION_ID, REPORT_ID, 'Executing (default): SELECT "id" FROM "x";']
    lines = [line(START + n * 10**6, events[n // 50 % 4] if n % 50 == 7 else f"{HEALTHY} {n}")
             for n in range(40_000)]
    return SEED_LOG.read_bytes() + "".join(lines).encode()


def _pipe(data: bytes) -> tuple[int, threading.Thread]:
    """A real pipe that a thread fills as a tail would (64 KiB writes), closed at the end."""
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "wb") as pipe:
            for start in range(0, len(data), 64 * 1024):
                pipe.write(data[start:start + 64 * 1024])

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    return read_fd, writer


def _events(watcher: Watcher) -> list[tuple[str, str, str, int]]:
    return [(e.kind, e.incident.id, e.incident.severity, e.incident.count)
            for e in watcher.take_events()]


def _watched(data: bytes, *, ahead: bool) -> tuple[list, dict, int]:
    """Events announced per tick (in order), the summary, and the ticks that announced."""
    settings = Settings()
    watcher = Watcher(load_ruleset(settings), settings, idle=0.05)
    read_fd, writer = _pipe(data)
    live = LiveInput.stdin(read_fd).start()
    announced: list = []
    try:
        if ahead:
            watcher.run(live, lambda events: announced.append(
                [(e.kind, e.incident.id, e.incident.severity, e.incident.count)
                 for e in events]), tick=0.05)
        else:  # the one-thread route: read_live's records straight into the session
            stats = watcher.session.open_source(live.name)
            for record in read_live(live, stats, options=watcher.session.options, idle=0.05,
                                    tick=0.05, on_tick=lambda: announced.append(
                                        _events(watcher))):
                watcher.add_record(record)
            announced.append(_events(watcher))
    finally:
        live.stop()
        writer.join()
        os.close(read_fd)
    flat = [event for events in announced for event in events]
    return flat, report_dict(watcher.report()), len(announced)


def test_read_ahead_announces_and_sums_up_as_one_thread_does(monkeypatch):
    monkeypatch.setattr(readahead, "BATCH_RECORDS", 7)  # many hand-overs inside each block
    data = _stream()
    ahead_events, ahead_report, _ = _watched(data, ahead=True)
    one_events, one_report, _ = _watched(data, ahead=False)
    assert len(ahead_events) >= 4 and {e[0] for e in ahead_events} == {"new"}
    assert ahead_events == one_events
    assert ahead_report["incidents"] == one_report["incidents"]
    assert ahead_report["input"] == one_report["input"]
    assert ahead_report["input"]["lines"] == data.count(b"\n")


def test_records_come_in_order_with_a_tick_after_each_burst():
    read_fd, write_fd = os.pipe()
    live = LiveInput.stdin(read_fd).start()
    stats = Watcher(load_ruleset(Settings()), Settings()).session.open_source("-")
    items = iter(readahead.ReadAhead(live, stats, idle=0.05, tick=0.05))
    try:
        os.write(write_fd, line(START, REPORT_ID).encode())
        first = next(item for item in items if item is not readahead.TICK)
        assert [r.lineno for r in first] == [1]  # the lone line, at the burst's end
        assert next(items) is readahead.TICK  # then the tick that announces it
        os.write(write_fd, (line(START, SESSION_ID) + line(START, REPORT_ID)).encode())
        second: list[int] = []  # the complete event when emitted, the open one at the end
        while 4 not in second:
            item = next(items)  # ticks may come between: one at least every `tick`
            if item is not readahead.TICK:
                second.extend(r.lineno for r in item)
        assert second == [2, 4]
        assert next(items) is readahead.TICK  # the burst's end: right after its last event
    finally:
        os.close(write_fd)
    assert list(items) in ([], [readahead.TICK])  # the end of input ends the iteration
    os.close(read_fd)


def test_closing_the_read_ahead_stops_its_reader():
    data = _stream()
    read_fd, write_fd = os.pipe()
    live = LiveInput.stdin(read_fd).start()
    stats = Watcher(load_ruleset(Settings()), Settings()).session.open_source("-")
    os.write(write_fd, data[:60_000])  # more is never written: the input stays open
    items = iter(readahead.ReadAhead(live, stats, idle=0.05, tick=0.05))
    assert any(item is not readahead.TICK for item in items)
    items.close()  # type: ignore[attr-defined]  # what Ctrl-C or `q` does to the loop
    assert live.stopped.is_set()
    assert not [t for t in threading.enumerate() if t.name == "parse--"]
    os.close(write_fd)
    os.close(read_fd)


def test_a_pipe_that_is_ahead_is_read_in_large_blocks_and_a_bounded_queue(monkeypatch):
    data = b"".join(line(START + n, f"{HEALTHY} {n}").encode() for n in range(150_000))
    assert len(data) > 2 * MAX_BLOCK_BYTES
    read_fd, writer = _pipe(data)
    live = LiveInput.stdin(read_fd).start()
    deadline = time.monotonic() + 30
    while live.queued_bytes < MAX_QUEUED_BYTES - PIPE_SLACK and time.monotonic() < deadline:
        time.sleep(0.05)  # the reader fills its queue, then waits for room
    time.sleep(0.2)
    assert live.queued_bytes <= MAX_QUEUED_BYTES
    sizes = []
    for block in Bursts(live, 0.5, lambda: None, 1.0).burst():
        sizes.append(len(block))
        assert live.queued_bytes <= MAX_QUEUED_BYTES
    writer.join()
    os.close(read_fd)
    assert sum(sizes) == len(data)
    # pipe reads of at most 64 KiB, joined: the first block is the whole queue's worth
    assert sizes[0] > MAX_BLOCK_BYTES - PIPE_SLACK
    assert max(sizes) <= MAX_BLOCK_BYTES + live_module.CHUNK_BYTES


@pytest.mark.parametrize("pieces", [1, 3])
def test_a_lone_line_after_a_pause_still_ends_its_burst(pieces):
    """Joining queued chunks never waits: a line written alone is one burst of its own."""
    read_fd, write_fd = os.pipe()
    live = LiveInput.stdin(read_fd).start()
    text = line(START, REPORT_ID).encode()
    step = -(-len(text) // pieces)
    for start in range(0, len(text), step):
        os.write(write_fd, text[start:start + step])
    started = time.monotonic()
    blocks = list(Bursts(live, 0.1, lambda: None, 1.0).burst())
    assert b"".join(blocks) == text and time.monotonic() - started < 2.0
    os.close(write_fd)
    os.close(read_fd)
