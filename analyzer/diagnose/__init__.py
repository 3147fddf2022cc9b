"""Diagnosis stage: Incidents (+ Catalog, + what the logs said) -> Incidents with a Diagnosis,
and the RootCauses that group them.

A rule's `diagnose:` key names the check in CHECKS that explains its incidents. Entity
resolution (analyzer.resolve) runs earlier, before matches become incidents, so every shape of
one problem shares an incident; its LogEvidence is what the diagnosis compares against when no
schema is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from analyzer.catalog import Catalog
from analyzer.diagnose import verdicts
from analyzer.diagnose.finding import Explained, Finding, Subject, Verdict
from analyzer.diagnose.kinds import DIAGNOSIS_KINDS, KINDS, fixes_for
from analyzer.diagnose.rootcause import root_causes
from analyzer.diagnose.search import NameIndex
from analyzer.model import Diagnosis, Incident, RootCause
from analyzer.resolve.evidence import LogEvidence
from analyzer.rulebook import Rule


@dataclass(slots=True)
class Knowledge:
    """Everything a diagnosis may compare against."""

    catalog: Catalog | None = None
    evidence: LogEvidence = field(default_factory=LogEvidence)
    _index: NameIndex | None = None

    @property
    def index(self) -> NameIndex:
        if self._index is None:
            self._index = NameIndex(self.catalog if self.catalog is not None else Catalog())
        return self._index


def subject_of(incident: Incident, rules: Mapping[str, Rule]) -> Subject:
    clues = dict(incident.clues)
    rule_ids = clues.get("rule") or (incident.rule,)
    seen = [rules[r] for r in rule_ids if r in rules]
    cache_only = bool(seen) and all(_from_schema_cache(r) for r in seen)
    entities = incident.entities
    return Subject(entities.get("column"), entities.get("table") or entities.get("relation"),
                   entities.get("schema"), cache_only, clues)


def _from_schema_cache(rule: Rule) -> bool:
    return bool(set(rule.codes) & verdicts.SCHEMA_CACHE_CODES) or \
        "schema cache" in rule.title.lower()


def find(subject: Subject, knowledge: Knowledge) -> Finding:
    catalog = knowledge.catalog
    if catalog is not None and subject.column:
        table = _catalog_table(subject, catalog)
        if table is not None:
            finding = verdicts.column_in_table(subject, table, catalog)
        else:
            finding = verdicts.column_anywhere(subject, catalog, knowledge.index)
    elif catalog is not None and subject.table:
        finding = verdicts.table_in_catalog(subject, catalog, knowledge.index)
    else:
        finding = verdicts.from_logs(subject, knowledge.evidence)
    finding = verdicts.quoted_literal(subject, finding or verdicts.unknown(subject))
    _corroborate(finding, subject)
    return finding


def _catalog_table(subject: Subject, catalog: Catalog):
    if not subject.table:
        return None
    table = catalog.get(subject.table, subject.schema)
    if table is None and not subject.schema:
        named = catalog.named(subject.table)
        table = named[0] if named else None
    return table


def _corroborate(finding: Finding, subject: Subject) -> None:
    """Say where the table came from, and what the server's hint said, when it agrees."""
    for how in subject.clue("resolved")[:1]:
        finding.evidence.append(how)
    for hint in subject.clue("hint")[:1]:
        if finding.found and finding.found.rsplit(".", 1)[-1] in hint and \
                not any(e.startswith("hint:") for e in finding.evidence):
            finding.evidence.append(f"the server's hint agrees: {hint}")
            finding.confidence = min(0.97, finding.confidence + 0.05)
    for statement in subject.clue("statement")[:1]:
        where = subject.clue("statement_at")[:1]
        finding.evidence.append(f"failing SQL{' at ' + where[0] if where else ''}: "
                                f"{_short(statement)}")


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def diagnosis_of(finding: Finding, subject: Subject) -> Diagnosis:
    return Diagnosis(kind=finding.kind, summary=finding.summary, wanted=finding.wanted,
                     found=finding.found, confidence=round(finding.confidence, 3),
                     evidence=tuple(dict.fromkeys(finding.evidence)),
                     fixes=tuple(dict.fromkeys(fixes_for(finding, subject))))


def naming(incident: Incident, rules: Mapping[str, Rule], knowledge: Knowledge
           ) -> Verdict | None:
    """Naming mismatches between what the code asked for and what the database has."""
    subject = subject_of(incident, rules)
    if not (subject.column or subject.table):
        return None
    finding = find(subject, knowledge)
    return Verdict(diagnosis_of(finding, subject), finding, subject)


Check = Callable[[Incident, Mapping[str, Rule], Knowledge],
                 Verdict | None]

CHECKS: dict[str, Check] = {
    "naming": naming,
}


def diagnose(incidents: Iterable[Incident], rules: Mapping[str, Rule],
             catalog: Catalog | None, evidence: LogEvidence | None = None
             ) -> tuple[list[Incident], list[RootCause]]:
    knowledge = Knowledge(catalog, evidence if evidence is not None else LogEvidence())
    diagnosed: list[Incident] = []
    findings: list[Explained] = []
    for incident in incidents:
        rule = rules.get(incident.rule)
        check = CHECKS.get(rule.diagnose) if rule and rule.diagnose else None
        result = check(incident, rules, knowledge) if check else None
        if result is None:
            diagnosed.append(incident)
            continue
        diagnosis, finding, subject = result
        incident = replace(incident, diagnosis=diagnosis)
        diagnosed.append(incident)
        findings.append(Explained(incident, finding, subject))
    causes, owner = root_causes(findings)
    return [replace(i, root_cause=owner[i.id]) if i.id in owner else i
            for i in diagnosed], causes


__all__ = ["CHECKS", "DIAGNOSIS_KINDS", "KINDS", "Knowledge", "diagnose"]
