"""Line framing: every line end counts (a lone CR too), and a line is capped while it is read."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.ingest.framing import LineFramer, split_dense
from tests.conftest import run_module
from tests.ingest_support import read_text


def test_a_lone_carriage_return_ends_a_line():
    data = b"".join(b"2025-11-13T06:20:%02dZ ERROR: job %d failed\r" % (n % 60, n)
                    for n in range(1000))
    result = run_module("scan", "-", "--format", "json", input=data)
    report = json.loads(result.stdout)
    assert report["input"]["lines"] == 1000
    assert sum(i["count"] for i in report["incidents"]) == 1000


def test_crlf_and_lone_cr_and_lf_mix_in_one_file(tmp_path):
    records, stats = read_text(tmp_path, "mixed.log", b"ERROR: a\r\nERROR: b\rERROR: c\nERROR: d")
    assert [r.message for r in records] == ["ERROR: a", "ERROR: b", "ERROR: c", "ERROR: d"]
    assert stats.lines == 4


def test_a_crlf_split_across_two_reads_is_one_line_end(tmp_path):
    # 9-byte reads cut "ERROR: a\r\n" between its \r and its \n.
    records, stats = read_text(tmp_path, "split.log", b"ERROR: a\r\nERROR: b\r\n", block_bytes=9)
    assert [r.message for r in records] == ["ERROR: a", "ERROR: b"] and stats.lines == 2


def _reference(data: bytes, cap: int) -> list[bytes]:
    return [line[:cap] for line in re.sub(rb"\r\n?", b"\n", data).split(b"\n")]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(data=st.lists(st.sampled_from([b"a", b"bb", b"\r", b"\n", b"\r\n", b"ccccccc"]),
                     max_size=40).map(b"".join),
       cuts=st.lists(st.integers(1, 12), min_size=1, max_size=40),
       cap=st.integers(1, 9))
def test_the_framer_keeps_every_line_and_holds_at_most_one_cap(data, cuts, cap):
    framer, out, at = LineFramer(cap), [], 0
    for size in cuts * (len(data) // max(sum(cuts), 1) + 1):
        out.append(framer.feed(data[at: at + size]))
        assert len(framer._pending) <= cap  # memory: one capped line at most
        at += size
        if at >= len(data):
            break
    out.append(framer.finish())
    framed = b"".join(out).replace(b"\r\n", b"\n")
    assert b"\r" not in framed
    assert [line[:cap] for line in framed.split(b"\n")] == _reference(data, cap)


def test_dense_blocks_are_split_into_whole_lines():
    block = b"\n" * 1000 + b"x\n" * 10
    pieces = list(split_dense(block, max_lines=64))
    assert b"".join(pieces) == block
    assert all(p.endswith(b"\n") and p.count(b"\n") <= 64 for p in pieces)
