"""Every format: the prefilter and block boundaries change nothing, bad input never crashes or
loses the rest of the stream, and reading streams (records come before the input ends)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.ingest import FORMATS, ReadOptions
from analyzer.model import SourceStats
from tests.conftest import SAMPLES
from tests.ingest_support import read, read_text

KEYWORDS = ("does not exist", "schema cache", "42703")
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*")
                      if p.suffix in (".log", ".json", ".jsonl", ".csv", ".md"))


def _counts(stats: SourceStats):
    return stats.lines, stats.records, stats.unparsed, stats.truncated_lines, stats.formats


def _holds_keyword(record) -> bool:
    texts = [record.message, *map(str, record.fields.values())]
    return any(k in text.lower() for k in KEYWORDS for text in texts)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_prefiltered_read_yields_every_matching_record_with_the_same_counts(sample: Path):
    full, full_stats = read(sample)
    some, some_stats = read(sample, keywords=KEYWORDS)
    wanted = [r for r in full if _holds_keyword(r)]
    assert [r for r in some if _holds_keyword(r)] == wanted
    assert all(r in full for r in some)
    assert _counts(some_stats) == _counts(full_stats)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_small_blocks_assemble_the_same_records(sample: Path):
    whole, whole_stats = read(sample)
    small, small_stats = read(sample, block_bytes=4096)
    assert sorted(small, key=lambda r: r.lineno) == sorted(whole, key=lambda r: r.lineno)
    assert _counts(small_stats) == _counts(whole_stats)


def _line_blocks(data: bytes, size: int):
    start = 0
    while start < len(data):
        cut = data.find(b"\n", start + size)
        end = len(data) if cut < 0 else cut + 1
        yield data[start:end]
        start = end


@pytest.mark.parametrize("sample", [p for p in SAMPLE_FILES if p.stat().st_size > 40_000],
                         ids=lambda p: str(p.relative_to(SAMPLES)))
def test_reading_streams_records_before_the_input_ends(sample: Path):
    data = sample.read_bytes()
    consumed = []

    def blocks():
        for block in _line_blocks(data, 4096):
            consumed.append(len(block))
            yield block

    from analyzer.ingest.detect import detect_format, head_lines
    fmt = detect_format(head_lines(data[:65536]))
    first = next(iter(fmt.read(blocks(), str(sample), SourceStats("s"), ReadOptions())))
    assert first is not None
    assert sum(consumed) < len(data) / 2


@pytest.mark.parametrize("name", list(FORMATS))
def test_any_format_forced_on_garbage_or_empty_input_never_crashes(tmp_path, name):
    garbage = bytes(range(256)) * 40 + b'\n{"cut": "obj\n"a","b\n\x00\x00\n'
    found, stats = read_text(tmp_path, "g.bin", garbage, input_format=name)
    assert stats.lines >= 3 and stats.records == len(found) > 0
    empty, empty_stats = read_text(tmp_path, "e.log", b"", input_format=name)
    assert empty == [] and empty_stats.records == 0


def test_invalid_utf8_and_nul_bytes_in_json_and_csv_formats(tmp_path):
    jsonl = b'{"level":50,"msg":"bad \xff\xfe bytes"}\n{"level":30,"msg":"ok\\u0000"}\n'
    found, stats = read_text(tmp_path, "a.jsonl", jsonl)
    assert stats.formats == {"app_json": 2} and "\ufffd" in found[0].message
    csv_text = (b'id,timestamp,event_message\n1,2025-11-13T06:24:10Z,"nul \x00 here"\n'
                b'2,2025-11-13T06:24:11Z,"bad \xff"\n')
    found, stats = read_text(tmp_path, "x.csv", csv_text)
    assert stats.records == 2 and "\ufffd" in found[1].message


def test_a_50mb_single_line_is_cut_counted_and_the_rest_is_read(tmp_path):
    data = (b"2025-11-13 06:24:10  " + b"x" * (50 * 1024 * 1024) + b"\n"
            b"2025-11-13 06:24:11  error: column \"a\" does not exist\n")
    found, stats = read_text(tmp_path, "big.log", data, max_line_chars=4096)
    assert stats.truncated_lines == 1 and len(found[0].raw) == 4096
    assert found[1].message == 'error: column "a" does not exist'


def test_a_huge_json_entry_is_cut_and_counted(tmp_path):
    entry = {"id": "a", "labels": [], "message": "y" * 200_000, "timestamp": "2025-11-13T06:24:10Z"}
    text = json.dumps(entry, indent=2) + json.dumps({**entry, "message": "next"}, indent=2)
    found, stats = read_text(tmp_path, "r.json", text, max_line_chars=1000)
    assert stats.truncated_lines == 1 and len(found[0].message) == 1000
    assert found[1].message == "next"


def test_supabase_array_truncated_at_the_end(tmp_path):
    row = {"event_message": "column sessions.created_at does not exist", "id": "1",
           "timestamp": 1763015050512000}
    text = json.dumps([row, row], indent=2)
    found, stats = read_text(tmp_path, "x.json", text[: len(text) - 30])
    assert [r.format for r in found] == ["supabase_json", "plain"]
    assert stats.unparsed == 1


def test_gzip_corrupt_half_way_in_a_json_stream_keeps_what_came_before(tmp_path):
    entry = {"id": "a", "labels": [], "message": "line", "timestamp": "2025-11-13T06:24:10Z"}
    data = gzip.compress("".join(json.dumps(entry, indent=2) for _ in range(20000)).encode())
    path = tmp_path / "r.json.gz"
    path.write_bytes(data[: len(data) // 2] + b"garbage" * 50)
    got = []
    with pytest.raises(InputError, match="gzip"):
        from analyzer.ingest import Source, read_source
        for record in read_source(Source(str(path)), SourceStats("s"), block_bytes=8192):
            got.append(record)
    assert got and all(r.format == "render_json" for r in got[:-1])


def test_two_formats_concatenated_are_each_read_by_their_own(tmp_path):
    text = ("2025-11-13 06:24:10.512 UTC [4242] ERROR:  column \"a\" does not exist\n"
            "2025-11-13 06:24:10.512 UTC [4242] HINT:  Perhaps you meant \"b\".\n") * 5 + \
           "2025-11-13T06:24:11.5Z ❌ column \"counters\" does not exist\n" * 3 + \
           "GET | 400 | 203.0.113.7 | 8f1a | https://x.supabase.co/rest/v1/s | node\n" + \
           "just some words\n"
    found, stats = read_text(tmp_path, "mixed.log", text)
    assert stats.formats == {"postgres": 5, "render_dashboard": 3, "supabase_edge": 1,
                             "plain": 1}
    assert stats.unparsed == 1
    assert found[0].fields["hint"] == 'Perhaps you meant "b".'
    dashboard = [r for r in found if r.format == "render_dashboard"]
    assert dashboard[0].ts is not None and dashboard[0].message.startswith("❌")


@pytest.mark.parametrize(("name", "text"), [
    ("t.log", "2025-11-13 06:24:10  a\r\n2025-11-13 06:24:11  b\r\n"),
    ("j.jsonl", '{"level":30,"msg":"a"}\r\n{"level":30,"msg":"b"}\r\n'),
    ("p.log", "2025-11-13 06:24:10.5 UTC [1] LOG:  a\r\n2025-11-13 06:24:10.5 UTC [1] LOG:  b\r\n"),
    ("x.csv", "id,timestamp,event_message\r\n1,2025-11-13T06:24:10Z,a\r\n"
              "2,2025-11-13T06:24:11Z,b\r\n"),
])
def test_crlf_line_endings(tmp_path, name, text):
    found, stats = read_text(tmp_path, name, text)
    assert [r.message for r in found] == ["a", "b"] and stats.unparsed == 0


def test_ansi_colours_are_stripped_for_matching_but_kept_in_raw_in_every_render_shape(tmp_path):
    coloured = "\x1b[31merror\x1b[0m: column \"a\" does not exist"
    entry = {"id": "a", "labels": [], "message": coloured, "timestamp": "2025-11-13T06:24:10Z"}
    for name, text in (("t.log", f"2025-11-13 06:24:10  {coloured}\n"),
                       ("r.json", json.dumps(entry, indent=2))):
        found, _ = read_text(tmp_path, name, text)
        assert found[0].message == 'error: column "a" does not exist', name
        assert "\x1b[31m" in found[0].raw or "\\u001b[31m" in found[0].raw, name


def test_a_json_line_in_a_render_text_log_is_read_as_the_json_shape_it_is(tmp_path):
    text = ("2025-11-13 06:24:10  starting\n"
            '{"level":50,"time":1763015050512,"msg":"column \\"counters\\" does not exist"}\n'
            '{"timestamp":"2025-11-13 06:24:10.512 UTC","pid":1,"error_severity":"LOG",'
            '"message":"checkpoint starting: time"}\n')
    found, stats = read_text(tmp_path, "r.log", text)
    assert stats.formats == {"render_text": 1, "app_json": 1, "postgres_json": 1}
    assert found[1].message == 'column "counters" does not exist' and found[1].level == "error"


def test_a_pipe_is_gathered_into_big_blocks_but_a_slow_tail_is_not_held_back():
    import os
    import threading
    import time

    from analyzer.ingest.sources import _read_chunks

    read_end, write_end = os.pipe()

    def writer():
        with os.fdopen(write_end, "wb") as out:
            for _ in range(200):
                out.write(b"x" * 8192)
                out.flush()
            time.sleep(1.0)  # a tail going quiet
            out.write(b"late\n")

    thread = threading.Thread(target=writer)
    thread.start()
    with os.fdopen(read_end, "rb") as stream:
        started = time.monotonic()
        chunks = _read_chunks(stream, 1 << 24, interactive=True)
        first = next(chunks)
        waited = time.monotonic() - started
        rest = list(chunks)
    thread.join()
    assert waited < 0.9  # handed over before the writer's pause ended
    assert len(first) > 8192 * 4  # pieces that kept coming were gathered
    assert rest[-1].endswith(b"late\n")


def test_on_block_is_told_every_block_size(tmp_path):
    from analyzer.ingest import Source, read_source
    path = tmp_path / "r.log"
    path.write_text("2025-11-13 06:24:10  line\n" * 5000)
    sizes: list[int] = []
    list(read_source(Source(str(path)), SourceStats("s"), block_bytes=4096,
                     on_block=sizes.append))
    assert sum(sizes) == path.stat().st_size and len(sizes) > 10


def test_keyword_pattern_is_ascii_case_insensitive_literal_and_handles_many_keywords():
    import polars as pl

    from analyzer.ingest.prefilter import keyword_pattern
    words = ("does not exist", "❌", "a.b (c)|d", "==> exited with", "<tag> & ~x-y#",
             *(f"word{i}" for i in range(100)))
    texts = pl.Series(["Column X DOES NOT EXIST", "❌ boom", "a.b (c)|d", "aXb (c)|d",
                       "WORD77 here", "==> Exited with status 1", "a <TAG> & ~x-y# b",
                       "nothing"])
    assert texts.str.contains(keyword_pattern(words)).to_list() == [
        True, True, True, False, True, True, True, False]
