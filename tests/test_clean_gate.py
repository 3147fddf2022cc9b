"""The cleaning stage skips the events it cannot change (textsafe.cleaner_gate): never weaker.

A text the gate does not match comes out of the cleaner unchanged (a property over text
built from printable ASCII and the pieces of every secret pattern); and every sample and the
planted secrets read with the gate give the very records read without it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.ingest import ReadOptions, Source, read_source
from analyzer.model import SourceStats
from analyzer.rulebook import load_rules
from analyzer.session import read_options
from analyzer.settings import Settings
from analyzer.textsafe import FOLDS_TO_ASCII, cleaner, cleaner_gate
from tests.hostile.secret_support import JSON_ESCAPED, SECRETS, plain_log

ROOT = Path(__file__).resolve().parents[1]
PIECES = ["password", "PassW", "token", "KEY", "://", ":\\/\\/", "eyJ", "Bearer ", "basic ",
          "sk-", "AKIA", "@", "\x1b[31m", "\t", "\n", "é", "\\", "=", ":", "'", '"', "ſ",
          "-----BEGIN PRIVATE KEY-----", "xoxb-", "ghp_", "Cookie: ", "identified by ",
          "❌", "ошибка", "paſſword=", "\u212aey: ", "\u212a", "ß", "İ", "ﬁ", "\x85", "\u202e",
          "\u2069", "Å"]
TEXTS = st.lists(st.one_of(st.text(st.characters(min_codepoint=32, max_codepoint=126),
                                   max_size=12), st.sampled_from(PIECES), st.text(max_size=3)),
                 max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=20))
def test_a_text_the_gate_passes_is_left_unchanged_by_every_cleaner(texts):
    for emails in (False, True):
        dirty = pl.Series(texts, dtype=pl.String).str.contains(cleaner_gate(emails)).to_list()
        for clean in (cleaner(True, emails), cleaner(False, emails)):
            for text, flagged in zip(texts, dirty, strict=True):
                assert flagged or clean(text) == text, text


def test_the_characters_folding_to_ascii_are_all_listed():
    folding = {char for char in map(chr, range(0x80, 0x110000))
               if any(c.isascii() for c in char.casefold())}
    assert folding == set(FOLDS_TO_ASCII)


def test_the_planted_secrets_are_all_flagged():
    texts = [text for text, _ in [*SECRETS.values(), *JSON_ESCAPED.values()]]
    assert pl.Series(texts).str.contains(cleaner_gate()).all()


def _records(path: Path, options: ReadOptions) -> list:
    return list(read_source(Source(str(path)), SourceStats(str(path)), options=options))


SAMPLES = sorted(p for p in (ROOT / "samples").rglob("*")
                 if p.is_file() and p.suffix in {".log", ".jsonl", ".json", ".csv", ".txt", ".md",
                                                 ".yaml"} and ".expect." not in p.name
                 and "/apps/" not in str(p) and "/rules/" not in str(p))


@pytest.fixture(scope="module")
def options() -> ReadOptions:
    ruleset = load_rules([], builtin=True)
    return read_options(ruleset, Settings())


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_sample_gives_the_same_records_with_the_gate(path, options):
    assert options.clean_gate is not None
    assert _records(path, options) == _records(path, dataclasses.replace(options,
                                                                         clean_gate=None))


def test_the_planted_secrets_give_the_same_records_with_the_gate(tmp_path, options):
    log = tmp_path / "secrets.log"
    log.write_text(plain_log(), encoding="utf-8")
    everything = dataclasses.replace(options, keywords=None)
    gated = _records(log, everything)
    assert gated == _records(log, dataclasses.replace(everything, clean_gate=None))
    assert len(gated) == len(SECRETS) + len(JSON_ESCAPED)
    assert not any(fragment in record.raw + record.message for record in gated
                   for _, fragments in SECRETS.values() for fragment in fragments)


def test_an_event_is_cleaned_when_any_of_its_rows_is_flagged():
    from analyzer.ingest.redaction import event_cleaning
    rows = pl.DataFrame({"line": ["a", "b\x1b", "c", "d", "e\\"], "n": [1, 2, 3, 4, 5]})
    gate = cleaner_gate()
    events = pl.Series([0, 2, 3], dtype=pl.Int64)  # rows 0-1, 2, 3-4
    assert event_cleaning(rows, events, cleaner(), gate) == [True, False, True]
    assert event_cleaning(rows, events, None, gate) == [False, False, False]
    assert event_cleaning(rows, events, cleaner(), None) == [True, True, True]
    nested = rows.with_columns(s=pl.struct("n"))  # a column the gate cannot read: all cleaned
    assert event_cleaning(nested, events, cleaner(), gate) == [True, True, True]
