"""Compression is sniffed only where it can start, checked before it is trusted, and damage is
a reported problem, never an exception."""

from __future__ import annotations

import bz2
import functools
import gzip
import json
import lzma
import os
import subprocess
import sys

import pytest
import zstandard

from analyzer.errors import InputError
from analyzer.ingest import Source, read_source
from analyzer.model import SourceStats
from tests.conftest import ROOT, SEED_LOG, run_module
from tests.ingest_support import messages, read_text

SEED = SEED_LOG.read_bytes()
# Many seed lines, numbered so that they compress like a real log (not 300:1).
MANY = b"".join(b"%d " % n + line for n, line in enumerate(SEED.splitlines(True) * 50))
COMPRESSORS = {
    "gzip": gzip.compress,
    "bzip2": bz2.compress,
    "xz": lzma.compress,
    # with a checksum, as the zstd tool writes it (without one, damage can go unseen)
    "zstd": lambda data: zstandard.ZstdCompressor(write_checksum=True).compress(data),
}


def test_a_line_that_starts_like_zlib_data_is_text():
    result = run_module("scan", "-", "--format", "json", input=b"x^hello\n")
    assert result.returncode == 0, result.stderr.decode()
    assert b'"lines": 1' in result.stdout and not result.stderr


@pytest.mark.parametrize("head", [b"x^", b"x\x9c", b"x\xda", b"x\x01", b"\x28\xb5\x2f\xfd",
                                  b"\x1f\x8b", b"BZh9", b"\xfd7zXZ\x00"])
def test_lines_that_start_like_compressed_data_at_a_block_start_are_text(tmp_path, head):
    # Every line starts a block at this block size; none may switch the decoder.
    lines = [b"ERROR: first"] + [head + b" line %d" % n for n in range(50)]
    records, stats = read_text(tmp_path, "x.log", b"\n".join(lines) + b"\n", block_bytes=8)
    assert stats.lines == 51 and len(records) == 51
    assert records[-1].message.endswith("line 49")


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_every_codec_is_sniffed_by_content_not_by_name(tmp_path, codec):
    plain, _ = read_text(tmp_path, "seed.log", SEED)
    packed, stats = read_text(tmp_path, "seed-copy.log", COMPRESSORS[codec](SEED))
    assert messages(packed) == messages(plain)
    assert stats.lines == SEED.count(b"\n")


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_compressed_stdin_is_read_decompressed(codec):
    result = run_module("scan", "-", "--format", "json", input=COMPRESSORS[codec](SEED))
    assert result.returncode == 0, result.stderr.decode()
    assert b'"lines": %d' % SEED.count(b"\n") in result.stdout


def test_concatenated_gzip_members_are_all_read(tmp_path):
    data = gzip.compress(b"ERROR: one\n") + gzip.compress(b"ERROR: two\n")
    records, _ = read_text(tmp_path, "two.gz", data)
    assert messages(records) == ["ERROR: one", "ERROR: two"]


def test_a_magic_number_whose_data_does_not_decode_is_read_as_text(tmp_path):
    records, stats = read_text(tmp_path, "bz.log", b"BZh91AY&SY is not bzip2\nERROR: x\n")
    assert messages(records)[-1] == "ERROR: x" and stats.lines == 2


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_truncated_compressed_data_keeps_what_came_before_and_says_so(tmp_path, codec):
    packed = COMPRESSORS[codec](MANY)
    path = tmp_path / "cut.log"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    got = []
    with pytest.raises(InputError, match=f"{codec} data") as caught:
        for record in read_source(Source(str(path)), SourceStats("cut"), block_bytes=4096):
            got.append(record)
    assert len(got) > 100 and "kept what came before it" in str(caught.value)


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_corrupt_compressed_data_is_a_reported_problem_never_a_traceback(tmp_path, codec):
    packed = bytearray(COMPRESSORS[codec](MANY))
    middle = len(packed) // 2
    packed[middle: middle + 64] = bytes(64)
    path = tmp_path / "bad.log"
    path.write_bytes(bytes(packed))
    good = tmp_path / "good.log"
    good.write_bytes(SEED)
    result = run_module("scan", str(path), str(good), "--format", "json")
    err = result.stderr.decode()
    assert "Traceback" not in err and f"{path}: {codec} data" in err
    assert result.returncode == 2
    assert str(good).encode() in result.stdout and b'"incidents": [' in result.stdout


TOOLS = {"gzip": ["gzip", "-c"], "bzip2": ["bzip2", "-c"], "xz": ["xz", "-c"],
         "zstd": ["zstd", "-q", "-c"]}


def _watch_through_a_pipe(feeder: list[str]) -> subprocess.CompletedProcess[bytes]:
    """`FEEDER | analyzer watch --format json`: the events, one JSON object per line."""
    env = {**os.environ, "NO_COLOR": "1"}
    with subprocess.Popen(feeder, stdout=subprocess.PIPE) as feed:
        result = subprocess.run([sys.executable, "-m", "analyzer", "watch", "--format", "json"],
                                stdin=feed.stdout, capture_output=True, cwd=ROOT, env=env,
                                timeout=120)
    return result


def _events(result: subprocess.CompletedProcess[bytes]) -> list[tuple[str, str]]:
    events = [json.loads(line) for line in result.stdout.splitlines()]
    return [(event["event"], event["incident"]["id"]) for event in events]


@functools.cache
def _plain_events() -> list[tuple[str, str]]:
    result = _watch_through_a_pipe(["cat", str(SEED_LOG)])
    assert result.returncode == 0, result.stderr.decode()
    return _events(result)


@pytest.mark.parametrize("codec", TOOLS)
def test_watch_reads_compressed_stdin_decompressed(codec):
    result = _watch_through_a_pipe([*TOOLS[codec], str(SEED_LOG)])
    assert result.returncode == 0, result.stderr.decode()
    assert _events(result) == _plain_events() and len(_plain_events()) >= 3


def test_watch_on_truncated_compressed_stdin_keeps_what_came_and_says_so(tmp_path):
    cut = tmp_path / "cut.gz"
    packed = gzip.compress(MANY)
    cut.write_bytes(packed[: len(packed) // 2])
    result = _watch_through_a_pipe(["cat", str(cut)])
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "-: gzip data ends early (truncated)" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert _events(result)  # the events before the damage were announced
