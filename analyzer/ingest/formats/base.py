"""What every input format provides, and small helpers all readers share.

A format detects itself (`sniff`) and reads byte blocks into Records (`read`). Line and
record-stream formats use the vectorized driver in `frames.py`; CSV and whole-document formats
implement `read` themselves with the helpers here (the keyword prefilter and the counts).

The prefilter contract (ReadOptions.keywords): with keywords, a reader yields every record whose
message or any field value contains one of them (ASCII case-insensitive), and may yield more;
the counts in SourceStats are the same with or without keywords.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from analyzer.model import Record, SourceStats


@dataclass(frozen=True, slots=True)
class ReadOptions:
    keywords: tuple[str, ...] | None = None  # prefilter: yield only events holding one of these
    max_line_chars: int = 64 * 1024
    # Lines that only give context (an ORM logging its SQL): with keywords, line formats build
    # them only near a keyword event (the CONTEXT_SPAN rows before it) or as the first of their
    # shape (literals blanked) in a block; other readers treat them as keywords.
    context_keywords: tuple[str, ...] = ()

    @property
    def all_keywords(self) -> tuple[str, ...] | None:
        if self.keywords is None:
            return None
        return tuple(dict.fromkeys((*self.keywords, *self.context_keywords)))


class Format(Protocol):
    name: str
    description: str
    example: str

    def sniff(self, head: Sequence[str]) -> float:
        """How sure (0..1) this format is that these first lines are its own."""
        ...

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        ...


class KeywordTest:
    """Does a text hold one of the prefilter keywords (ASCII case-insensitive)?"""

    def __init__(self, keywords: tuple[str, ...] | None) -> None:
        self.everything = keywords is None
        self.words = tuple(k.lower() for k in keywords or ())

    def __call__(self, *texts: str) -> bool:
        if self.everything:
            return True
        for text in texts:
            lowered = text.lower()
            if any(word in lowered for word in self.words):
                return True
        return False

    def record(self, record: Record) -> bool:
        if self.everything:
            return True
        return self(record.message, record.raw, *(str(v) for v in record.fields.values()))


def count_record(stats: SourceStats, record: Record, fmt: str) -> None:
    """Count one record read by a non-line reader (plain records count as unparsed)."""
    stats.records += 1
    if record.format == "plain":
        stats.unparsed += 1
        stats.add_format("plain", 1)
    else:
        stats.add_format(fmt, 1)


_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def count_item(stats: SourceStats, parsed: bool, fmt: str) -> None:
    """Count one event a reader recognised (parsed) or keeps as plain text."""
    stats.records += 1
    if parsed:
        stats.add_format(fmt, 1)
    else:
        stats.unparsed += 1
        stats.add_format("plain", 1)


def raw_may_hold(wanted: KeywordTest, raw: str) -> bool:
    """Whether a raw entry (CSV or JSON text) can hold a keyword once decoded: quotes are
    unescaped (`""` in CSV, `\\"` in JSON) before the check, so nothing is missed."""
    if wanted.everything or wanted(raw):
        return True
    if '""' not in raw and "\\" not in raw:
        return False
    text = raw.replace('""', '"').replace('\\"', '"').replace("\\\\", "\\")
    if "\\u" in text:
        text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return wanted(text)


def filtered(records: Iterable[Record], stats: SourceStats, fmt: str,
             options: ReadOptions) -> Iterator[Record]:
    """Count every record, then yield those the prefilter keeps."""
    wanted = KeywordTest(options.all_keywords)
    for record in records:
        count_record(stats, record, fmt)
        if wanted.record(record):
            yield record
