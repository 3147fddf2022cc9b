"""Which incidents one post-mortem covers: an outage. Chosen by selectors (incident id, id
prefix, rule id, table name, root-cause id), by root cause, by a time window or all of them;
then widened to the root causes that share a fix with the chosen ones (one model change that
fixes two mismatches is one outage), so one draft covers what one deploy repairs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analyzer.errors import UsageError
from analyzer.model import Incident, RootCause

MIN_PREFIX = 4


@dataclass(frozen=True, slots=True)
class Selection:
    """What the user asked for; at least one part must be given."""

    selectors: tuple[str, ...] = ()
    root_causes: tuple[str, ...] = ()
    since: int | None = None  # ns, inclusive
    until: int | None = None  # ns, exclusive
    everything: bool = False

    @property
    def empty(self) -> bool:
        return not (self.selectors or self.root_causes or self.everything
                    or self.since is not None or self.until is not None)

    def describe(self) -> str:
        parts = [*self.selectors, *self.root_causes]
        if self.everything:
            parts.append("all incidents")
        if self.since is not None or self.until is not None:
            parts.append("a time window")
        return ", ".join(parts)


def select_outage(incidents: Sequence[Incident], causes: Sequence[RootCause],
                  selection: Selection) -> tuple[list[Incident], list[RootCause]]:
    """(incidents, root causes) of the outage the selection names, oldest first. Raises
    UsageError naming the candidates when nothing or too much matches."""
    if selection.empty:
        raise UsageError("say which incidents: an incident id, rule or table, --root-cause ID, "
                         "--since/--until or --all")
    chosen: dict[str, Incident] = {}
    widen = bool(selection.root_causes)
    for wanted in selection.selectors:
        found, outage = by_selector(incidents, causes, wanted.strip())
        chosen.update((i.id, i) for i in found)
        widen = widen or outage
    for wanted in selection.root_causes:
        chosen.update((i.id, i) for i in by_root_cause(incidents, causes, wanted.strip()))
    pool = list(chosen.values()) if chosen else list(incidents)
    if selection.everything or selection.since is not None or selection.until is not None:
        chosen = {i.id: i for i in pool if in_window(i, selection.since, selection.until)}
        if not chosen:
            raise UsageError("no incident in that time window")
    widen = widen or selection.everything
    picked, related = (widened(incidents, causes, chosen) if widen
                       else (chosen, [c for c in causes if set(c.incidents) & set(chosen)]))
    return sorted(picked.values(), key=lambda i: (i.first_seen or 0, i.id)), related


def by_selector(incidents: Sequence[Incident], causes: Sequence[RootCause],
                wanted: str) -> tuple[list[Incident], bool]:
    """The incidents one selector names, and whether it names an outage (a root cause or a
    table: widen to the causes that share its fix) rather than exactly these incidents."""
    by_id = {i.id: i for i in incidents}
    if wanted in by_id:
        return [by_id[wanted]], False
    if any(c.id == wanted for c in causes):
        return by_root_cause(incidents, causes, wanted), True
    if rule := [i for i in incidents if i.rule == wanted]:
        return rule, False
    if tables := [i for i in incidents if _matches_table(i, wanted)]:
        return tables, True
    return by_prefix(incidents, wanted), False


def by_root_cause(incidents: Sequence[Incident], causes: Sequence[RootCause],
                  wanted: str) -> list[Incident]:
    cause = next((c for c in causes if c.id == wanted), None)
    if cause is None:
        known = ", ".join(c.id for c in causes) or "none found"
        raise UsageError(f"--root-cause: no root cause {wanted!r} (root causes: {known})")
    return [i for i in incidents if i.id in cause.incidents]


def _matches_table(incident: Incident, wanted: str) -> bool:
    table = incident.entities.get("table")
    if not table:
        return False
    schema = incident.entities.get("schema")
    qualified = f"{schema}.{table}" if schema else table
    return wanted.lower() in (table.lower(), qualified.lower())


def by_prefix(incidents: Sequence[Incident], wanted: str) -> list[Incident]:
    hits = [i for i in incidents if len(wanted) >= MIN_PREFIX and i.id.startswith(wanted)]
    if len(hits) == 1:
        return hits
    known = ", ".join(sorted(i.id for i in incidents)[:10]) or "none found"
    if hits:
        raise UsageError(f"selector {wanted!r} is ambiguous: it starts "
                         f"{', '.join(i.id for i in hits)}")
    raise UsageError(f"no incident matches {wanted!r} (an id, id prefix of {MIN_PREFIX}+ "
                     f"characters, rule id, table name or root-cause id; incidents: {known})")


def in_window(incident: Incident, since: int | None, until: int | None) -> bool:
    """The incident was active inside [since, until): its span overlaps the window."""
    first, last = incident.first_seen, incident.last_seen
    if first is None or last is None:
        return since is None and until is None
    return (since is None or last >= since) and (until is None or first < until)


def widened(incidents: Sequence[Incident], causes: Sequence[RootCause],
            chosen: dict[str, Incident]) -> tuple[dict[str, Incident], list[RootCause]]:
    """Add the root causes that share a model change with a chosen incident's cause, and
    their incidents, until nothing more joins."""
    by_id = {i.id: i for i in incidents}
    related: list[RootCause] = []
    grown = True
    while grown:
        grown = False
        changes = {c.change for c in related if c.change is not None}
        for cause in causes:
            if cause in related:
                continue
            if set(cause.incidents) & set(chosen) or cause.change in changes:
                related.append(cause)
                chosen.update((i, by_id[i]) for i in cause.incidents if i in by_id)
                grown = True
    return chosen, [c for c in causes if c in related]
