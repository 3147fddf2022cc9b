"""The bulk heads route (templates) gives what records would: same text, time, line, counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import ReadOptions, Source, read_heads, read_source
from analyzer.ingest.formats import heads as heads_mod
from analyzer.mining import head_line
from analyzer.model import SourceStats

ROOT = Path(__file__).resolve().parents[1]
LOGS = sorted(p for p in (ROOT / "samples").rglob("*")
              if p.suffix in {".log", ".json", ".jsonl", ".txt"} and p.is_file())

MIXED = (
    "2025-11-13 06:00:00  GET /api/sessions 200 3.1 ms - 42\n"
    '2025-11-13 06:00:01  {"level":50,"msg":"boom in json","time":1763013601000}\n'
    "2025-11-13 06:00:02  Traceback (most recent call last):\n"
    '2025-11-13 06:00:02    File "app.py", line 3, in <module>\n'
    "2025-11-13 06:00:02  ValueError: bad value 42\n"
    "2025-11-13 06:00:03  \n"
    "2025-11-13 06:00:04  Error: column sessions.session_id does not exist\n"
    "2025-11-13 06:00:04      at SessionService.getSession (/srv/s.js:72:15)\n"
    "\x1b[31m2025-11-13 06:00:05  red line 7\x1b[0m\n"
)


def both(path: Path, block_bytes: int = 16 * 1024 * 1024):
    options = ReadOptions(keywords=None)
    by_records, by_heads = SourceStats(str(path)), SourceStats(str(path))
    records = [(head_line(r.message), r.ts, r.lineno)
               for r in read_source(Source(str(path)), by_records, options=options,
                                    block_bytes=block_bytes)]
    heads = [item for batch in read_heads(Source(str(path)), by_heads, options=options,
                                          block_bytes=block_bytes)
             for item in zip(batch.texts, batch.ts, batch.linenos, strict=True)]
    return records, heads, by_records, by_heads


@pytest.mark.parametrize("path", LOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_heads_equal_records_on_every_sample(path: Path) -> None:
    records, heads, stats_r, stats_h = both(path)
    assert heads == records
    assert (stats_h.lines, stats_h.records, stats_h.unparsed) == \
        (stats_r.lines, stats_r.records, stats_r.unparsed)


def test_heads_special_events_and_small_blocks(tmp_path: Path) -> None:
    log = tmp_path / "mixed.log"
    log.write_text(MIXED * 50, encoding="utf-8")
    records, heads, _, _ = both(log, block_bytes=700)  # events cut across many blocks
    assert heads == records
    texts = {text for text, _, _ in heads}
    assert "Traceback: ValueError: bad value 42" in texts
    assert "boom in json" in texts
    assert any(text.endswith("red line 7") for text in texts)  # colour codes stripped
    assert heads_mod.supports_heads(heads_mod.LineFormat) is False  # a class, not a format


def test_head_line_copies_agree() -> None:
    for message in ["a", "a\n  b", "Traceback (most recent call last):\n  x\nKeyError: 'k'",
                    "  Traceback (most recent call last):  \nE: 1\n  y", ""]:
        assert heads_mod.head_line(message) == head_line(message)
