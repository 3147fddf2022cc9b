"""The keyword prefilter with many rules: one regex up to MAX_REGEX_CHARS, Aho-Corasick past
it, and both find the same rows (ASCII case folded, meta characters literal)."""

from __future__ import annotations

import polars as pl
import pytest

from analyzer.ingest import prefilter
from analyzer.ingest.prefilter import MAX_REGEX_CHARS, candidate_rows, keyword_pattern, one_regex


def _keywords(count: int) -> tuple[str, ...]:
    return tuple(f"svc{n}: failed (step {n}.x) [retry]" for n in range(count))


def _found(keywords: tuple[str, ...]) -> list[int]:
    lines = ["GET /healthz 200", "SVC7: FAILED (step 7.x) [retry] now", "svc7: failed step 7",
             "x svc1999: failed (step 1999.x) [retry]", "svc12: failed (step 12.x) [retry]",
             "plain line"]
    frame = pl.DataFrame({"line": lines, "message": lines})
    return [int(row) for row in candidate_rows(frame, keywords)]


@pytest.fixture(params=["one regex", "few rows"])
def block_rows(request, monkeypatch):
    """Both ways of the candidate pass: the one regex (a full block) and, for a block of few
    rows, Aho-Corasick for the keywords: they find the same rows."""
    monkeypatch.setattr(prefilter, "FEW_BLOCK_ROWS", 0 if request.param == "one regex" else 10)
    return request.param


def test_a_thousand_rules_keywords_are_one_regex_and_many_more_aho_corasick(block_rows):
    thousand, many = _keywords(1000), _keywords(3000)
    assert len(keyword_pattern(thousand)) <= MAX_REGEX_CHARS < len(keyword_pattern(many))
    assert one_regex(thousand) and not one_regex(many)
    assert _found(thousand) == [1, 4]
    assert _found(many) == [1, 3, 4]
    assert _found(many[:1000]) == _found(thousand)


def test_a_small_block_finds_the_rows_the_one_regex_finds(monkeypatch):
    from analyzer.session import load_ruleset, read_options
    from analyzer.settings import Settings
    from tests.conftest import SEED_LOG

    settings = Settings()
    options = read_options(load_ruleset(settings), settings)
    lines = SEED_LOG.read_text().splitlines()[:400]
    lines += ["\x1b[31mERROR\x1b[0m column x does not exist", 'msg: "a \\"quoted\\" x"']
    frame = pl.DataFrame({"line": lines, "message": lines})

    def found(few: int) -> list[int]:
        monkeypatch.setattr(prefilter, "FEW_BLOCK_ROWS", few)
        return candidate_rows(frame, options.keywords, "line", options.context_keywords,
                              options.marker).to_list()

    assert len(frame) < 1_000 and found(0) == found(1_000) != []
