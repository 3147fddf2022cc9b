"""What `analyzer rules list` shows of each rule: one plain row (id, severity, category,
codes, group, where it is defined, the built-in rule it overrides); and what `rules explain`
tells of one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.errors import UsageError
from analyzer.rulebook import LoadedRules
from analyzer.rulebook.load import Rule, builtin_rules_dir


def shown_source(rule: Rule) -> str:
    """`<builtin>/postgres.yaml` for a shipped rule, the path as given for the user's."""
    builtin, source = builtin_rules_dir(), Path(rule.source)
    return (f"<builtin>/{source.relative_to(builtin)}" if source.is_relative_to(builtin)
            else rule.source)


def rule_rows(loaded: LoadedRules) -> list[dict[str, Any]]:
    rows = []
    for rule in sorted(loaded.rules, key=lambda r: r.id):
        shown = shown_source(rule)
        rows.append({"id": rule.id, "title": rule.title, "severity": rule.severity,
                     "category": rule.category, "codes": list(rule.codes),
                     "group": rule.group, "source": shown, "line": rule.line,
                     "overrides": loaded.overridden.get(rule.id)})
    return rows


def find_rule(loaded: LoadedRules, wanted: str) -> Rule:
    """The rule with this id, or UsageError naming the closest ids."""
    for rule in loaded.rules:
        if rule.id == wanted:
            return rule
    close = sorted(r.id for r in loaded.rules if wanted.lower() in r.id.lower())[:8]
    hint = f" (did you mean {', '.join(close)}?)" if close else " (`analyzer rules list`)"
    raise UsageError(f"no rule {wanted!r}{hint}")


def explain(rule: Rule, overridden: str | None = None) -> dict[str, Any]:
    """`analyzer rules explain ID`: the rule as a person reads it: title, what it means and
    how to fix it (docs), what it matches and captures, and its own examples."""
    return {
        "id": rule.id, "title": rule.title, "severity": rule.severity,
        "category": rule.category, "codes": list(rule.codes), "group": rule.group,
        "diagnose": rule.diagnose, "docs": " ".join(rule.docs.split()),
        "patterns": [p.pattern for p in rule.patterns],
        "fingerprint": list(rule.fingerprint), "source": f"{shown_source(rule)}:{rule.line}",
        "overrides": overridden,
        "examples": [{"name": e.name, "text": e.text, "match": e.match,
                      "captures": dict(e.captures) if e.captures is not None else None}
                     for e in rule.examples],
    }
