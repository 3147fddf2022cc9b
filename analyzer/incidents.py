"""Incidents stage: Matches -> Incidents, grouped by rule and normalized entities.

Streaming and mergeable: an Accumulator keeps per incident a count, first/last seen, the
services, per-minute counts (bounded) and a bounded list of samples, so memory does not grow
with the input. Incident ids hash the fingerprint, so the same problem gets the same id
tomorrow, on any machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from analyzer.model import Incident, Match, Sample, Span, frozen_map, severity_rank
from analyzer.rulebook import Rule

ENTITY_NAMES = ("schema", "table", "column", "relation", "function", "constraint", "code",
                "condition")
DEFAULT_SCHEMA = "public"  # what an unqualified table name means (PostgreSQL's search_path)
MAX_SERVICES = 20
MAX_CLUE_VALUES = 5  # distinct values kept per clue key (hints, statements, ORMs, ...)
MAX_CLUE_CHARS = 2000
MAX_BUCKETS = 24 * 60  # per-minute counts kept per incident (a day)
MAX_KEYS = 4096  # (rule, captures) -> incident key memo; then it starts over
_QUOTES = "\"'`"


def normalize_entity(value: str) -> str:
    """Strip quoting (`"x"`, `'x'`, `` `x` ``) and whitespace; case is kept."""
    return value.strip().strip(_QUOTES).strip()


def entities_of(rule: Rule, captures: Mapping[str, str]) -> dict[str, str]:
    """The incident-defining values: the rule's fingerprint captures plus named entities."""
    names = list(rule.fingerprint) + [n for n in ENTITY_NAMES if n not in rule.fingerprint]
    entities = {n: normalize_entity(captures[n]) for n in names if captures.get(n)}
    table = entities.get("table")
    if table and "." in table and "schema" not in entities:
        # `public.sessions` names a schema and a table; `column t.c` never reaches here
        schema, _, name = table.rpartition(".")
        entities["schema"], entities["table"] = normalize_entity(schema), normalize_entity(name)
    return entities


def fingerprint(rule: Rule, entities: Mapping[str, str]) -> tuple[str, ...]:
    """The incident key: the rule's group (or its id) and its fingerprint entities. Rules that
    report one problem in several shapes share a `group`, so they share incidents. A table
    named without a schema means `public` (the search_path default), so the schema enters the
    key only when it is another one: `column "x" of relation "t"`, `column t.x` and
    `public.t` shapes agree (and keep the ids they always had)."""
    keys = [k for k in rule.fingerprint if k in entities and k != "schema"]
    schema = entities.get("schema")
    if schema and schema != DEFAULT_SCHEMA and ("table" in keys or "schema" in rule.fingerprint):
        keys.insert(keys.index("table") if "table" in keys else 0, "schema")
    return (rule.group or rule.id, *(f"{k}={entities[k]}" for k in keys))


def incident_id(key: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(("v1", *key)).encode()).hexdigest()[:12]


ChangeKind = Literal["new", "count", "escalated", "merged", "dropped"]


@dataclass(frozen=True, slots=True)
class Change:
    """What one record did to the incidents (as Drain3's `change_type`): opened a `new` one,
    added to one (`count`), made one worse (`escalated`, with the `previous` severity), folded
    others into one (`merged`: the ids in `merged` are gone, their counts live in `incident`),
    or was `dropped` because the incident cap was reached."""

    kind: ChangeKind
    incident: str  # the incident id ("" when dropped)
    severity: str = ""
    previous: str | None = None
    merged: tuple[str, ...] = ()


@dataclass(slots=True)
class _Open:
    rule: Rule
    entities: dict[str, str]
    ident: str = ""
    severity: str = ""  # the worst severity of the rules that matched
    count: int = 0
    span: Span = field(default_factory=Span)
    services: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    minutes: dict[int, int] = field(default_factory=dict)
    clues: dict[str, list[str]] = field(default_factory=dict)

    def add_clue(self, key: str, value: str) -> None:
        values = self.clues.setdefault(key, [])
        if value not in values and len(values) < MAX_CLUE_VALUES:
            values.append(value)


@dataclass(slots=True)
class Accumulator:
    """Collects Matches into incidents. `redact` cleans sample text before it is kept; with
    `max_incidents`, matches of incidents beyond that many are dropped (counted, not kept)."""

    rules: Mapping[str, Rule]
    max_samples: int = 5
    redact: Callable[[str], str] = lambda text: text
    max_incidents: int | None = None
    dropped: int = 0
    _open: dict[tuple[str, ...], _Open] = field(default_factory=dict)
    _by_id: dict[str, _Open] = field(default_factory=dict)
    # (rule, captures) -> the incident key: the same error again costs one lookup
    _keys: dict[tuple, tuple[str, ...]] = field(default_factory=dict)

    def add(self, match: Match) -> Change:
        rule = self.rules[match.rule_id]
        seen = (match.rule_id, *match.captures.items())
        key = self._keys.get(seen)
        if key is None:
            key = fingerprint(rule, entities_of(rule, match.captures))
            if len(self._keys) >= MAX_KEYS:
                self._keys.clear()
            self._keys[seen] = key
        state = self._open.get(key)
        kind: ChangeKind = "count"
        previous = None
        if state is None:
            if self.max_incidents is not None and len(self._open) >= self.max_incidents:
                self.dropped += 1
                return Change("dropped", "")
            state = self._open[key] = _Open(rule, entities_of(rule, match.captures),
                                            incident_id(key), rule.severity)
            self._by_id[state.ident] = state
            kind = "new"
        elif severity_rank(rule.severity) < severity_rank(state.severity):
            kind, previous, state.severity = "escalated", state.severity, rule.severity
        self._count(state, match)
        return Change(kind, state.ident, state.severity, previous)

    def _count(self, state: _Open, match: Match) -> None:
        record = match.record
        state.count += 1
        if record.ts is not None:
            state.span.add(record.ts)
            minute = record.ts // 60_000_000_000
            if minute in state.minutes or len(state.minutes) < MAX_BUCKETS:
                state.minutes[minute] = state.minutes.get(minute, 0) + 1
        service = record.service or record.instance
        if service and service not in state.services and len(state.services) < MAX_SERVICES:
            state.services.append(service)
        if len(state.samples) < self.max_samples:
            state.samples.append(Sample(record.ts, record.source, record.lineno,
                                        self.redact(record.message)))
        state.add_clue("rule", match.rule_id)
        for name, value in match.clues.items():
            kept = state.clues.get(name)
            if kept is None or len(kept) < MAX_CLUE_VALUES:  # a full list takes no more
                state.add_clue(name, self.redact(value[:MAX_CLUE_CHARS]))

    def merge(self, other: Accumulator) -> None:
        """Fold another accumulator (e.g. another file's) into this one."""
        for key, theirs in other._open.items():
            mine = self._open.get(key)
            if mine is None:
                self._open[key] = self._by_id[theirs.ident] = theirs
                continue
            mine.count += theirs.count
            if severity_rank(theirs.severity) < severity_rank(mine.severity):
                mine.severity = theirs.severity
            mine.span.merge(theirs.span)
            for service in theirs.services:
                if service not in mine.services and len(mine.services) < MAX_SERVICES:
                    mine.services.append(service)
            mine.samples = (mine.samples + theirs.samples)[: self.max_samples]
            for minute, count in theirs.minutes.items():
                if minute in mine.minutes or len(mine.minutes) < MAX_BUCKETS:
                    mine.minutes[minute] = mine.minutes.get(minute, 0) + count
            for name, values in theirs.clues.items():
                for value in values:
                    mine.add_clue(name, value)

    def to_state(self) -> list[dict[str, Any]]:
        """Plain JSON-able data of every incident, in the order they opened (`merge_state`
        folds it back in: a summary that merges exactly)."""
        return [{"key": list(key), "rule": s.rule.id, "entities": dict(s.entities),
                 "id": s.ident, "severity": s.severity, "count": s.count,
                 "first_seen": s.span.first, "last_seen": s.span.last,
                 "services": list(s.services),
                 "samples": [[x.ts, x.source, x.lineno, x.message] for x in s.samples],
                 "minutes": {str(m): n for m, n in s.minutes.items()},
                 "clues": {k: list(v) for k, v in s.clues.items()}}
                for key, s in self._open.items()]

    def merge_state(self, states: list[dict[str, Any]]) -> None:
        """Fold `to_state` data in, as if its matches came after ours. KeyError names a rule
        that is not loaded; TypeError/ValueError: not such data."""
        other = Accumulator(self.rules, self.max_samples, self.redact)
        for data in states:
            state = _Open(self.rules[data["rule"]], dict(data["entities"]), str(data["id"]),
                          str(data["severity"]), int(data["count"]),
                          Span(data["first_seen"], data["last_seen"]),
                          [str(x) for x in data["services"]],
                          [Sample(ts, str(src), int(line), str(msg))
                           for ts, src, line, msg in data["samples"]],
                          {int(m): int(n) for m, n in data["minutes"].items()},
                          {str(k): [str(v) for v in vs] for k, vs in data["clues"].items()})
            key = tuple(str(k) for k in data["key"])
            other._open[key] = other._by_id[state.ident] = state
        self.merge(other)

    def minutes(self, incident: str) -> dict[int, int]:
        """Per-minute counts (minute = ns // 60e9) of one incident, for timelines."""
        state = self._by_id.get(incident)
        return dict(state.minutes) if state is not None else {}

    def timelines(self) -> dict[str, dict[int, int]]:
        """Per-minute counts of every incident, by incident id."""
        return {state.ident: dict(state.minutes) for state in self._open.values()}

    def incident(self, ident: str) -> Incident | None:
        """One incident as it stands now, by id (no other incident is built)."""
        state = self._by_id.get(ident)
        return _freeze(state) if state is not None else None

    def incidents(self) -> list[Incident]:
        return sort_incidents(_freeze(state) for state in self._open.values())


def sort_incidents(incidents: Iterable[Incident]) -> list[Incident]:
    """Worst first: severity, then count, then id for a stable order."""
    return sorted(incidents, key=lambda i: (severity_rank(i.severity), -i.count, i.id))


def _freeze(state: _Open) -> Incident:
    rule = state.rule
    return Incident(
        id=state.ident, rule=rule.id, title=rule.title, severity=state.severity,
        category=rule.category, count=state.count, first_seen=state.span.first,
        last_seen=state.span.last, services=tuple(sorted(state.services)),
        entities=frozen_map(state.entities), samples=tuple(state.samples),
        clues=frozen_map({k: tuple(v) for k, v in state.clues.items()}),
    )
