"""JSON reporter: the stable `scan --format json` contract (DESIGN.md, README "JSON output")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from analyzer.model import Diagnosis, Incident, ModelChange, Report, RootCause, format_ts
from analyzer.report.common import cleaner, window_of
from analyzer.textsafe import scrubbed

if TYPE_CHECKING:  # the state store (sqlite3): a report of a recorded run only
    from analyzer.store import History, RunInfo, RunResult

JSON_VERSION = 1


def diagnosis_dict(diagnosis: Diagnosis | None) -> dict[str, Any] | None:
    if diagnosis is None:
        return None
    return {
        "kind": diagnosis.kind, "summary": diagnosis.summary, "wanted": diagnosis.wanted,
        "found": diagnosis.found, "confidence": round(diagnosis.confidence, 3),
        "evidence": list(diagnosis.evidence), "fixes": list(diagnosis.fixes),
    }


def incident_dict(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id, "rule": incident.rule, "title": incident.title,
        "severity": incident.severity, "category": incident.category, "count": incident.count,
        "first_seen": format_ts(incident.first_seen), "last_seen": format_ts(incident.last_seen),
        "services": list(incident.services), "entities": dict(incident.entities),
        "diagnosis": diagnosis_dict(incident.diagnosis), "root_cause": incident.root_cause,
        "samples": [{"ts": format_ts(s.ts), "source": s.source, "lineno": s.lineno,
                     "message": s.message} for s in incident.samples],
    }


def root_cause_dict(cause: RootCause) -> dict[str, Any]:
    return {"id": cause.id, "kind": cause.kind, "summary": cause.summary, "table": cause.table,
            "incidents": list(cause.incidents), "fixes": list(cause.fixes),
            "evidence": list(cause.evidence), "change": change_dict(cause.change)}


def change_dict(change: ModelChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {"orm": change.orm, "model": change.model,
            "options": [{"option": name, "before": before, "after": after}
                        for name, before, after in change.options]}


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "input": {
            "sources": [s.source for s in report.sources], "lines": report.lines,
            "records": report.records, "unparsed": report.unparsed,
            "formats": report.formats(),
        },
        "incidents": [incident_dict(i) for i in report.incidents],
        "root_causes": [root_cause_dict(c) for c in report.root_causes],
        "problems": [{"where": p.where, "message": p.message, "fatal": p.fatal}
                     for p in report.problems],
    }


def history_dict(history: History) -> dict[str, Any]:
    return {"first_seen_ever": format_ts(history.first_ever),
            "last_seen_ever": format_ts(history.last_ever), "total": history.total,
            "runs_seen": history.runs_seen, "first_run": history.first_run,
            "recent_runs": [{"run": run, "count": count} for run, count in history.recent]}


def run_dict(run: RunInfo | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"id": run.id, "started_at": format_ts(run.started_at),
            "finished_at": format_ts(run.finished_at),
            "window_start": format_ts(run.window_start), "window_end": format_ts(run.window_end)}


def add_status(data: dict[str, Any], report: Report, result: RunResult) -> None:
    """The scan keys plus, per incident, `status` and `history`; and the run, the window,
    the counts per status and the incidents resolved since the last run."""
    for item in data["incidents"]:
        history = result.history.get(item["id"])
        item["status"] = history.status if history else None
        item["history"] = history_dict(history) if history else None
    start, end = window_of(report, result)
    data["run"] = run_dict(result.run)
    data["previous_run"] = run_dict(result.previous)
    data["window"] = {"start": format_ts(start), "end": format_ts(end)}
    data["statuses"] = result.status_counts()
    data["resolved"] = [{**incident_dict(h.incident), "status": h.status,
                         "history": history_dict(h)} for h in result.resolved]


def render(report: Report, out: TextIO, *, history: RunResult | None = None,
           redact: bool = True, emails: bool = False, **_: Any) -> None:
    data = report_dict(report)
    if history is not None:
        add_status(data, report, history)
    json.dump(scrubbed(data, cleaner(redact, emails)), out, ensure_ascii=False, indent=2)
    out.write("\n")
