"""What a verdict found: the Subject (what an incident asked for) and the Finding (the kind
of mismatch, what exists instead, how sure, and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from analyzer.catalog import Table
from analyzer.model import Diagnosis, Incident


@dataclass(frozen=True, slots=True)
class Subject:
    """What an incident asked for, and what its records said around it."""

    column: str | None
    table: str | None
    schema: str | None
    schema_cache_only: bool  # every record came from PostgREST's schema cache (PGRST2xx)
    clues: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def clue(self, key: str) -> tuple[str, ...]:
        return self.clues.get(key, ())


@dataclass(slots=True)
class Finding:
    kind: str
    wanted: str
    found: str | None
    confidence: float
    summary: str
    evidence: list[str]
    table: Table | None = None  # the real table the fix concerns
    found_table: Table | None = None  # for table kinds: the table the code should use


class Verdict(NamedTuple):
    """What a check made of one incident: the Diagnosis shown, and what it rests on."""

    diagnosis: Diagnosis
    finding: Finding
    subject: Subject


class Explained(NamedTuple):
    """A diagnosed incident with its finding, as root causes group them."""

    incident: Incident
    finding: Finding
    subject: Subject
