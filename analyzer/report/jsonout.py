"""JSON reporter: the stable `scan --format json` contract (DESIGN.md, README "JSON output")."""

from __future__ import annotations

import json
from typing import Any, TextIO

from analyzer.model import Diagnosis, Incident, Report, RootCause, format_ts

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
            "evidence": list(cause.evidence)}


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


def render(report: Report, out: TextIO, **_: Any) -> None:
    json.dump(report_dict(report), out, ensure_ascii=False, indent=2)
    out.write("\n")
