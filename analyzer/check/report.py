"""CheckResult -> text: `table` (plain, for a terminal or a CI log), `json` (the stable
contract, README "Prevent it: check before deploy"), `sarif` (SARIF 2.1.0 for GitHub code
scanning) and `github` (workflow command annotations). REPORTERS is the registry. Every text
that came from the code or the schema passes `clean`: made printable and, by default, with its
secrets redacted (`textsafe.cleaner`: check's --no-redact / --redact-emails)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from analyzer import __version__
from analyzer.check.types import CheckFinding, CheckResult
from analyzer.diagnose.kinds import KINDS
from analyzer.model import SEVERITIES
from analyzer.textsafe import cleaner

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "warning",
                "info": "note"}
GITHUB_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "warning",
                 "info": "notice"}
# SARIF rule descriptions: the diagnosis-kind registry's, plus check's own `unmapped`
CHECK_KINDS = {"unmapped": "a schema column that no model maps"}


def kind_meaning(kind: str) -> str:
    entry = KINDS.get(kind)
    return entry.meaning if entry is not None else CHECK_KINDS.get(kind, kind)


Clean = Callable[[str], str]
REDACTED: Clean = cleaner()


def result_dict(result: CheckResult, clean: Clean = REDACTED) -> dict[str, Any]:
    return {
        "version": 1,
        "models": [{"orm": m.orm, "name": clean(m.name or ""), "table": clean(m.table),
                    "schema": m.schema or "public", "file": clean(m.file), "line": m.line}
                   for m in result.models],
        "findings": [finding_dict(f, clean) for f in result.findings],
        "problems": [{"where": clean(p.where), "message": clean(p.message),
                      "fatal": p.fatal} for p in result.problems],
    }


def finding_dict(finding: CheckFinding, clean: Clean = REDACTED) -> dict[str, Any]:
    def text(value: str | None) -> str | None:
        return None if value is None else clean(value)
    return {"id": finding.id, "orm": finding.orm, "model": text(finding.model),
            "file": text(finding.file), "line": finding.line, "table": text(finding.table),
            "column": text(finding.column), "attribute": text(finding.attribute),
            "kind": finding.kind, "wanted": text(finding.wanted), "found": text(finding.found),
            "severity": finding.severity, "summary": clean(finding.summary),
            "evidence": [clean(e) for e in finding.evidence],
            "fixes": [clean(f) for f in finding.fixes]}


def render_json(result: CheckResult, clean: Clean = REDACTED) -> str:
    return json.dumps(result_dict(result, clean), indent=2, ensure_ascii=False) + "\n"


def render_table(result: CheckResult, clean: Clean = REDACTED) -> str:
    """Findings grouped by model: the model's one combined change first, then a line per
    name (file:line, severity, kind, wanted -> found) with its own fix."""
    lines = []
    groups: dict[tuple[str, str | None, str], list[CheckFinding]] = {}
    for finding in result.findings:
        key = (finding.file, finding.model, finding.orm) if finding.model else \
            (finding.file, None, f"{finding.orm}:{finding.line}")
        groups.setdefault(key, []).append(finding)
    for (file, model, orm), findings in groups.items():
        who = f"{clean(model)} ({orm})" if model else \
            "supabase-js" if orm.startswith("postgrest") else "SQL"
        lines.append(f"{clean(file)}  {who}  table {clean(findings[0].table)}")
        shared = _shared_fix(findings)
        if shared:
            lines.append(f"  fix: {clean(shared)}")
        for finding in findings:
            found = f" -> {clean(finding.found)}" if finding.found else ""
            lines.append(f"  :{finding.line}  {finding.severity.upper()}  {finding.kind}  "
                         f"{clean(finding.wanted)}{found}  {clean(finding.summary)}")
            own = [f for f in finding.fixes if f != shared][:1]
            lines.extend(f"      fix: {clean(fix)}" for fix in own)
    lines.append(summary_line(result, clean))
    return "\n".join(lines) + "\n"


def _shared_fix(findings: list[CheckFinding]) -> str | None:
    firsts = {f.fixes[0] if f.fixes else None for f in findings}
    return firsts.pop() if len(findings) > 1 and len(firsts) == 1 else None


def summary_line(result: CheckResult, clean: Clean = REDACTED) -> str:
    counts = Counter(f.severity for f in result.findings)
    parts = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])
    models = f"{len(result.models)} model{'s' if len(result.models) != 1 else ''}"
    schema = ", ".join(clean(s) for s in result.schema_sources) or "the schema"
    if not result.findings:
        agree = "agrees" if len(result.models) == 1 else "agree"
        return f"check: no findings: {models} {agree} with {schema}"
    return (f"check: {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''}"
            f" ({parts}) in {models} against {schema}")


def render_sarif(result: CheckResult, clean: Clean = REDACTED) -> str:
    kinds = list(dict.fromkeys(f.kind for f in result.findings))
    rules = [{"id": f"analyzer.check/{kind}", "name": kind,
              "shortDescription": {"text": kind_meaning(kind)},
              "defaultConfiguration": {"level": "error" if kind != "unmapped" else "note"}}
             for kind in kinds]
    results = [{
        "ruleId": f"analyzer.check/{f.kind}", "ruleIndex": kinds.index(f.kind),
        "level": SARIF_LEVELS[f.severity],
        "message": {"text": clean(f.summary) + "".join(f"\nFix: {clean(x)}"
                                                        for x in f.fixes[:1])},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": clean(f.file), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(1, f.line)}}}],
        "partialFingerprints": {"analyzerFindingId/v1": f.id},
        "properties": {"severity": f.severity, "table": clean(f.table),
                       "column": f.column and clean(f.column), "wanted": clean(f.wanted),
                       "found": f.found and clean(f.found)},
    } for f in result.findings]
    notifications = [{"level": "error" if p.fatal else "warning",
                      "message": {"text": clean(f"{p.where}: {p.message}")}}
                     for p in result.problems]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "analyzer check", "version": __version__,
                            "rules": rules}},
        "results": results,
        "invocations": [{"executionSuccessful": not any(p.fatal for p in result.problems),
                         "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]},
                      indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult, clean: Clean = REDACTED) -> str:
    """`::error file=…,line=…,title=…::message` lines, one per finding and problem."""
    lines = []
    for f in result.findings:
        title = f"{f.kind}: {f.wanted}" + (f" → {f.found}" if f.found else "")
        message = clean(f.summary) + "".join(f"\nFix: {clean(x)}" for x in f.fixes[:1])
        lines.append(f"::{GITHUB_LEVELS[f.severity]} file={_escape_property(clean(f.file))},"
                     f"line={max(1, f.line)},title={_escape_property(clean(title))}::"
                     f"{_escape_data(message)}")
    for p in result.problems:
        where, _, at = p.where.rpartition(":")
        location = f"file={_escape_property(clean(where))},line={at}" if at.isdigit() \
            else f"file={_escape_property(clean(p.where))}"
        lines.append(f"::{'error' if p.fatal else 'warning'} {location}::"
                     f"{_escape_data(clean(p.message))}")
    lines.append(summary_line(result, clean))
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[CheckResult, Clean], str]] = {
    "table": render_table,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}
