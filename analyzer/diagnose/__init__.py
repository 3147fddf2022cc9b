"""Diagnosis stage: Incidents (+ Catalog) -> Incidents with a Diagnosis, and RootCauses.

A rule's `diagnose:` key names the check in CHECKS that explains its incidents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from analyzer.catalog import Catalog
from analyzer.diagnose import verdicts
from analyzer.model import Diagnosis, Incident, RootCause
from analyzer.rulebook import Rule

Check = Callable[[Incident, Catalog | None], Diagnosis | None]

CHECKS: dict[str, Check] = {
    "naming": verdicts.naming,
}


def diagnose(incidents: Iterable[Incident], rules: Mapping[str, Rule],
             catalog: Catalog | None) -> tuple[list[Incident], list[RootCause]]:
    diagnosed = []
    for incident in incidents:
        rule = rules.get(incident.rule)
        check = CHECKS.get(rule.diagnose) if rule and rule.diagnose else None
        diagnosis = check(incident, catalog) if check else None
        diagnosed.append(replace(incident, diagnosis=diagnosis) if diagnosis else incident)
    return diagnosed, []


__all__ = ["CHECKS", "diagnose"]
