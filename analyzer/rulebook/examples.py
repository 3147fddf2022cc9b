"""Run rules' own examples (semgrep's --test): each example must match, with its captures, or
must not match. Used by `analyzer rules test` and by the test suite."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.model import Record, frozen_map
from analyzer.rulebook.engine import RuleSet
from analyzer.rulebook.load import Example, Rule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: Rule
    example: Example
    problem: str | None  # None when the example passed; else "missed: …" / "unexpected: …"
    expected: dict[str, str] | None = None  # the captures the example states
    actual: dict[str, str] | None = None  # what the rule captured (None: it did not match)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def where(self) -> str:
        return f"{self.rule.source}:{self.example.line}"


def example_record(example: Example) -> Record:
    return Record(source="-", lineno=example.line, format="plain", message=example.text,
                  raw=example.text, fields=frozen_map(dict(example.fields)))


def check_example(ruleset: RuleSet, rule: Rule, example: Example) -> ExampleResult:
    hit = ruleset.hit(rule, example_record(example))
    expected = dict(example.captures) if example.captures is not None else None
    actual = None if hit is None else dict(hit.captures)

    def result(problem: str | None) -> ExampleResult:
        return ExampleResult(rule, example, problem, expected, actual)

    if not example.match:
        return result(None if hit is None else f"unexpected: matched with captures {actual}")
    if hit is None:
        return result("missed: no pattern matched")
    lowered = example.text.lower()
    if (not hit.by_code and not rule.fields and rule.keywords
            and not any(k.lower() in lowered for k in rule.keywords)):
        return result(f"missed: a pattern matches but none of the keywords "
                      f"{list(rule.keywords)} is in the text, so scans would skip this line")
    if expected is not None:
        compared = {k: v for k, v in hit.captures.items()
                    if k in expected or k in rule.fingerprint}
        if compared != expected:
            return ExampleResult(rule, example,
                                 f"missed captures: expected {expected}, got {compared}",
                                 expected, compared)
    return result(None)


def check_rules(rules: Iterable[Rule], timeout: float = 1.0) -> list[ExampleResult]:
    rules = list(rules)
    ruleset = RuleSet(tuple(rules), timeout=timeout)
    return [check_example(ruleset, rule, example)
            for rule in rules for example in rule.examples]
