"""Incidents as JSON for the state: the snapshot kept for RESOLVED reporting and post-mortems
(timestamps stay integer nanoseconds)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.model import Diagnosis, Incident, Sample, frozen_map


def incident_to_json(incident: Incident) -> dict[str, Any]:
    diagnosis = incident.diagnosis
    return {
        "id": incident.id, "rule": incident.rule, "title": incident.title,
        "severity": incident.severity, "category": incident.category, "count": incident.count,
        "first_seen": incident.first_seen, "last_seen": incident.last_seen,
        "services": list(incident.services), "entities": dict(incident.entities),
        "root_cause": incident.root_cause,
        "samples": [[s.ts, s.source, s.lineno, s.message] for s in incident.samples],
        "diagnosis": None if diagnosis is None else {
            "kind": diagnosis.kind, "summary": diagnosis.summary, "wanted": diagnosis.wanted,
            "found": diagnosis.found, "confidence": diagnosis.confidence,
            "evidence": list(diagnosis.evidence), "fixes": list(diagnosis.fixes)},
    }


def incident_from_json(data: Mapping[str, Any]) -> Incident:
    d = data.get("diagnosis")
    diagnosis = None if d is None else Diagnosis(
        kind=d["kind"], summary=d["summary"], wanted=d["wanted"], found=d["found"],
        confidence=d["confidence"], evidence=tuple(d["evidence"]), fixes=tuple(d["fixes"]))
    return Incident(
        id=data["id"], rule=data["rule"], title=data["title"], severity=data["severity"],
        category=data["category"], count=data["count"], first_seen=data["first_seen"],
        last_seen=data["last_seen"], services=tuple(data["services"]),
        entities=frozen_map(data["entities"]), root_cause=data.get("root_cause"),
        samples=tuple(Sample(*s) for s in data["samples"]), diagnosis=diagnosis)


