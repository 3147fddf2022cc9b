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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl
from ahocorasick_rs import AhoCorasick

from analyzer.model import Record, SourceStats


@dataclass(frozen=True, slots=True)
class Marker:
    """A prefilter test literals cannot say (a word, not a substring): alternatives, each a
    regex (valid for Rust's regex crate and Python's re, `(?i:…)` groups allowed) and literals
    (ASCII case-insensitive) one of which every match of it holds. Python readers run an
    alternative only on the texts holding one of its literals; the frame prefilter runs the
    ASCII form of them all (`rust_pattern`) over every line in one pass."""

    alternatives: tuple[tuple[tuple[str, ...], str], ...]

    @property
    def pattern(self) -> str:
        return "|".join(f"(?:{pattern})" for _, pattern in self.alternatives)

    @property
    def rust_pattern(self) -> str:
        # ASCII classes, case folding and word boundaries: Unicode `\b` and `\s` keep the Rust
        # regex off its DFA (measured: 10x slower than the ASCII form on Render lines).
        return "(?-u:" + self.pattern.replace("(?i:", "(?i-u:") + ")"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    keywords: tuple[str, ...] | None = None  # prefilter: yield only events holding one of these
    max_line_chars: int = 64 * 1024
    # Lines that only give context (an ORM logging its SQL): with keywords, line formats build
    # them only near a keyword event (the CONTEXT_SPAN rows before it) or as the first of their
    # shape (literals blanked) in a block; other readers treat them as keywords.
    context_keywords: tuple[str, ...] = ()
    # Also wanted, like a keyword: events a regex says more than literals can (see Marker).
    marker: Marker | None = None
    # The cleaning stage (ingest.redaction) every record's text passes: terminal escapes and
    # control characters stripped, secrets redacted unless `--no-redact` (textsafe.cleaner).
    clean: Callable[[str], str] | None = None
    # What `clean` could change, as a Rust regex (textsafe.cleaner_gate): frame formats clean
    # only the events with a row it matches. None: every record is cleaned.
    clean_gate: str | None = None



class Format(Protocol):
    # read-only: a format may declare them on the class or the instance
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def example(self) -> str: ...

    def sniff(self, head: Sequence[str]) -> float:
        """How sure (0..1) this format is that these first lines are its own."""
        ...

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        ...


_QUOTED_RE = re.compile(r"'(?:[^']|'')*'")
_NO_DIGITS = str.maketrans("", "", "0123456789")
MAX_SHAPES = 10_000


@dataclass(slots=True)
class _Role:
    """What holding one literal says: a keyword (wanted), the marker alternatives worth
    running, a context keyword."""

    keyword: bool = False
    alternatives: set[int] = field(default_factory=set)
    context: bool = False


class KeywordTest:
    """The prefilter of readers that are not line frames: does a text hold one of the keywords
    (ASCII case-insensitive), or match the marker? A text holding only a context keyword is
    wanted once per shape (its literals blanked), as in the frame prefilter. One Aho-Corasick
    pass per text finds every literal of the three; a marker alternative's regex runs only
    when the text holds one of its literals."""

    def __init__(self, keywords: tuple[str, ...] | None, marker: Marker | None = None,
                 context: tuple[str, ...] = ()) -> None:
        self.everything = keywords is None
        roles: dict[str, _Role] = {}
        for word in keywords or ():
            roles.setdefault(word.lower(), _Role()).keyword = True
        alternatives = marker.alternatives if marker and not self.everything else ()
        for index, (literals, _) in enumerate(alternatives):
            for literal in literals:
                roles.setdefault(literal.lower(), _Role()).alternatives.add(index)
        for word in context:
            roles.setdefault(word.lower(), _Role()).context = True
        roles.pop("", None)
        self.roles = list(roles.values())
        self.automaton = AhoCorasick(list(roles)) if roles else None
        self.tests = [re.compile(pattern) for _, pattern in alternatives]
        self.shapes: set[str] = set()

    @classmethod
    def of(cls, options: ReadOptions) -> KeywordTest:
        return cls(options.keywords, options.marker, options.context_keywords)

    def __call__(self, *texts: str) -> bool:
        if self.everything:
            return True
        context = None
        for text in texts:
            found = self.automaton.find_matches_as_indexes(text.lower(), overlapping=True) \
                if self.automaton is not None else ()
            if not found:
                continue
            run: set[int] = set()
            for index, _, _ in found:
                role = self.roles[index]
                if role.keyword:
                    return True
                run |= role.alternatives
                if role.context and context is None:
                    context = text
            if any(self.tests[index].search(text) for index in sorted(run)):
                return True
        return context is not None and self._new_shape(context)

    def _new_shape(self, text: str) -> bool:
        if len(self.shapes) >= MAX_SHAPES:
            return True
        # literals blanked: quoted strings, and digits (numbers, but also a row's time and pid)
        shape = (_QUOTED_RE.sub("", text) if "'" in text else text).translate(_NO_DIGITS)
        if shape in self.shapes:
            return False
        self.shapes.add(shape)
        return True

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
    wanted = KeywordTest.of(options)
    for record in records:
        count_record(stats, record, fmt)
        if wanted.record(record):
            yield record


def share(flags: pl.Series) -> float:
    """The share of true values of a boolean Series (0.0 when it is empty)."""
    value = flags.mean()
    return float(value) if isinstance(value, int | float) else 0.0
