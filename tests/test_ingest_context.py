"""Context lines (an ORM logging every query) are built only where they can matter: just before
an error, or as the first of their statement shape."""

from __future__ import annotations

import random

import polars as pl

from analyzer.ingest import ReadOptions, Source, read_source
from analyzer.ingest.formats.base import Marker
from analyzer.ingest.prefilter import (
    CONTEXT_SPAN,
    candidate_rows,
    context_rows,
    events_with_keywords,
)
from analyzer.model import SourceStats
from analyzer.pipeline import analyze
from analyzer.report.jsonout import report_dict
from analyzer.settings import Settings
from tests.conftest import SEED_SCHEMA

QUERY = ("Executing (default): SELECT \"id\", \"status\" FROM \"sessions\" AS \"Session\" "
         "WHERE \"Session\".\"id\" = '{}' LIMIT {};")


def test_context_rows_keep_the_first_of_a_shape_and_those_just_before_a_hit():
    messages = [QUERY.format(f"s{i:04x}", i % 3 + 1) for i in range(100)] + ["boom"]
    part = pl.DataFrame({"message": messages})
    kept = context_rows(part, pl.Series([100]), pl.Series(range(100)))
    assert kept.to_list() == [0, *range(100 - CONTEXT_SPAN, 100)]


def test_another_shape_is_kept_wherever_it_is():
    messages = [QUERY.format("a", 1), QUERY.format("b", 2),
                'Executing (default): SELECT "x" FROM "reports";', QUERY.format("c", 3)]
    kept = context_rows(pl.DataFrame({"message": messages}), pl.Series([], dtype=pl.Int64),
                        pl.Series(range(4)))
    assert kept.to_list() == [0, 2]


SLICE = 50_000  # the pass was once split in slices this tall: rows on both sides of an edge


def test_the_candidate_pass_finds_what_each_test_finds_alone():
    rng = random.Random(5)
    height = 3 * SLICE + 17  # several slices, the last one short
    lines = [f"GET /api/x 200 {i % 97}.1 ms - {i % 400}" for i in range(height)]
    special = {"DOES NOT EXIST here": "keyword", "boom Error: x": "marker",
               "Executing (default): SELECT 1": "context", "col\x1b[31mor": "escape",
               'say \\"quoted\\"': "backslash"}
    planted = {}
    for text in special:
        edges = [SLICE - 1, SLICE]  # both sides of the first slice's end
        for row in [*rng.sample(range(height), 5), *edges]:
            lines[row] = text
            planted[row] = text
    part = pl.DataFrame({"line": lines, "message": lines})
    rows = candidate_rows(part, ("does not exist",), "line", ("Executing (",),
                          Marker(((("error",), r"(?i:error\b)"),)))
    assert rows.to_list() == sorted(planted)
    heads = pl.Series(range(height))
    chosen = events_with_keywords(part, heads, height, ("does not exist",), "line", (),
                                  Marker(((("error",), r"(?i:error\b)"),)))
    assert sorted(part["line"].gather(chosen).unique().to_list()) == \
        sorted({"DOES NOT EXIST here", "boom Error: x"})


def test_render_time_digits_are_not_read_as_a_sqlstate_but_a_claimed_lines_prefix_is():
    lines = ["2025-11-13T06:00:00.142703118Z GET /api/health 200 1.0 ms - 2",  # holds 42703
             "2025-11-13T06:00:01.100000000Z insert failed: code 42703",
             "2025-11-13 06:00:02.000 UTC [77] 42703 ERROR:  boom"]
    part = pl.DataFrame({"line": lines, "message": [line[31:] for line in lines[:2]] + ["boom"],
                         "fmt": [None, None, "postgres"]})
    assert candidate_rows(part, ("42703",), "message").to_list() == [1, 2]
    assert candidate_rows(part, ("42703",), "line").to_list() == [0, 1, 2]


def _log(tmp_path, lines: list[str]):
    path = tmp_path / "app.log"
    path.write_text("".join(f"2025-11-13T06:{i // 60 % 60:02d}:{i % 60:02d}.{i:06d}Z {line}\n"
                            for i, line in enumerate(lines)))
    return path


def test_a_log_of_queries_builds_a_record_per_shape_not_per_line(tmp_path):
    path = _log(tmp_path, [QUERY.format(f"s{i}", i) for i in range(5000)])
    stats = SourceStats(str(path))
    options = ReadOptions(keywords=("does not exist",), context_keywords=("Executing (",))
    built = list(read_source(Source(str(path)), stats, options=options))
    # one per shape and block; the last event stays open until the input ends and is read again
    # as a block of its own
    assert len(built) <= 2 and stats.records == 5000


def test_the_query_just_before_an_error_still_names_its_table(tmp_path):
    lines = [QUERY.format(f"s{i}", i) for i in range(3000)]
    lines += ['Executing (default): SELECT "counters" FROM "sessions" WHERE "id" = 1;',
              '❌ column "counters" does not exist']
    report = report_dict(analyze([str(_log(tmp_path, lines))],
                                 Settings(schemas=(str(SEED_SCHEMA),))))
    (incident,) = [i for i in report["incidents"] if i["entities"].get("column") == "counters"]
    assert incident["entities"]["table"] == "sessions"


def _built(path, settings: Settings | None = None) -> tuple[list, SourceStats]:
    from analyzer.pipeline import load_ruleset, read_options

    settings = settings or Settings()
    stats = SourceStats(str(path))
    options = read_options(load_ruleset(settings), settings)
    return list(read_source(Source(str(path)), stats, options=options)), stats


PINO = ('{{"level":30,"time":{t},"pid":57,"msg":"request completed","req":{{"method":"GET",'
        '"url":"/api/users/{n}"}},"res":{{"statusCode":{status}}},"responseTime":9.1}}\n')


def test_structured_request_logs_are_built_only_for_5xx_statuses(tmp_path):
    path = tmp_path / "app.jsonl"
    lines = [PINO.format(t=1763014805886 + i, n=i, status=200) for i in range(2000)]
    lines.insert(1000, PINO.format(t=1763014806886, n=7, status=503))
    path.write_text("".join(lines))
    built, stats = _built(path)
    assert stats.records == 2001
    assert [r.fields.get("status") for r in built] == ["503"]


def test_a_server_log_of_every_statement_builds_one_record_per_shape(tmp_path):
    path = tmp_path / "pg.json"
    row = ('{{"timestamp":"2025-11-13 06:24:{s:02d}.512 UTC","pid":42,"error_severity":"LOG",'
           '"message":"statement: SELECT \\"id\\" FROM \\"sessions\\" WHERE \\"id\\" = {n}"}}\n')
    path.write_text("".join(row.format(s=i % 60, n=i) for i in range(3000)))
    built, stats = _built(path)
    assert stats.records == 3000 and len(built) <= 2


def test_readers_without_frames_take_a_context_line_once_per_shape():
    from analyzer.ingest.formats.base import KeywordTest, Marker

    wanted = KeywordTest(("does not exist",), Marker(((("error",), r"(?i:error\b)"),)),
                         ("statement: ",))
    assert wanted("LOG:  statement: SELECT 1 FROM t WHERE id = 'a'")
    assert not wanted("LOG:  statement: SELECT 2 FROM t WHERE id = 'b'")
    assert wanted("LOG:  statement: SELECT x FROM other")
    assert wanted('ERROR:  column "x" does not exist')
    assert wanted("TypeError: x is undefined") and not wanted("0 errors")


def test_the_keyword_test_on_few_rows_agrees_with_the_regex(monkeypatch):
    """Few rows take Aho-Corasick (cheaper to build than the big regex is to warm): the same
    rows, ASCII case-insensitive, a non-ASCII keyword exactly."""
    from analyzer.ingest import prefilter
    lines = ["DOES NOT EXIST", "does not  exist", "x ОШИБКА y", "x ошибка y", "42P01 code",
             "ok 200", 'col \\"does not exist\\"', "Relation Does Not Exist"]
    part = pl.DataFrame({"line": lines, "message": lines})
    keywords = ("does not exist", "ОШИБКА", "42p01")
    flags = {}
    for few in (0, 1_000):
        monkeypatch.setattr(prefilter, "FEW_ROWS", few)
        flags[few] = prefilter.row_flags(part, keywords).get_column("keyword").to_list()
    assert flags[0] == flags[1_000] == [True, False, True, False, True, False, True, True]
