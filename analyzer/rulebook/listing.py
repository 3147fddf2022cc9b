"""What `analyzer rules list` shows of each rule: one plain row (id, severity, category,
codes, group, where it is defined, the built-in rule it overrides)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.rulebook import LoadedRules
from analyzer.rulebook.load import builtin_rules_dir


def rule_rows(loaded: LoadedRules) -> list[dict[str, Any]]:
    builtin = builtin_rules_dir()
    rows = []
    for rule in sorted(loaded.rules, key=lambda r: r.id):
        source = Path(rule.source)
        shown = (f"<builtin>/{source.relative_to(builtin)}" if source.is_relative_to(builtin)
                 else rule.source)
        rows.append({"id": rule.id, "title": rule.title, "severity": rule.severity,
                     "category": rule.category, "codes": list(rule.codes),
                     "group": rule.group, "source": shown, "line": rule.line,
                     "overrides": loaded.overridden.get(rule.id)})
    return rows
