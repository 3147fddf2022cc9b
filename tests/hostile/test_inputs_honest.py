"""No traceback from input, and no false all-clear: what could not be read is said on stderr,
and "No incidents found." is only printed when something was read."""

from __future__ import annotations

import gzip
import json

from analyzer.pipeline import analyze
from tests.conftest import SAMPLES, SEED_LOG, run_module

SUPABASE_CSV = SAMPLES / "supabase" / "supabase_logs.csv"
UNIFIED_CSV = SAMPLES / "supabase" / "unified-logs.csv"


def _with_rows(path, tmp_path, *rows: str):
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    bad = tmp_path / f"bad-{path.name}"
    bad.write_text("\n".join([lines[0], *rows, *lines[1:]]) + "\n", encoding="utf-8")
    return bad


def test_broken_supabase_csv_rows_are_kept_as_text_and_good_files_still_count(tmp_path):
    legacy = _with_rows(SUPABASE_CSV, tmp_path, '"a"@"b"', '","', 'stray " quote',
                        '"db","1763014801623788","id","x"@"y","ERROR","null","null","extra"')
    unified = _with_rows(UNIFIED_CSV, tmp_path, '"a"@"b"', 'x,2025-11-13T06:20:00Z,"open,'
                         'postgres,00000,log,')
    result = run_module("scan", str(legacy), str(unified), str(SEED_LOG), "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert len(report["input"]["sources"]) == 3 and report["incidents"]
    assert b"unparsed line(s) kept as plain text" in result.stderr


def test_a_supabase_edge_5xx_line_with_a_malformed_url_is_read():
    line = b"GET | 502 | 203.0.113.30 | 8f1a2b3c4d5e0009 | https://[ | node\n"
    edge = (SAMPLES / "supabase" / "edge-logs.log").read_bytes()
    result = run_module("scan", "-", "--format", "json", input=edge + line)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["input"]["formats"] == {"supabase_edge": edge.count(b"\n") + 1}


def test_thirteen_bytes_shaped_like_a_postgres_log_are_read():
    result = run_module("scan", "-", "--format", "json", input=b"[0]ERROR:  \nERROR")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["input"]["lines"] == 2


def test_empty_input_is_a_warning_and_no_all_clear():
    result = run_module("scan", "-", input=b"")
    assert result.stdout == b""
    assert result.stderr == b"analyzer: warning: -: empty input: nothing to analyse\n"


def test_blank_input_is_a_warning_and_no_all_clear():
    result = run_module("scan", "-", input=b"\n\n \n")
    assert result.stdout == b""
    assert b"no log events in 3 line(s) (blank lines only)" in result.stderr


def test_binary_input_even_once_decompressed_is_a_warning(tmp_path):
    path = tmp_path / "image.log.gz"
    path.write_bytes(gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4))
    report = analyze([str(path)])
    assert any("looks binary" in p.message for p in report.problems)
    assert report.inconclusive


def test_a_fatal_input_error_prints_no_all_clear(tmp_path):
    result = run_module("scan", str(tmp_path / "missing.log"))
    assert result.returncode == 2 and result.stdout == b""
    assert b"missing.log: no such file" in result.stderr


def test_a_window_that_leaves_out_every_record_says_so_with_their_span(tmp_path):
    result = run_module("report", str(SEED_LOG), "--since", "2030-01-01",
                        "--state", str(tmp_path / "state.db"))
    assert result.stdout == b""
    err = result.stderr.decode()
    assert "record(s) that could hold an incident are outside the window " \
           "(2030-01-01T00:00:00Z .. now); they span 2025-11-13T06:20:02Z .. " \
           "2025-11-13T06:29:01Z" in err


def test_the_library_reports_inconclusive_input_without_printing(tmp_path):
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    report = analyze([str(empty)])
    assert report.inconclusive and not report.incidents
    assert [p.message for p in report.problems] == ["empty input: nothing to analyse"]
    assert not analyze([str(SEED_LOG)]).inconclusive
