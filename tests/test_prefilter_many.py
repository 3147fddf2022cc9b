"""The keyword prefilter with many rules: one regex up to MAX_REGEX_CHARS, Aho-Corasick past
it, and both find the same rows (ASCII case folded, meta characters literal)."""

from __future__ import annotations

import polars as pl

from analyzer.ingest.prefilter import MAX_REGEX_CHARS, candidate_rows, keyword_pattern, one_regex


def _keywords(count: int) -> tuple[str, ...]:
    return tuple(f"svc{n}: failed (step {n}.x) [retry]" for n in range(count))


def _found(keywords: tuple[str, ...]) -> list[int]:
    lines = ["GET /healthz 200", "SVC7: FAILED (step 7.x) [retry] now", "svc7: failed step 7",
             "x svc1999: failed (step 1999.x) [retry]", "svc12: failed (step 12.x) [retry]",
             "plain line"]
    frame = pl.DataFrame({"line": lines, "message": lines})
    return [int(row) for row in candidate_rows(frame, keywords)]


def test_a_thousand_rules_keywords_are_one_regex_and_many_more_aho_corasick():
    thousand, many = _keywords(1000), _keywords(3000)
    assert len(keyword_pattern(thousand)) <= MAX_REGEX_CHARS < len(keyword_pattern(many))
    assert one_regex(thousand) and not one_regex(many)
    assert _found(thousand) == [1, 4]
    assert _found(many) == [1, 3, 4]
    assert _found(many[:1000]) == _found(thousand)
