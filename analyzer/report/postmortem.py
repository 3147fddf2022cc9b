"""Post-mortem draft: the incidents of one outage (analyzer.report.outage picks them)
-> the facts the logs can tell (symptoms, impact, wanted-vs-found names, fixes, verification
queries, timeline), as Markdown in the shape of the seed post-mortem or as JSON, with TODO
slots for what logs cannot know.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from analyzer.catalog.names import quote_ident
from analyzer.diagnose.kinds import KINDS
from analyzer.model import Incident, ModelChange, Report, RootCause, format_ts, severity_rank
from analyzer.report.common import MINUTE_NS, peak
from analyzer.report.jsonout import change_dict
from analyzer.report.outage import Selection, select_outage
from analyzer.report.postmortem_text import KIND_LESSONS, KIND_TITLES, PREVENTION, TODOS
from analyzer.store import History, StateStore

_SQL_RE = re.compile(r"\b((?:ALTER|CREATE|DROP|COMMENT ON|NOTIFY)\b[^;]*;)", re.I)


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything a post-mortem states, from the logs (and the state's history)."""

    selector: str
    headline: str
    severity: str
    incidents: tuple[Incident, ...]
    timeline: Mapping[int, int]  # minute -> errors, all selected incidents together
    records: int | None  # records read, for the error rate (None from the state alone)
    sources: tuple[str, ...]
    root_causes: tuple[RootCause, ...] = ()
    first_ever: int | None = None  # from the state's history, when known
    runs_seen: int | None = None

    @property
    def errors(self) -> int:
        return sum(i.count for i in self.incidents)

    @property
    def first_seen(self) -> int | None:
        return min((i.first_seen for i in self.incidents if i.first_seen), default=None)

    @property
    def last_seen(self) -> int | None:
        return max((i.last_seen for i in self.incidents if i.last_seen), default=None)

    @property
    def duration_ns(self) -> int | None:
        first, last = self.first_seen, self.last_seen
        return None if first is None or last is None else last - first

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.records if self.records else None

    @property
    def services(self) -> list[str]:
        return sorted({s for i in self.incidents for s in i.services})

    @property
    def tables(self) -> list[str]:
        return sorted({_table_name(i) for i in self.incidents if i.entities.get("table")})

    @property
    def peak(self) -> tuple[int, int] | None:
        return peak(self.timeline)


def _table_name(incident: Incident) -> str:
    schema, table = incident.entities.get("schema"), incident.entities.get("table", "")
    return f"{schema}.{table}" if schema else table


def merge_timelines(timelines: Iterable[Mapping[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for timeline in timelines:
        for minute, count in timeline.items():
            merged[minute] = merged.get(minute, 0) + count
    return merged


def headline(incidents: Sequence[Incident], causes: Sequence[RootCause] = ()) -> str:
    kinds = {i.diagnosis.kind for i in incidents if i.diagnosis}
    tables = sorted({i.entities["table"] for i in incidents if i.entities.get("table")})
    where = f" on table {', '.join(tables)}" if tables else ""
    change = next((c.change for c in causes if c.change is not None), None)
    if change is not None:
        titles = [KIND_TITLES.get(c.kind, c.kind) for c in causes if c.change == change]
        return (f"Model {change.model} does not match the schema: " + titles[0]
                + "".join(f" and {t[:1].lower()}{t[1:]}" for t in titles[1:]))
    if len(kinds) == 1:
        return f"{KIND_TITLES.get(next(iter(kinds)), 'Schema mismatch')}{where}"
    if kinds:
        return f"Schema and code disagree{where}"
    return f"{incidents[0].title}{where}"


def build_facts(selector: str, incidents: Sequence[Incident], causes: Sequence[RootCause],
                timelines: Mapping[str, Mapping[int, int]], *, records: int | None,
                sources: Sequence[str], first_ever: int | None = None,
                runs_seen: int | None = None) -> Facts:
    worst = min((i.severity for i in incidents), key=severity_rank)
    return Facts(selector=selector, headline=headline(incidents, causes), severity=worst,
                 incidents=tuple(incidents), records=records, sources=tuple(sources),
                 timeline=merge_timelines(timelines.get(i.id, {}) for i in incidents),
                 root_causes=tuple(causes), first_ever=first_ever, runs_seen=runs_seen)


# --- what to do and check -----------------------------------------------------------------
def migration_sql(facts: Facts) -> list[str]:
    """SQL statements the diagnoses' fixes propose (rename a column, ...), once each."""
    found: dict[str, None] = {}
    for fix in _all_fixes(facts):
        for statement in _SQL_RE.findall(fix):
            found[statement.strip()] = None
    return list(found)


def code_fixes(facts: Facts) -> list[str]:
    """The fixes that are code/config changes (per ORM), not SQL; a model change the draft
    shows as a before/after block is left out."""
    shown = {c.fixes[0] for c in facts.root_causes if c.change is not None and c.fixes}
    return [fix for fix in dict.fromkeys(_all_fixes(facts))
            if not _SQL_RE.search(fix) and fix not in shown]


def model_changes(facts: Facts) -> list[ModelChange]:
    """The model changes the root causes name (one per model), the outage's fix."""
    return list(dict.fromkeys(c.change for c in facts.root_causes if c.change is not None))


def _all_fixes(facts: Facts) -> list[str]:
    """Root causes' fixes first (the combined one leads), then those of incidents no chosen
    root cause explains: a cause's fix already covers its incidents'."""
    explained = {i for c in facts.root_causes for i in c.incidents}
    fixes = [f for c in facts.root_causes for f in c.fixes]
    return fixes + [f for i in facts.incidents if i.diagnosis and i.id not in explained
                    for f in i.diagnosis.fixes]


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def verification_queries(facts: Facts) -> list[tuple[str, str]]:
    """(why, SQL) pairs to run against the database, built from the incidents' names with
    proper quoting (the names come from logs)."""
    queries: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(why: str, sql: str) -> None:
        if sql not in seen:
            seen.add(sql)
            queries.append((why, sql))

    for incident in facts.incidents:
        schema = incident.entities.get("schema") or "public"
        table, column = incident.entities.get("table"), incident.entities.get("column")
        d = incident.diagnosis
        if table and column:
            add(f"the columns {schema}.{table} really has",
                "SELECT column_name, data_type FROM information_schema.columns\n"
                f"WHERE table_schema = {sql_literal(schema)} AND table_name = "
                f"{sql_literal(table)}\nORDER BY ordinal_position;")
        if table and column and d and d.found and KINDS[d.kind].real_name:
            target = f"{quote_ident(schema)}.{quote_ident(table)}"
            add(f"the real name works: {d.found}",
                f"SELECT {quote_ident(d.found)} FROM {target} LIMIT 1;")
        if table and not column:
            names = ", ".join(sql_literal(n) for n in dict.fromkeys(
                [table, *([d.found.rsplit(".", 1)[-1]] if d and d.found else [])]))
            add(f"which of the tables exist ({table} is what the code asks for)",
                "SELECT table_schema, table_name FROM information_schema.tables\n"
                f"WHERE table_name IN ({names});")
        if d and KINDS[d.kind].cache_reload:
            add("PostgREST reloads its schema cache", "NOTIFY pgrst, 'reload schema';")
        if not table and column:
            add(f"which tables have a column like {column}",
                "SELECT table_schema, table_name, column_name FROM information_schema.columns\n"
                f"WHERE lower(column_name) = lower({sql_literal(column)}) OR "
                f"replace(lower(column_name), '_', '') = "
                f"replace(lower({sql_literal(column)}), '_', '');")
    return queries


def timeline_events(facts: Facts) -> list[tuple[int | None, str]]:
    """(time, what) from the logs: first error, each incident's start, the peak, last error."""
    events: list[tuple[int | None, str]] = []
    ordered = sorted(facts.incidents, key=lambda i: i.first_seen or 0)
    for index, incident in enumerate(ordered):
        label = "First error" if index == 0 else "First occurrence"
        events.append((incident.first_seen, f"{label}: {incident.title} "
                                            f"({_entities(incident)}, {incident.id})"))
    top = facts.peak
    if top is not None:
        events.append((top[0], f"Peak: {top[1]} errors in one minute"))
    events.append((facts.last_seen, "Last error in the logs"))
    return sorted(events, key=lambda e: (e[0] or 0))


def _entities(incident: Incident) -> str:
    return ", ".join(f"{k}={v}" for k, v in incident.entities.items()) or incident.rule


def lessons(facts: Facts) -> list[str]:
    kinds = sorted({i.diagnosis.kind for i in facts.incidents if i.diagnosis})
    found = [KIND_LESSONS[k] for k in kinds if k in KIND_LESSONS]
    return found or [KIND_LESSONS["unknown"]]


# --- JSON ---------------------------------------------------------------------------------
def facts_dict(facts: Facts, clean: Callable[[str], str], incident_dict: Callable[..., Any]
               ) -> dict[str, Any]:
    top = facts.peak
    return {
        "version": 1,
        "selector": clean(facts.selector),
        "title": clean(facts.headline),
        "status": "draft",
        "severity": facts.severity,
        "impact": {
            "errors": facts.errors, "incidents": len(facts.incidents),
            "records": facts.records,
            "error_rate": None if facts.error_rate is None else round(facts.error_rate, 6),
            "first_seen": format_ts(facts.first_seen), "last_seen": format_ts(facts.last_seen),
            "duration_seconds": None if facts.duration_ns is None
            else facts.duration_ns / 1e9,
            "peak": None if top is None else {"minute": format_ts(top[0]), "count": top[1]},
            "services": [clean(s) for s in facts.services],
            "tables": [clean(t) for t in facts.tables],
            "first_seen_ever": format_ts(facts.first_ever), "runs_seen": facts.runs_seen,
        },
        "names": [{"table": clean(_table_name(i)) or None,
                   "wanted": clean(i.diagnosis.wanted or ""),
                   "found": clean(i.diagnosis.found or ""),
                   "kind": i.diagnosis.kind, "confidence": i.diagnosis.confidence,
                   "incident": i.id} for i in facts.incidents if i.diagnosis],
        "fix": {"model_changes": [change_dict(c) for c in model_changes(facts)],
                "code": [clean(f) for f in code_fixes(facts)],
                "migration_sql": [clean(s) for s in migration_sql(facts)]},
        "verification": [{"why": clean(why), "sql": clean(sql)}
                         for why, sql in verification_queries(facts)],
        "timeline": [{"ts": format_ts(ts), "event": clean(what)}
                     for ts, what in timeline_events(facts)],
        "per_minute": [{"minute": format_ts(m * MINUTE_NS), "count": c}
                       for m, c in sorted(facts.timeline.items())],
        "lessons": lessons(facts),
        "prevention": list(PREVENTION),
        "todo": list(TODOS),
        "incidents": [incident_dict(i) for i in facts.incidents],
        "root_causes": [{"id": c.id, "kind": c.kind, "summary": clean(c.summary)}
                        for c in facts.root_causes],
        "sources": [clean(s) for s in facts.sources],
    }


# --- where the incidents come from ----------------------------------------------------------
def facts_from_report(selection: Selection, report: Report,
                      history: Sequence[History] = ()) -> Facts:
    """From a fresh analysis; the state's history (if given) adds first-seen-ever."""
    chosen, causes = select_outage(report.incidents, report.root_causes, selection)
    known = [h for h in history if h.id in {i.id for i in chosen}]
    return build_facts(
        selection.describe(), chosen, causes, report.timelines, records=report.records,
        sources=[s.source for s in report.sources],
        first_ever=min((h.first_ever for h in known if h.first_ever), default=None),
        runs_seen=max((h.runs_seen for h in known), default=None))


def facts_from_state(selection: Selection, store: StateStore) -> Facts:
    """From the history a scheduled report kept: totals over every run, stored timelines."""
    history = store.incidents()
    totals = [replace(h.incident, count=h.total, first_seen=h.first_ever,
                      last_seen=h.last_ever) for h in history]
    chosen, causes = select_outage(totals, [], selection)
    timelines = {i.id: store.minutes(i.id) for i in chosen}
    runs = {h.id: h.runs_seen for h in history}
    return build_facts(selection.describe(), chosen, causes, timelines, records=None,
                       sources=[f"state: {store.path}"],
                       first_ever=min((i.first_seen for i in chosen if i.first_seen),
                                      default=None),
                       runs_seen=max((runs[i.id] for i in chosen), default=None))
