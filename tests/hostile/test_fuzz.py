"""Fuzzing the ingest stage: random bytes and random mixtures of real sample lines (with the
tokens that broke readers before: stray quotes, lone CRs, NULs, cut JSON, zlib-looking heads)
go through detection and every reader at several block sizes. No exception escapes, every
input line is counted, and the records are the same whatever the block size."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.errors import InputError
from analyzer.ingest import FORMATS, ReadOptions, read_source
from analyzer.ingest.detect import detect_format, head_lines
from analyzer.ingest.sources import Source
from analyzer.model import SourceStats
from analyzer.rulebook import load_rules
from analyzer.session import read_options
from analyzer.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file()
                      and p.suffix in (".log", ".csv", ".json", ".jsonl", ".txt"))
LINES = sorted({line for path in SAMPLE_FILES
                for line in path.read_bytes().splitlines(keepends=True)[:400]})
HEADS = [path.read_bytes().splitlines(keepends=True)[0] for path in SAMPLE_FILES]
TOKENS = [b'"', b'""', b"\r", b"\r\n", b"\n", b"\x00", b"{", b"}", b"[", b"]", b",", b"\t",
          b"  ", b"https://[", b'"a"@"b"', b"ERROR:  ", b"ERROR", b"\xff\xfe", b"\xef\xbb\xbf",
          b"x^", b"\x1f\x8b", b"BZh9", b"\x28\xb5\x2f\xfd", b"\x1b[31m", b"\x1f", b"---\n",
          b"null", b"\\", "\u2028".encode()]
BLOCK_SIZES = (61, 4096, 16 * 1024 * 1024)
READER_NAMES = [None, *FORMATS]  # None: detection picks
OPTIONS = {
    "all records": ReadOptions(),
    "rule keywords": read_options(load_rules([]), Settings()),
}

fragments = st.one_of(st.sampled_from(LINES), st.sampled_from(TOKENS), st.binary(max_size=24))
mixtures = st.builds(lambda head, parts: head + b"".join(parts),
                     st.sampled_from([b"", *HEADS]), st.lists(fragments, max_size=40))
# CI runs a fixed, bounded set (about half a minute on 2 cores); ANALYZER_FUZZ_EXAMPLES=2000
# runs a longer random search locally.
LONG_RUN = int(os.environ.get("ANALYZER_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=LONG_RUN or 25, deadline=None, derandomize=not LONG_RUN,
                database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def expected_lines(data: bytes) -> int:
    """Lines as `wc -l` would count them if a lone CR were a newline, plus an unterminated
    last line."""
    text = re.sub(rb"\r\n?", b"\n", data)
    return text.count(b"\n") + (1 if text and not text.endswith(b"\n") else 0)


def read_all(path: Path, reader: str | None, options: ReadOptions, block: int):
    stats = SourceStats(str(path))
    error = None
    try:
        records = [(r.lineno, r.end_lineno, r.format, r.level, r.ts, r.service, r.message)
                   for r in read_source(Source(str(path)), stats, input_format=reader,
                                        options=options, block_bytes=block)]
    except InputError as exc:  # a counted problem, never any other exception
        records, error = [], str(exc)
    counts = (stats.lines, stats.records, stats.unparsed, stats.truncated_lines,
              dict(stats.formats))
    return records, counts, error


def check_every_reader(path: Path, data: bytes) -> None:
    detect_format(head_lines(data))
    for reader in READER_NAMES:
        for option_name, options in OPTIONS.items():
            results = [read_all(path, reader, options, block) for block in BLOCK_SIZES]
            first = results[0]
            where = f"reader {reader or 'detected'}, {option_name}"
            assert first[1][0] == expected_lines(data), f"{where}: lines miscounted"
            for block, other in zip(BLOCK_SIZES[1:], results[1:], strict=True):
                assert other[1][0] == first[1][0], f"{where}: block {block} counts lines anew"
                assert other == first, f"{where}: block {block} differs from {BLOCK_SIZES[0]}"


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_never_break_a_reader(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "input.log"
    path.write_bytes(data)
    check_every_reader(path, data)


@pytest.mark.slow
@FUZZ
@given(data=mixtures)
def test_mixtures_of_real_sample_lines_never_break_a_reader(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "input.log"
    path.write_bytes(data)
    check_every_reader(path, data)


def _same_at_every_block_size(tmp_path: Path, data: bytes, reader: str) -> list[tuple]:
    path = tmp_path / "input.log"
    path.write_bytes(data)
    for options in OPTIONS.values():
        results = [read_all(path, reader, options, block) for block in BLOCK_SIZES]
        assert all(result == results[0] for result in results), reader
    return read_all(path, reader, ReadOptions(), BLOCK_SIZES[0])[0]


def test_several_json_values_on_one_line_are_each_one_gcloud_record(tmp_path):
    data = (b"[2025-11-13 06:20:00 +0000] [55] [INFO] Starting gunicorn 22.0.0\n"
            b'{"level": "info", "msg": "request completed"}\n')
    records = _same_at_every_block_size(tmp_path, data, "gcloud_logging")
    # `[2025-11-13 06` is read as the numbers 2025, -11, -13, 0, 6: each once, then the rest
    assert [message for *_, message in records][:5] == ["2025", "-11", "-13", "0", "6"]
    assert len(records) == 7 and records[-1][0] == 2


def test_an_indented_line_stays_under_the_claimed_line_above_it_at_any_block_size(tmp_path):
    # Neither line is the dashboard's own: Render text and syslog lines are claimed (the
    # syslog one names an instance), and each indented line goes with the line right above.
    data = (b"2025-11-13 06:20:01  ==> Deploying...\n\t\tcreated_at\n"
            b"<11>1 2025-11-13T06:20:35.674285Z api web srv-d4c0unse1-x7k2p srv-d4c0unse1 - "
            b"Failed to create session in Supabase:\n\t\tcreated_at\n")
    records = _same_at_every_block_size(tmp_path, data, "render_dashboard")
    assert [(r[0], r[1], r[2]) for r in records] == [
        (1, 1, "render_text"), (2, 2, "plain"), (3, 4, "render_syslog")]
    assert records[2][-1] == "Failed to create session in Supabase:\n\t\tcreated_at"
