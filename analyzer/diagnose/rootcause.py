"""Root causes: diagnosed incidents that share one cause become one RootCause (the ORM's naming
convention against a table's, a table named differently, a stale PostgREST cache, a migration not
applied), with the fix per ORM the logs show and the migration SQL generated from the catalog.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from analyzer.catalog.names import style
from analyzer.diagnose.finding import Explained, Finding, Subject
from analyzer.diagnose.fixes import ORM_FIXES, rename_column_sql, stale_cache_fixes
from analyzer.diagnose.kinds import KINDS
from analyzer.diagnose.verdicts import ALIAS_GUESS
from analyzer.model import Incident, ModelChange, RootCause


@dataclass(slots=True)
class _Group:
    key: tuple[str, ...]
    kind: str
    table: str | None
    members: list[Explained] = field(default_factory=list)

    @property
    def orms(self) -> tuple[str, ...]:
        found = [o for _, _, s in self.members for o in s.clue("orm")]
        if any(s.clue("via") for _, _, s in self.members):
            found.append("postgrest")
        return tuple(dict.fromkeys(found))

    @property
    def model(self) -> str | None:
        return next((m for _, _, s in self.members for m in s.clue("model")), None)


def _column(finding: Finding) -> str:
    return (finding.found or "").rsplit(".", 1)[-1]


def cause_key(incident: Incident, finding: Finding, subject: Subject
              ) -> tuple[tuple[str, ...], str | None] | None:
    """What incidents of one cause share (the kind's grouping in the registry), and the table
    the cause concerns; None for a finding that names no cause."""
    kind = KINDS[finding.kind]
    grouping = kind.column_causes
    if grouping == "none":
        return None
    if grouping == "global":
        return (kind.name,), None
    if subject.column:
        table = finding.table.qualified if finding.table else subject.table
        if grouping == "convention":
            return (kind.name, table or "*", style(finding.wanted),
                    style(_column(finding))), table
        if grouping == "table":
            return (kind.name, table or "*"), table
        return (kind.name, incident.id), table
    if kind.table_pair_cause:
        real = finding.found_table.qualified if finding.found_table else finding.found
        return (kind.name, "table", finding.wanted, finding.found or ""), real
    return (kind.name, incident.id), subject.table


def root_causes(findings: Sequence[Explained]
                ) -> tuple[list[RootCause], dict[str, str]]:
    groups: dict[tuple[str, ...], _Group] = {}
    for incident, finding, subject in findings:
        keyed = cause_key(incident, finding, subject)
        if keyed is None:
            continue
        key, table = keyed
        group = groups.setdefault(key, _Group(key, finding.kind, table))
        group.members.append(Explained(incident, finding, subject))
    extra = _shared_model_fixes(groups)
    causes, owner = [], {}
    for group in groups.values():
        cause = _build(group, extra.get(group.key) or _Extra())
        causes.append(cause)
        for incident_id in cause.incidents:
            owner[incident_id] = cause.id
    return causes, owner


def _build(group: _Group, extra: _Extra) -> RootCause:
    cause_id = "rc-" + hashlib.sha256("\x1f".join(group.key).encode()).hexdigest()[:10]
    summary, fixes, evidence = _SUMMARIES.get(group.kind, _single)(group)
    return RootCause(id=cause_id, kind=group.kind, summary=summary, table=group.table,
                     incidents=tuple(i.id for i, _, _ in group.members),
                     fixes=tuple(dict.fromkeys(extra.fixes + fixes)),
                     evidence=tuple(dict.fromkeys(evidence + extra.evidence)),
                     change=extra.change)


def _naming(group: _Group) -> tuple[str, list[str], list[str]]:
    pairs = list(dict.fromkeys((f.wanted, _column(f)) for _, f, _ in group.members))
    wanted_style, found_style = style(pairs[0][0]), style(pairs[0][1])
    listed = ", ".join(f"{w} → {f}" for w, f in pairs[:6])
    table = group.table or "the tables"
    if KINDS[group.kind].quote_fix:
        summary = (f"the SQL writes mixed-case identifiers without quotes; PostgreSQL folds them "
                   f"to lower case, {table} has them mixed-case ({listed})")
    elif "sequelize" in group.orms and wanted_style == "snake_case":
        summary = (f"the ORM maps attributes to snake_case (Sequelize `underscored: true`), "
                   f"{table} is {found_style} ({listed})")
    else:
        orm = "the ORM" if group.orms else "the code"
        summary = (f"{orm} asks for {wanted_style} column names, {table} has {found_style} "
                   f"({listed})")
    if all(f.confidence <= ALIAS_GUESS for _, f, _ in group.members):
        summary = f"a guess without --schema: {summary}"
    fixes = [ORM_FIXES[o][0](pairs[0][0], pairs[0][1], group.model)
             for o in group.orms if o in ORM_FIXES]
    if KINDS[group.kind].quote_fix or not fixes:
        fixes.append("Raw SQL: quote the identifiers as the table has them, e.g. "
                     + ", ".join(f'"{f}"' for _, f in pairs[:3]))
    renames = dict.fromkeys(rename_column_sql(f.table, _column(f), f.wanted)
                            for _, f, _ in group.members if f.table is not None)
    if renames:
        fixes.append(f"Or migrate the table to the code's names: {' '.join(renames)}")
    return summary, fixes, _shared_evidence(group)


def _table(group: _Group) -> tuple[str, list[str], list[str]]:
    _, finding, _ = group.members[0]
    target = finding.found_table
    summary = (f"the code uses table {finding.wanted!r}, the database has "
               f"{target.qualified if target else finding.found}")
    if KINDS[group.kind].in_another_schema and target is not None:
        summary += " (another schema than the one the query reached)"
    return summary, _first_diagnosis_fixes(group), _shared_evidence(group)


def _stale(group: _Group) -> tuple[str, list[str], list[str]]:
    names = ", ".join(f.wanted for _, f, _ in group.members[:6])
    return (f"PostgREST's schema cache is older than the database: it lacks {names}",
            stale_cache_fixes(), _shared_evidence(group))


def _missing(group: _Group) -> tuple[str, list[str], list[str]]:
    names = ", ".join(f.wanted for _, f, _ in group.members[:6])
    where = group.table or "the schema"
    return (f"a migration was not applied: {where} lacks {names}",
            _first_diagnosis_fixes(group), _shared_evidence(group))


def _single(group: _Group) -> tuple[str, list[str], list[str]]:
    _, finding, _ = group.members[0]
    return finding.summary, _first_diagnosis_fixes(group), _shared_evidence(group)


def _first_diagnosis_fixes(group: _Group) -> list[str]:
    fixes: list[str] = []
    for incident, _, _ in group.members:
        if incident.diagnosis is not None:
            fixes.extend(incident.diagnosis.fixes)
    return fixes


def _shared_evidence(group: _Group) -> list[str]:
    evidence = []
    for orm in group.orms:
        evidence.append(f"the logs show the {orm} client writing the failing queries")
    for _, _, subject in group.members:
        for renames in subject.clue("renames")[:1]:
            evidence.append(f"the ORM's SQL maps attributes to columns as {renames}")
    return evidence


def _table_group(group: _Group) -> bool:
    return len(group.key) > 1 and group.key[1] == "table"


_SUMMARIES = {"case_style": lambda g: _table(g) if _table_group(g) else _naming(g),
              "case_folding": lambda g: _table(g) if _table_group(g) else _naming(g),
              "table_name": _table, "pluralization": lambda g: _table(g) if _table_group(g)
              else _single(g), "other_schema": lambda g: _table(g) if _table_group(g)
              else _single(g), "stale_schema_cache": _stale, "missing": _missing}

@dataclass(slots=True)
class _Extra:
    """What a shared model change adds to a cause: its fix, evidence and the change itself."""

    fixes: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    change: ModelChange | None = None


def _shared_model_fixes(groups: dict[tuple[str, ...], _Group]) -> dict[tuple[str, ...], _Extra]:
    """One model, two mismatches (its table name and its columns' convention): both causes
    carry the whole model change, as the seed post-mortem's fix did, and share the evidence
    of the model's SQL."""
    extra: dict[tuple[str, ...], _Extra] = {}
    tables = [g for g in groups.values() if _table_group(g) and "sequelize" in g.orms]
    namings = [g for g in groups.values() if not _table_group(g)
               and KINDS[g.kind].orm_convention and "sequelize" in g.orms]
    for table_group in tables:
        found = table_group.members[0][1].found_table
        for naming in namings:
            if found is None or naming.table != found.qualified:
                continue
            model = table_group.model or naming.model or "the model"
            snake = style(naming.members[0][1].wanted) == "snake_case"
            underscored = "false" if snake else "true"
            wanted_table = table_group.members[0][1].wanted
            fix = (f"Sequelize model {model}: `underscored: {underscored}`, "
                   f"`tableName: '{found.name}'` (one change fixes both mismatches)")
            change = ModelChange("sequelize", model, (
                ("underscored", "true" if snake else "false", underscored),
                ("tableName", f"'{wanted_table}'", f"'{found.name}'")))
            for group in (table_group, naming):
                added = extra.setdefault(group.key, _Extra())
                added.fixes.append(fix)
                added.change = change
                added.evidence.extend(_shared_evidence(table_group) + _shared_evidence(naming))
            extra[naming.key].evidence.append(
                f"the same model reads {found.qualified} under the name {wanted_table!r}")
    return extra
