"""Matching stage: Records -> Matches.

A record is only tried against the rules whose keywords it contains (one alternation search
routes it), each pattern runs with a timeout so a catastrophic user regex is reported and
skipped, and a record yields at most one Match: the most specific one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from analyzer.model import Match, Problem, Record, frozen_map, severity_rank
from analyzer.rulebook.load import Rule

MAX_MATCH_CHARS = 16 * 1024  # rules see the first 16 KiB of an event: its head is what matters
MAX_TIMEOUTS = 3  # a rule that times out this often is switched off for the run


@dataclass(slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    timeout: float = 0.25
    problems: list[Problem] = field(default_factory=list)
    _by_keyword: dict[str, list[Rule]] = field(default_factory=dict, init=False)
    _always: list[Rule] = field(default_factory=list, init=False)
    _router: re.Pattern[str] | None = field(default=None, init=False)
    _timeouts: dict[str, int] = field(default_factory=lambda: defaultdict(int), init=False)
    _order: dict[str, int] = field(default_factory=dict, init=False)
    _by_id: dict[str, Rule] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for index, rule in enumerate(self.rules):
            self._order[rule.id] = index
            self._by_id[rule.id] = rule
            if not rule.keywords:
                self._always.append(rule)
            for keyword in rule.keywords:
                self._by_keyword.setdefault(keyword.lower(), []).append(rule)
        if self._by_keyword:
            ordered = sorted(self._by_keyword, key=len, reverse=True)
            self._router = re.compile("|".join(re.escape(k) for k in ordered))

    @property
    def keywords(self) -> tuple[str, ...] | None:
        """Literals for the ingest prefilter, or None when some rule must see every record."""
        if self._always or not self.rules:
            return None if self._always else ()
        return tuple(self._by_keyword)

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def candidates(self, text: str) -> list[Rule]:
        lowered = text.lower()
        chosen: dict[str, Rule] = {r.id: r for r in self._always}
        if self._router is not None:
            for found in set(self._router.findall(lowered)):
                for rule in self._by_keyword[found]:
                    chosen.setdefault(rule.id, rule)
            # findall is non-overlapping: a keyword inside another found one is checked directly
            for keyword, rules in self._by_keyword.items():
                if rules[0].id not in chosen and keyword in lowered:
                    for rule in rules:
                        chosen.setdefault(rule.id, rule)
        return sorted(chosen.values(), key=lambda r: self._order[r.id])

    def match_text(self, rule: Rule, text: str) -> dict[str, str] | None:
        """Captures of the first pattern of rule that matches text, or None."""
        if self._timeouts.get(rule.id, 0) >= MAX_TIMEOUTS:
            return None
        for pattern in rule.patterns:
            try:
                found = pattern.search(text, timeout=self.timeout)
            except TimeoutError:
                self._note_timeout(rule, pattern.pattern)
                continue
            if found:
                return {k: v for k, v in found.groupdict().items() if v is not None}
        return None

    def matches(self, record: Record) -> list[Match]:
        text = record.message[:MAX_MATCH_CHARS]
        found = []
        for rule in self.candidates(text):
            captures = self.match_text(rule, text)
            if captures is not None:
                found.append(Match(rule.id, record, frozen_map(captures)))
        return found

    def match(self, record: Record) -> Match | None:
        """The most specific match: most captures, then worst severity, then rule order."""
        found = self.matches(record)
        if not found:
            return None
        return min(found, key=lambda m: (-len(m.captures),
                                         severity_rank(self._by_id[m.rule_id].severity),
                                         self._order[m.rule_id]))

    def _note_timeout(self, rule: Rule, pattern: str) -> None:
        self._timeouts[rule.id] += 1
        if self._timeouts[rule.id] == 1:
            self.problems.append(Problem(
                f"{rule.source}:{rule.line}",
                f"rule {rule.id}: pattern {pattern!r} took over {self.timeout}s on a line "
                "(catastrophic backtracking?); that line was skipped for this pattern"))
        if self._timeouts[rule.id] == MAX_TIMEOUTS:
            self.problems.append(Problem(f"{rule.source}:{rule.line}",
                                         f"rule {rule.id}: disabled after {MAX_TIMEOUTS} "
                                         "timeouts"))


def build_ruleset(rules: Iterable[Rule], timeout: float = 0.25) -> RuleSet:
    return RuleSet(tuple(rules), timeout=timeout)
