"""Incident history as values, and the status rules: which incidents are NEW, ONGOING,
REGRESSED or RESOLVED, and which make a scheduled run fail (`--fail-on`). No I/O here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analyzer.errors import UsageError
from analyzer.model import SEVERITIES, Incident, severity_rank

STATUSES = ("NEW", "REGRESSED", "ONGOING", "RESOLVED")


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    started_at: int  # wall clock, ns since the epoch
    finished_at: int | None
    window_start: int | None
    window_end: int | None
    sources: tuple[str, ...]
    lines: int | None = None
    records: int | None = None
    incidents: int | None = None


@dataclass(frozen=True, slots=True)
class History:
    """One incident as the state knows it after this run."""

    id: str
    status: str
    first_ever: int | None  # log timestamps, ns
    last_ever: int | None
    total: int  # sum of the per-run counts
    runs_seen: int
    first_run: int
    recent: tuple[tuple[int, int], ...]  # (run id, count) of the last runs that saw it
    incident: Incident  # this window's incident, or the last one seen for RESOLVED


@dataclass(frozen=True, slots=True)
class RunResult:
    run: RunInfo
    previous: RunInfo | None
    history: Mapping[str, History]  # incidents present in this window, by id
    resolved: tuple[History, ...]
    replaced: int | None = None  # the earlier run of the same window and input, now replaced

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for item in (*self.history.values(), *self.resolved):
            counts[item.status] += 1
        return counts


def classify(present: Iterable[str], known: Mapping[str, str]) -> dict[str, str]:
    """Status of each incident id: `present` in this window, `known` the stored status of every
    incident in the history. Pure, so the rules are tested without a database."""
    present = list(present)
    statuses = {}
    for incident in present:
        before = known.get(incident)
        statuses[incident] = ("NEW" if before is None
                              else "REGRESSED" if before == "RESOLVED" else "ONGOING")
    for incident, before in known.items():
        if incident not in statuses and before != "RESOLVED":
            statuses[incident] = "RESOLVED"
    return statuses


# --- --fail-on: which incidents make a scheduled run exit non-zero --------------------------
@dataclass(frozen=True, slots=True)
class FailOn:
    """Statuses OR'ed, severities as a threshold, both AND'ed: `new,regressed` + `critical`
    fails on a new or regressed critical incident; `new` alone on any new one."""

    statuses: frozenset[str]
    severity: str | None

    def triggered(self, result: RunResult) -> list[History]:
        hits = []
        for item in result.history.values():
            if self.statuses and item.status not in self.statuses:
                continue
            if self.severity is not None and (severity_rank(item.incident.severity)
                                              > severity_rank(self.severity)):
                continue
            hits.append(item)
        return hits


def parse_fail_on(values: Iterable[str]) -> FailOn | None:
    statuses: set[str] = set()
    severities: list[str] = []
    for value in values:
        for word in filter(None, (w.strip().lower() for w in value.split(","))):
            if word in ("new", "regressed"):
                statuses.add(word.upper())
            elif word in SEVERITIES:
                severities.append(word)
            else:
                raise UsageError(f"--fail-on: expected new, regressed or a severity "
                                 f"({', '.join(SEVERITIES)}), got {word!r}")
    if not statuses and not severities:
        return None
    # Several severities: the least severe is the threshold (any of them fails the run).
    severity = max(severities, key=severity_rank) if severities else None
    return FailOn(frozenset(statuses), severity)
