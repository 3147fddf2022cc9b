"""What each rule's regexes cost in a run: CPU time cumulated per rule, so a rule that eats
its budget is switched off (a pattern just under the per-call timeout never times out, yet
costs a quarter of a second a line). A healthy rule takes microseconds a call."""

from __future__ import annotations

from dataclasses import dataclass, field

RULE_BUDGET = 2.0  # seconds of regex CPU time a rule may take in all ...
SLOW_CALL = 0.001  # ... at over this many a call on average, before it is switched off
MAX_TIMEOUTS = 3  # a rule that times out this often is switched off for the run


@dataclass(slots=True)
class RuleClock:
    budget: float = RULE_BUDGET
    spent: dict[str, list[float]] = field(default_factory=dict)  # rule id -> [seconds, calls]
    timeouts: dict[str, int] = field(default_factory=dict)

    def timed_out(self, rule_id: str, pattern: str, timeout: float) -> list[tuple[str, bool]]:
        """One call over the per-call timeout: what to report, and whether the rule is off."""
        count = self.timeouts[rule_id] = self.timeouts.get(rule_id, 0) + 1
        said = []
        if count == 1:
            said.append((f"pattern {pattern!r} took over {timeout}s on a line (catastrophic "
                         "backtracking?); that line was skipped for this pattern", False))
        if count == MAX_TIMEOUTS:
            said.append((f"disabled after {MAX_TIMEOUTS} timeouts", True))
        return said

    def charge(self, rule_id: str, seconds: float) -> str | None:
        """Add one call's time; the reason to switch the rule off once it is over budget."""
        spent = self.spent.setdefault(rule_id, [0.0, 0])
        spent[0] += seconds
        spent[1] += 1
        if spent[0] <= self.budget or spent[0] / spent[1] <= SLOW_CALL:
            return None
        return (f"switched off after its patterns took {spent[0]:.1f}s on {spent[1]:.0f} "
                f"line(s) ({spent[0] / spent[1] * 1000:.0f} ms each); the lines after it were "
                "not matched against it")
