from __future__ import annotations

import gzip

import pytest

from analyzer.errors import InputError
from analyzer.ingest import ReadOptions, Source, expand_sources, read_source
from analyzer.ingest.detect import detect_format
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.model import SourceStats
from tests.conftest import SEED_LOG

SEED_EXCERPT = (
    "2025-11-13T06:23:03.093444433Z ❌ Failed to create session in Supabase:\n"
    "2025-11-13T06:23:03.093461Z     Could not find the 'created_at' column of 'sessions' in the"
    " schema cache\n"
    "2025-11-13T06:23:04.1Z GET /health 200 1.2 ms - 15\n"
    "2025-11-13T06:23:37.931640683Z ❌ [CRITICAL] Failed to fetch session from Supabase:\n"
    "    Error: column sessions.session_id does not exist\n"
    "    at SessionService.getSession (/app/src/services/sessionService.js:72:15)\n"
)


def records(path, **options):
    stats = SourceStats(str(path))
    found = list(read_source(Source(str(path)), stats, options=ReadOptions(**options)))
    return found, stats


def test_render_dashboard_lines_become_records_with_ns_timestamps(write):
    found, stats = records(write("r.log", SEED_EXCERPT))
    assert [r.lineno for r in found] == [1, 3, 4]
    assert found[0].ts == parse_iso_ns("2025-11-13T06:23:03.093444433Z")
    assert found[0].ts % 1_000_000_000 == 93444433
    assert found[0].format == "render_dashboard"
    assert found[0].message.endswith("in the schema cache")
    assert found[0].end_lineno == 2
    assert found[0].level == "error"
    assert (stats.lines, stats.records, stats.unparsed) == (6, 3, 0)


def test_untimestamped_indented_lines_continue_the_event_above(write):
    found, _ = records(write("r.log", SEED_EXCERPT))
    fetch = found[2]
    assert fetch.message.splitlines()[1] == "    Error: column sessions.session_id does not exist"
    assert "at SessionService.getSession" in fetch.message
    assert fetch.raw.count("\n") == 2


def test_a_line_ending_in_colon_owns_only_the_indented_lines_below_it(write):
    # Loghub's HDFS: `… to /10.251.90.64:` is a whole event, and so is the next line
    text = ("Failed to create session in Supabase:\n    Could not find the 'x' column of 't'\n"
            "Got exception while serving blk_1 to /10.251.90.64:\nReceiving block blk_2\n")
    found, _ = records(write("p.log", text))
    assert [r.message for r in found] == [
        "Failed to create session in Supabase:\n    Could not find the 'x' column of 't'",
        "Got exception while serving blk_1 to /10.251.90.64:", "Receiving block blk_2"]


def test_platform_line_after_a_colon_line_starts_a_new_event(write):
    found, _ = records(write("p.log", "Config:\n==> Exited with status 1\n"))
    assert len(found) == 2


def test_plain_text_without_timestamps_is_read_as_plain(write):
    found, stats = records(write("p.txt", '❌ column "reportId" does not exist\nok\n'))
    assert [r.format for r in found] == ["plain", "plain"]
    assert stats.formats == {"plain": 2}
    assert stats.unparsed == 0


def test_prefiltered_read_yields_exactly_the_matching_events_of_a_full_read():
    full, full_stats = records(SEED_LOG)
    keywords = ("does not exist", "schema cache")
    some, some_stats = records(SEED_LOG, keywords=keywords)
    expected = [r for r in full if any(k in r.message.lower() for k in keywords)]
    assert some == expected
    assert (some_stats.lines, some_stats.records) == (full_stats.lines, full_stats.records)


def test_events_spanning_block_boundaries_are_assembled_the_same(write):
    path = write("r.log", SEED_LOG.read_bytes())
    stats_small = SourceStats("s")
    small = list(read_source(Source(str(path)), stats_small, block_bytes=512))
    whole, stats = records(path)
    assert small == whole
    assert stats_small.records == stats.records


def test_gzip_is_recognised_by_content_not_name(write):
    path = write("logs.bin", SEED_EXCERPT, gz=True)
    found, _ = records(path)
    assert len(found) == 3


def test_corrupt_gzip_keeps_what_came_before_then_fails(write):
    data = gzip.compress((SEED_EXCERPT * 2000).encode())
    path = write("bad.gz", data[: len(data) // 2] + b"garbage" * 10)
    stats = SourceStats("bad")
    got = []
    with pytest.raises(InputError, match="gzip"):
        for record in read_source(Source(str(path)), stats, block_bytes=4096):
            got.append(record)
    assert got, "records before the damage are kept"


def test_truncated_gzip_is_reported(write):
    data = gzip.compress(SEED_EXCERPT.encode())
    path = write("cut.gz", data[:-12])
    with pytest.raises(InputError, match=r"truncated|corrupt"):
        records(path)


def test_empty_file_yields_nothing(write):
    found, stats = records(write("empty.log", b""))
    assert found == [] and stats.lines == 0


def test_invalid_utf8_and_nul_bytes_do_not_stop_the_stream(write):
    data = b"ok line\n\xff\xfe bad \x00 bytes column \"a\" does not exist\nlast\n"
    found, stats = records(write("bin.log", data))
    assert len(found) == 3
    assert "\ufffd" in found[1].message
    assert stats.lines == 3


def test_a_binary_file_is_read_without_crashing(write):
    data = bytes(range(256)) * 400
    found, stats = records(write("blob.bin", data))
    assert stats.lines > 0 and len(found) > 0


def test_a_5mb_line_is_cut_to_the_cap_and_counted(write):
    data = b"2025-11-13T06:23:03Z " + b"x" * (5 * 1024 * 1024) + b"\nnext line\n"
    found, stats = records(write("long.log", data), max_line_chars=1000)
    assert stats.truncated_lines == 1
    assert len(found[0].raw) == 1000
    assert found[1].message == "next line"


def test_crlf_line_endings_are_stripped(write):
    found, _ = records(write("crlf.log", "2025-11-13T06:23:03Z a\r\n2025-11-13T06:23:04Z b\r\n"))
    assert [r.message for r in found] == ["a", "b"]


def test_ansi_colours_are_stripped_for_matching_but_kept_in_raw(write):
    found, _ = records(write("c.log", "2025-11-13T06:23:03Z \x1b[31merror\x1b[0m: boom\n"))
    assert found[0].message == "error: boom"
    assert "\x1b[31m" in found[0].raw


def test_lines_without_the_detected_format_are_counted_unparsed(write):
    text = "2025-11-13T06:23:03Z a\n2025-11-13T06:23:04Z b\nstray line\n"
    found, stats = records(write("r.log", text))
    assert stats.unparsed == 1
    assert found[2].format == "plain"


def test_detection_prefers_render_dashboard_for_render_downloads():
    assert detect_format(SEED_EXCERPT.splitlines()).name == "render_dashboard"
    assert detect_format(["hello", "world"]).name == "plain"


def test_directory_expands_to_its_log_files(tmp_path):
    (tmp_path / "a.log").write_text("x\n")
    (tmp_path / "b.sql").write_text("select 1;\n")
    sources, problems = expand_sources([str(tmp_path)])
    assert [s.name for s in sources] == [str(tmp_path / "a.log")] and problems == []


def test_missing_file_and_unmatched_glob_are_problems_not_exceptions(tmp_path):
    sources, problems = expand_sources([str(tmp_path / "nope.log"), str(tmp_path / "*.zzz")])
    assert [s.name for s in sources] == [str(tmp_path / "nope.log")]
    assert "no file matches" in str(problems[0])
    with pytest.raises(InputError, match="no such file"):
        records(tmp_path / "nope.log")


def test_reading_a_directory_source_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="directory"):
        records(tmp_path)


def test_iso_timestamps_parse_with_zones_and_fractions():
    assert parse_iso_ns("1970-01-01T00:00:01Z") == 1_000_000_000
    assert parse_iso_ns("1970-01-01 00:00:01.5 UTC") == 1_500_000_000
    assert parse_iso_ns("1970-01-01T01:00:00+01:00") == 0
    assert parse_iso_ns("not a time") is None
    assert parse_iso_ns("2025-13-45T00:00:00Z") is None
