"""Run rules' own examples (semgrep's --test): each example must match, with its captures, or
must not match. Used by `analyzer rules test` and by the test suite."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.rulebook.engine import RuleSet
from analyzer.rulebook.load import Example, Rule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: Rule
    example: Example
    problem: str | None  # None when the example passed; else "missed: …" / "unexpected: …"

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def where(self) -> str:
        return f"{self.rule.source}:{self.example.line}"


def check_example(ruleset: RuleSet, rule: Rule, example: Example) -> ExampleResult:
    captures = ruleset.match_text(rule, example.text)
    if not example.match:
        problem = None if captures is None else f"unexpected: matched with captures {captures}"
        return ExampleResult(rule, example, problem)
    if captures is None:
        return ExampleResult(rule, example, "missed: no pattern matched")
    lowered = example.text.lower()
    if rule.keywords and not any(k.lower() in lowered for k in rule.keywords):
        return ExampleResult(rule, example, "missed: a pattern matches but none of the keywords "
                                            f"{list(rule.keywords)} is in the text, so scans "
                                            "would skip this line")
    if example.captures is not None:
        expected = dict(example.captures)
        actual = {k: v for k, v in captures.items() if k in expected or k in rule.fingerprint}
        if actual != expected:
            return ExampleResult(rule, example,
                                 f"missed captures: expected {expected}, got {actual}")
    return ExampleResult(rule, example, None)


def check_rules(rules: Iterable[Rule], timeout: float = 1.0) -> list[ExampleResult]:
    rules = list(rules)
    ruleset = RuleSet(tuple(rules), timeout=timeout)
    return [check_example(ruleset, rule, example)
            for rule in rules for example in rule.examples]
