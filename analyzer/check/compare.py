"""Models (what the code asks for) + Catalog (what the database has) -> CheckFindings.

Every table, schema and column a model or statement uses goes through the log diagnosis's own
verdicts (analyzer.diagnose.find) and per-ORM fixes, so `check` before deploy and `scan` after
the fact speak the same kinds, evidence and fixes. One model with several mismatches gets one
combined change (check.fixes) ahead of the per-name fixes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from analyzer.catalog import DEFAULT_SCHEMA, Catalog, Table
from analyzer.check.fixes import combined_fix
from analyzer.check.types import CheckFinding, Field, Model
from analyzer.diagnose import Knowledge, find
from analyzer.diagnose.finding import Finding, Subject
from analyzer.diagnose.kinds import fixes_for

TABLE_SEVERITY, COLUMN_SEVERITY, UNMAPPED_SEVERITY = "critical", "high", "info"


def compare(models: Iterable[Model], catalog: Catalog) -> list[CheckFinding]:
    knowledge = Knowledge(catalog)
    findings: list[CheckFinding] = []
    owned: list[tuple[Model, Table]] = []
    mapped: dict[str, set[str]] = {}  # real table -> the columns some model uses or means
    for model in models:
        table, found = _model_findings(model, catalog, knowledge)
        fix = combined_fix(model, found)
        for item in found:
            if fix and len(found) > 1:
                item.fixes.insert(0, fix)
        findings.extend(found)
        if table is not None:
            names = mapped.setdefault(table.qualified, set())
            names.update(f.column for f in model.fields)
            # the column a misspelt name means is not unmapped
            names.update(i.found.rsplit(".", 1)[-1] for i in found if i.column and i.found)
            owned.append((model, table))
    for model, table in owned:
        if model.maps_all:
            findings.extend(_unmapped(model, table, mapped[table.qualified]))
    return _first_of_each(findings)


def _subject(model: Model, column: str | None, table: str, schema: str | None) -> Subject:
    clues: dict[str, tuple[str, ...]] = {"orm": (model.orm,) if model.orm != "sql" else ()}
    if model.name:
        clues["model"] = (model.name,)
    return Subject(column, table, schema, False, clues)


def _real_table(model: Model, catalog: Catalog) -> Table | None:
    return catalog.get(model.table, model.schema or DEFAULT_SCHEMA)


def _model_findings(model: Model, catalog: Catalog, knowledge: Knowledge
                    ) -> tuple[Table | None, list[CheckFinding]]:
    """The table the model means (None if nothing like it) and its findings."""
    table = _real_table(model, catalog)
    found: list[CheckFinding] = []
    if table is None:
        subject = _subject(model, None, model.table, model.schema)
        finding = find(subject, knowledge)
        found.append(_record(model, None, finding, subject, TABLE_SEVERITY))
        table = finding.found_table if finding.kind != "missing" else None
        if table is None:
            return None, found
    for item in model.fields:
        if item.column in table.columns:
            continue
        subject = _subject(model, item.column, table.name, table.schema)
        finding = find(subject, knowledge)
        found.append(_record(model, item, finding, subject, COLUMN_SEVERITY))
    return table, found


def _record(model: Model, item: Field | None, finding: Finding, subject: Subject,
            severity: str) -> CheckFinding:
    column = item.column if item else None
    where = f"{model.name} ({model.orm})" if model.name else \
        "the supabase-js query" if model.orm == "postgrest" else "the SQL"
    summary = finding.summary
    if item is not None and item.attribute and item.attribute != item.column:
        summary = f"{where}: attribute {item.attribute!r} is sent as {item.column!r}; {summary}"
    else:
        summary = f"{where}: {summary}"
    return CheckFinding(
        id=finding_id(model, column, finding.kind), orm=model.orm, model=model.name,
        file=model.file, line=item.line if item else model.line, table=model.table,
        column=column, attribute=item.attribute if item else None, kind=finding.kind,
        wanted=finding.wanted, found=finding.found, severity=severity, summary=summary,
        evidence=list(dict.fromkeys(finding.evidence)),
        fixes=list(dict.fromkeys(fixes_for(finding, subject))))


def finding_id(model: Model, column: str | None, kind: str) -> str:
    owner = model.name or f"{model.file}:{model.line}"
    key = "\x1f".join([model.orm, owner, model.schema or "", model.table, column or "", kind])
    return "chk-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _unmapped(model: Model, table: Table, mapped: set[str]) -> list[CheckFinding]:
    """The seed's own warning: columns of the model's table that no model maps."""
    found = []
    for column in table.columns:
        if column in mapped:
            continue
        found.append(CheckFinding(
            id=finding_id(model, column, "unmapped"), orm=model.orm, model=model.name,
            file=model.file, line=model.line, table=model.table, column=column, attribute=None,
            kind="unmapped", wanted=column, found=f"{table.qualified}.{column}",
            severity=UNMAPPED_SEVERITY,
            summary=f"{table.qualified}.{column} exists but no model maps it "
                    f"({model.name or 'the SQL'} reads {table.qualified})",
            evidence=[f"{table.source}: {table.qualified} has column {column!r}"],
            fixes=[f"Map it on {model.name or 'the model'} if the code needs it, or drop the "
                   "column in a migration if nothing uses it"]))
    return found


def _first_of_each(findings: list[CheckFinding]) -> list[CheckFinding]:
    """Two models on one table report an unmapped column once."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for item in findings:
        key = (item.kind, item.found or "", item.column or "") if item.kind == "unmapped" \
            else (item.id,)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
