"""Memory is bounded by construction: each case runs the real CLI under a 400 MB address-space
limit (a process that tried to hold its input would die) and a time bound."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import sys

import zstandard

LINE_CAP = 64 * 1024


def test_a_stream_without_a_newline_is_cut_while_it_is_read(bounded):
    # 600 MB of one "line" through a pipe: more than the whole address space allowed.
    writer = [sys.executable, "-c", "import sys\nblock = b'a' * (1 << 20)\n"
              "for _ in range(600): sys.stdout.buffer.write(block)"]
    run = bounded("scan", "-", stdin_from=writer, timeout=90)
    assert run.returncode == 0, run.err
    assert "1 line(s) longer than 65536 characters were cut" in run.err
    assert b"1 lines, 1 records" in run.stdout
    assert run.peak_rss_mb < 300


def test_a_megabyte_line_between_errors_costs_one_cap(bounded, tmp_path):
    path = tmp_path / "long.log"
    path.write_bytes(b"ERROR: before\n" + b"x" * (200 << 20) + b"\nERROR: after\n")
    run = bounded("scan", str(path), "--format", "json", timeout=90)
    assert run.returncode == 0, run.err
    report = json.loads(run.stdout)
    assert report["input"]["lines"] == 3
    assert sum(incident["count"] for incident in report["incidents"]) == 2
    assert run.peak_rss_mb < 300


def test_five_megabytes_of_blank_lines_cost_nothing(bounded, tmp_path):
    path = tmp_path / "blank.log"
    path.write_bytes(b"\n" * 5_000_000 + b"ERROR: after the blanks\n")
    run = bounded("scan", str(path), "--format", "json", timeout=30)
    assert run.returncode == 0, run.err
    assert b'"lines": 5000001' in run.stdout and b"after the blanks" in run.stdout
    assert run.seconds < 20


def _bomb_run(bounded, tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    assert path.stat().st_size < 200_000
    run = bounded("scan", str(path), timeout=60)
    assert run.returncode == 2, run.err
    assert "decompression bomb" in run.err and "Traceback" not in run.err
    # The bound is the address-space limit the run survived (400 MB); alone these runs peak at
    # 100-120 MB, but one full-suite run on a loaded machine saw 337 MB: not yet explained, so
    # not asserted tighter than the limit itself.
    assert run.peak_rss_mb < 400
    return run


def test_a_gzip_bomb_of_newlines_is_cut_and_reported(bounded, tmp_path):
    bomb = gzip.compress(b"\n" * (100 << 20), compresslevel=9)  # ~100 KB
    _bomb_run(bounded, tmp_path, "bomb.log.gz", bomb)


def test_a_gzip_bomb_without_newlines_is_cut_and_reported(bounded, tmp_path):
    _bomb_run(bounded, tmp_path, "bomb.gz", gzip.compress(b"\0" * (100 << 20), 9))


def test_bzip2_xz_and_zstd_bombs_are_cut_and_reported(bounded, tmp_path):
    zeros = b"\0" * (64 << 20)
    for name, data in (("bomb.bz2", bz2.compress(zeros, 9)), ("bomb.xz", lzma.compress(zeros)),
                       ("bomb.zst", zstandard.ZstdCompressor(level=19).compress(zeros))):
        _bomb_run(bounded, tmp_path, name, data)


# Imports map ~220 MB of address space (polars' library is most of it; numpy, 81 MB with
# OpenBLAS, is no longer imported) and the rows' unmatched `ERROR: row N` messages load
# PostgreSQL's message catalogue (+85 MB); the never-closing entry's pending text fits in what
# is left of the 400 MB.
def test_a_json_object_that_never_closes_is_given_up_on_not_held(bounded, tmp_path):
    path = tmp_path / "export.json"
    rows = b"".join(b'  {"timestamp": 1763014800433495, "event_message": "ERROR: row %d", '
                    b'"level": "error"},\n' % n for n in range(300))
    filler = b"    " + b"a" * 75 + b"\n"
    path.write_bytes(b"[\n" + rows + b'  {"event_message": "never closed\n'
                     + filler * (60_000_000 // len(filler)) + b'"}]\n')
    run = bounded("scan", str(path), "--format", "json", timeout=120)
    assert run.returncode == 0, run.err
    report = json.loads(run.stdout)
    assert report["input"]["formats"]["supabase_json"] == 300
    assert "unparsed line(s) kept as plain text" in run.err
    assert run.peak_rss_mb < 300
