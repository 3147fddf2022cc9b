"""`analyzer rules lint`: validate rule files beyond what loading needs.

Errors: anything loading rejects (unknown keys, missing keys, invalid regex, fingerprint captures
no pattern defines, ...), duplicate ids across the files, rules without examples that match and
examples that must not, and a `diagnose:` name the diagnosis registry does not know (the caller
passes the known names: the rulebook stage does not import the diagnosis stage). Warnings: what
loads but works against the user (a rule the prefilter cannot see, a code two rules claim).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.rulebook.load import Example, Rule, read_rule_file, rule_files
from analyzer.rulebook.re2 import why_untranslatable


@dataclass(frozen=True, slots=True)
class LintIssue:
    path: str
    line: int | None
    key: str | None
    message: str
    level: str = "error"  # error | warning | note (information only: engine fallbacks)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.key}: {self.message}" if self.key else self.message
        return f"{where}: {self.level}: {what}"


@dataclass(slots=True)
class LintReport:
    files: int = 0
    rules: list[Rule] = field(default_factory=list)
    issues: list[LintIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[LintIssue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[LintIssue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def notes(self) -> list[LintIssue]:
        return [i for i in self.issues if i.level == "note"]


def lint_paths(paths: Sequence[str | Path], *,
               known_diagnoses: Collection[str] | None = None) -> LintReport:
    report = LintReport()
    files, missing = rule_files(paths)
    report.issues.extend(LintIssue(e.path, e.line, e.key, e.problem) for e in missing)
    if not files and not missing:
        report.issues.append(LintIssue(", ".join(map(str, paths)), None, None,
                                       "no rule files (*.yaml, *.yml) found"))
    report.files = len(files)
    for path in files:
        rules, errors = read_rule_file(path)
        report.rules.extend(rules)
        report.issues.extend(LintIssue(e.path, e.line, e.key, e.problem) for e in errors)
    report.issues.extend(_duplicate_ids(report.rules))
    for rule in report.rules:
        report.issues.extend(_rule_issues(rule, known_diagnoses))
    report.issues.extend(_shared_codes(report.rules))
    report.issues.extend(_group_fingerprints(report.rules))
    report.issues.sort(key=lambda i: (i.path, i.line or 0, i.level != "error"))
    return report


def _issue(rule: Rule, key: str, message: str, level: str = "error") -> LintIssue:
    return LintIssue(rule.source, rule.line_of(key), key, f"rule {rule.id}: {message}", level)


def _duplicate_ids(rules: Iterable[Rule]) -> list[LintIssue]:
    first: dict[str, Rule] = {}
    issues = []
    for rule in rules:
        if rule.id in first:
            other = first[rule.id]
            issues.append(_issue(rule, "id", f"duplicate rule id (also at "
                                             f"{other.source}:{other.line})"))
        else:
            first[rule.id] = rule
    return issues


def _rule_issues(rule: Rule, known_diagnoses: Collection[str] | None) -> list[LintIssue]:
    issues = []
    matching = [e for e in rule.examples if e.match]
    if not rule.examples:
        issues.append(_issue(rule, "examples", "no examples: add lines that must match (with "
                                               "their captures) and one that must not"))
    elif not matching:
        issues.append(_issue(rule, "examples", "no example that must match"))
    elif len(matching) == len(rule.examples):
        issues.append(_issue(rule, "examples", "no example that must not match "
                                               "(`match: false`)"))
    if (known_diagnoses is not None and rule.diagnose is not None
            and rule.diagnose not in known_diagnoses):
        issues.append(_issue(rule, "diagnose", f"unknown diagnosis {rule.diagnose!r} (known: "
                                               f"{', '.join(sorted(known_diagnoses))})"))
    if not rule.keywords:
        issues.append(_issue(rule, "keywords", "no keyword could be derived from the patterns "
                                               "and none is declared: this rule turns the "
                                               "prefilter off and is tried on every line",
                             "warning"))
    issues.extend(_unreachable_examples(rule, matching))
    if not rule.docs:
        issues.append(_issue(rule, "docs", "no docs: say what it means, the usual causes and "
                                           "the fix", "warning"))
    issues.extend(_engine_notes(rule))
    if rule.fingerprint and matching and all(e.captures is None for e in matching):
        issues.append(_issue(rule, "examples", "no matching example states its `captures`, so "
                                               "the fingerprint is untested", "warning"))
    return issues


def _unreachable_examples(rule: Rule, matching: Sequence[Example]) -> list[LintIssue]:
    """A line the rule should match but the prefilter never hands it: the line holds none of
    the rule's keywords (a fuzzy pattern whose keywords demand the exact spelling). Records
    routed by a code or fields are handed over without keywords."""
    if not rule.keywords or rule.fields or rule.codes:
        return []
    issues = []
    for example in matching:
        text = example.text.lower()
        if not any(keyword.lower() in text for keyword in rule.keywords):
            issues.append(LintIssue(
                rule.source, example.line, "keywords",
                f"rule {rule.id}: example {example.name!r} holds none of the keywords "
                f"{list(rule.keywords)}: the prefilter never shows the rule such a line, so it "
                "can never match it (declare keywords every match holds, or none)"))
    return issues


def _engine_notes(rule: Rule) -> list[LintIssue]:
    """Rules an SQL engine (`rules sql`, engine sources) cannot capture with RE2: it fetches
    their candidates by keyword and the analyzer captures in Python."""
    if rule.fields:
        return [_issue(rule, "fields", "engines fetch its candidates by keyword and capture in "
                                       "Python (it tests structured fields)", "note")]
    for pattern in rule.patterns:
        why = why_untranslatable(pattern.pattern)
        if why:
            return [_issue(rule, "patterns", f"engines fetch its candidates by keyword and "
                                             f"capture in Python (a pattern uses {why}, which "
                                             "RE2 lacks)", "note")]
    return []


def _shared_codes(rules: Iterable[Rule]) -> list[LintIssue]:
    owners: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        # a class fallback shares its codes by design: it only wins when no other rule matches
        for code in () if rule.fallback else rule.codes:
            owners[code.lower()].append(rule)
    issues = []
    for code, claimed in owners.items():
        if len({r.id for r in claimed}) > 1:
            names = ", ".join(r.id for r in claimed)
            issues.append(_issue(claimed[-1], "codes", f"code {code.upper()} is also claimed by "
                                                       f"{names}: a record matched by its code "
                                                       "alone goes to the first", "warning"))
    return issues


def _group_fingerprints(rules: Iterable[Rule]) -> list[LintIssue]:
    groups: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        if rule.group:
            groups[rule.group].append(rule)
    issues = []
    for group, members in groups.items():
        first = members[0]
        for rule in members[1:]:
            if set(rule.fingerprint) != set(first.fingerprint):
                issues.append(_issue(rule, "fingerprint",
                                     f"group {group}: fingerprint {list(rule.fingerprint)} "
                                     f"differs from {first.id}'s {list(first.fingerprint)}, "
                                     "so the same problem would not share an incident",
                                     "warning"))
    return issues
