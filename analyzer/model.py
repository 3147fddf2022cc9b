"""The values that flow between stages: Record -> Match -> Incident -> Diagnosis -> Report.

All are frozen dataclasses with slots. Timestamps are integers of nanoseconds since the Unix
epoch, UTC (Python's datetime stops at microseconds; Render and Postgres give nanoseconds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low", "info")
CATEGORIES = ("schema", "database", "connection", "auth", "platform", "application",
              "unclassified")

_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


def severity_rank(severity: str) -> int:
    """0 for critical, 4 for info: lower is worse."""
    return SEVERITIES.index(severity)


def format_ts(ns: int | None) -> str | None:
    """RFC3339 UTC with the fraction trimmed of trailing zeros (as Go's RFC3339Nano)."""
    if ns is None:
        return None
    seconds, frac = divmod(ns, 1_000_000_000)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


@dataclass(frozen=True, slots=True)
class Record:
    """One logical log event (continuation lines joined with newlines)."""

    source: str
    lineno: int
    format: str
    message: str
    raw: str
    ts: int | None = None
    service: str | None = None
    instance: str | None = None
    level: str | None = None
    fields: MappingProxyType[str, Any] = field(default_factory=lambda: _EMPTY)
    end_lineno: int = 0


@dataclass(frozen=True, slots=True)
class Match:
    """A rule that matched a record, with the named captures it found."""

    rule_id: str
    record: Record
    captures: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    # What entity resolution learnt beside the captures (failing SQL, hint, ORM, how the table
    # was found); incidents keep a bounded set of these per key for the diagnosis.
    clues: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Sample:
    ts: int | None
    source: str
    lineno: int
    message: str


@dataclass(frozen=True, slots=True)
class Diagnosis:
    kind: str
    summary: str
    wanted: str | None
    found: str | None
    confidence: float
    evidence: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    rule: str
    title: str
    severity: str
    category: str
    count: int
    first_seen: int | None
    last_seen: int | None
    services: tuple[str, ...]
    entities: MappingProxyType[str, str]
    samples: tuple[Sample, ...]
    diagnosis: Diagnosis | None = None
    root_cause: str | None = None
    clues: MappingProxyType[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)


@dataclass(slots=True)
class Span:
    """When something was first and last seen (ns since the epoch; None: nothing it counted
    had a timestamp). The one type for it: incidents, templates and their merges all widen a
    Span in place."""

    first: int | None = None
    last: int | None = None

    def add(self, ts: int | None) -> None:
        if ts is None:
            return
        if self.first is None or ts < self.first:
            self.first = ts
        if self.last is None or ts > self.last:
            self.last = ts

    def cover(self, first: int | None, last: int | None) -> None:
        """Widen to include [first, last] (either may be None)."""
        if first is not None and (self.first is None or first < self.first):
            self.first = first
        if last is not None and (self.last is None or last > self.last):
            self.last = last

    def merge(self, other: Span) -> None:
        self.cover(other.first, other.last)


@dataclass(frozen=True, slots=True)
class ModelChange:
    """One change to an ORM model's options that fixes a cause: (option, before, after) as
    source text, e.g. ("underscored", "true", "false")."""

    orm: str
    model: str
    options: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class RootCause:
    id: str
    kind: str
    summary: str
    table: str | None
    incidents: tuple[str, ...]
    fixes: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    change: ModelChange | None = None  # the model change the first fix names, when known


@dataclass(slots=True)
class SourceStats:
    """Counts for one input source; filled in while it streams."""

    source: str
    lines: int = 0
    records: int = 0
    unparsed: int = 0
    truncated_lines: int = 0
    formats: dict[str, int] = field(default_factory=dict)
    # Indented lines kept apart because they did not continue the event above (two
    # processes' multi-line output interleaved), and what the format advises about it.
    interleaved: int = 0
    interleave_hint: str | None = None
    binary: bool = False  # NUL bytes in its head (after decompression): not a text log
    failed: bool = False  # it could not be read to its end (an error was reported)

    def add_format(self, name: str, count: int) -> None:
        if count:
            self.formats[name] = self.formats.get(name, 0) + count


@dataclass(frozen=True, slots=True)
class Problem:
    """A non-fatal or fatal issue met while analysing (unreadable file, slow rule...)."""

    where: str
    message: str
    fatal: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Report:
    sources: tuple[SourceStats, ...]
    incidents: tuple[Incident, ...]
    root_causes: tuple[RootCause, ...] = ()
    problems: tuple[Problem, ...] = ()
    # incident id -> {minute (ns // 60e9): count}, for timelines and peaks
    timelines: MappingProxyType[str, MappingProxyType[int, int]] = field(
        default_factory=lambda: _EMPTY)
    # every record that could hold an incident was outside the asked time window
    window_missed: bool = False

    @property
    def lines(self) -> int:
        return sum(s.lines for s in self.sources)

    @property
    def records(self) -> int:
        return sum(s.records for s in self.sources)

    @property
    def unparsed(self) -> int:
        return sum(s.unparsed for s in self.sources)

    @property
    def inconclusive(self) -> bool:
        """No incident and nothing to stand on: no text was read (no source; empty, blank or
        binary input), a source could not be read, or the window left out every record.
        "No incidents" would be a false all-clear."""
        if self.incidents:
            return False
        text_records = sum(s.records for s in self.sources if not s.binary)
        return text_records == 0 or self.window_missed or any(p.fatal for p in self.problems)

    def formats(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for stats in self.sources:
            for name, count in stats.formats.items():
                total[name] = total.get(name, 0) + count
        return dict(sorted(total.items()))


def frozen_map(mapping: Mapping[Any, Any] | None = None) -> MappingProxyType[Any, Any]:
    return MappingProxyType(dict(mapping)) if mapping else _EMPTY
