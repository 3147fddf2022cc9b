"""Rulebook stage: YAML rule files -> a RuleSet that matches Records.

Built-in rules load first; user rule directories (`--rules`) follow, and a user rule with the
id of a built-in one replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import RuleError
from analyzer.rulebook.cache import load_or_build
from analyzer.rulebook.engine import PATTERN_FACTS, RuleSet, build_ruleset, pattern_facts
from analyzer.rulebook.examples import ExampleResult, check_rules
from analyzer.rulebook.lint import LintIssue, LintReport, lint_paths
from analyzer.rulebook.load import (
    RULE_KEYS,
    Example,
    Rule,
    builtin_rules_dir,
    read_rule_file,
    rule_files,
)


@dataclass(frozen=True, slots=True)
class LoadedRules:
    rules: tuple[Rule, ...]
    overridden: dict[str, str]  # rule id -> the file whose rule it replaced
    errors: tuple[RuleError, ...]


def collect_rules(user_paths: Sequence[str] = (), *, builtin: bool = True) -> LoadedRules:
    """Read every rule file; errors are collected, not raised (for `rules lint`)."""
    errors: list[RuleError] = []
    chosen: dict[str, Rule] = {}
    overridden: dict[str, str] = {}
    layers = ([[builtin_rules_dir()]] if builtin else []) + [[p] for p in user_paths]
    for layer_index, layer in enumerate(layers):
        files, missing = rule_files(layer)
        errors.extend(missing)
        seen_here: dict[str, Rule] = {}
        read = read_cached(files)
        for rules, problems in read:
            errors.extend(problems)
            for rule in rules:
                if rule.id in seen_here:
                    first = seen_here[rule.id]
                    errors.append(RuleError(rule.source, rule.line, "id",
                                            f"duplicate rule id {rule.id!r} (also at "
                                            f"{first.source}:{first.line})"))
                    continue
                seen_here[rule.id] = rule
                if rule.id in chosen and layer_index > 0:
                    overridden[rule.id] = chosen[rule.id].source
                chosen[rule.id] = rule
    return LoadedRules(tuple(chosen.values()), overridden, tuple(errors))


def read_cached(files: list[Path]) -> list[tuple[list[Rule], list[RuleError]]]:
    """The rule files of one layer (the built-in pack, or one --rules path) read, from the
    cache when it is current (keyed by their contents), their pattern facts seeded into the
    engine's memo: 1,000 user rules are parsed and analysed once, not at every start."""
    if not files:
        return []
    def build() -> tuple[list[tuple[list[Rule], list[RuleError]]], dict[str, Any]]:
        read = [read_rule_file(path) for path in files]
        facts = {p.pattern: pattern_facts(p.pattern)
                 for rules, _ in read for rule in rules for p in rule.patterns}
        return read, facts

    read, facts = load_or_build(files, build)
    PATTERN_FACTS.update(facts)
    return read


def load_rules(user_paths: Sequence[str] = (), *, builtin: bool = True,
               timeout: float = 0.25) -> RuleSet:
    """The RuleSet for a run; raises the first RuleError when any file is invalid."""
    loaded = collect_rules(user_paths, builtin=builtin)
    if loaded.errors:
        raise loaded.errors[0]
    return build_ruleset(loaded.rules, timeout)


def run_rule_examples(paths: Sequence[str] = (), *,
                      timeout: float = 1.0) -> tuple[list[ExampleResult], list[RuleError]]:
    """Every example of the rules in paths (the built-in rules when none): `rules test`."""
    files, errors = rule_files(paths or [builtin_rules_dir()])
    rules: list[Rule] = []
    for path in files:
        found, problems = read_rule_file(path)
        rules.extend(found)
        errors.extend(problems)
    if not files and not errors:
        errors.append(RuleError(", ".join(paths), None, None, "no rule files (*.yaml) found"))
    return check_rules(rules, timeout=timeout), errors


def default_lint_paths() -> list[str]:
    return [str(builtin_rules_dir())]


__all__ = ["RULE_KEYS", "Example", "ExampleResult", "LintIssue", "LintReport", "LoadedRules",
           "Rule", "RuleSet", "collect_rules", "default_lint_paths", "lint_paths", "load_rules",
           "run_rule_examples"]
