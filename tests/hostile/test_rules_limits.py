from __future__ import annotations

import random
import re
import string
import time
from pathlib import Path

import pytest

from analyzer.model import Record
from analyzer.pipeline import analyze
from analyzer.rulebook import load_rules
from analyzer.rulebook.lint import lint_paths
from analyzer.settings import Settings

SLOW_RULE = """rules:
  - id: custom.slow
    title: A pattern that backtracks
    severity: low
    category: application
    keywords: ["words:"]
    patterns: ['\\b(\\w+)\\b.*\\b\\1\\b']
    examples:
      - text: 'words: a b a'
      - text: 'words: a b'
        match: false
"""


def record(text: str, lineno: int = 1) -> Record:
    return Record(source="t.log", lineno=lineno, format="plain", message=text, raw=text)


def _slow_line(ruleset, rule) -> tuple[str, float]:
    """Distinct words enough for one search (quadratic: a repeated word?) to take ~20 ms,
    well under the per-call timeout."""
    rng = random.Random(3)
    words = ["".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(2000)]
    for count in range(100, 2000, 100):
        line = "words: " + " ".join(words[:count])
        started = time.thread_time()  # CPU time, as the budget counts it
        assert ruleset.hit(rule, record(line)) is None
        took = time.thread_time() - started
        if took > 0.02:
            return line, took
    pytest.skip("could not make the pattern slow enough on this machine")


def test_a_rule_just_under_the_timeout_is_switched_off_once_it_eats_its_budget(tmp_path):
    path = tmp_path / "slow.yaml"
    path.write_text(SLOW_RULE)
    ruleset = load_rules([str(path)], builtin=False, timeout=5.0)  # no call ever times out
    ruleset.clock.budget = 0.5
    rule = ruleset.get("custom.slow")
    line, _ = _slow_line(ruleset, rule)
    for n in range(500):
        ruleset.match(record(f"{line} {n}", n))
    said = [p.message for p in ruleset.problems]
    off = [m for m in said if "custom.slow: switched off after its patterns took" in m]
    assert off, said
    tried = int(re.search(r"on (\d+) line", off[0]).group(1))
    assert tried < 100  # switched off long before the 500 lines (0.5 s at ~20 ms a line)
    assert ruleset.match(record("words: a b a")) is None  # off for the rest of the run


def test_healthy_rules_are_never_switched_off_however_many_lines(tmp_path):
    ruleset = load_rules([], timeout=0.25)
    ruleset.clock.budget = 0.05  # soon spent: the per-call average keeps a healthy rule on
    text = 'ERROR:  column "session_id" of relation "sessions" does not exist'
    for n in range(3000):
        ruleset.match(record(text + f" #{n}", n))
    assert ruleset.problems == []
    assert ruleset.match(record(text)) is not None


def _many_rules(count: int) -> tuple[str, list[str]]:
    rng = random.Random(5)
    words = ["".join(rng.choices(string.ascii_lowercase, k=10)) for _ in range(count)]
    lines = ["rules:"]
    for i, word in enumerate(words):
        lines += [f"  - id: custom.many_{i}", f"    title: Rule {i}", "    severity: high",
                  "    category: application",
                  f"    patterns: ['{word} failed for (?P<thing>\\w+)']",
                  "    examples:", f"      - text: '{word} failed for x{i}'",
                  "      - text: 'nothing'", "        match: false"]
    return "\n".join(lines) + "\n", words


@pytest.mark.slow
def test_a_ten_thousand_rule_file_loads_and_matches(tmp_path):
    text, words = _many_rules(10_000)
    rules = tmp_path / "many.yaml"
    rules.write_text(text)
    log = tmp_path / "app.log"
    chosen = [0, 4_999, 9_999]
    log.write_text("".join(f"2025-11-13T06:0{n}:00Z INFO ok\n"
                           f"2025-11-13T06:0{n}:01Z ERROR {words[i]} failed for job{n}\n"
                           for n, i in enumerate(chosen)) * 200)
    report = analyze([str(log)], Settings(rules_dirs=(str(rules),)))
    assert sorted(i.rule for i in report.incidents) == [f"custom.many_{i}" for i in chosen]
    assert all(i.count == 200 for i in report.incidents)


def test_rules_whose_keywords_pass_the_regex_size_limit_load_and_match(tmp_path):
    # 200 keywords of 1,000 characters: one alternation of them is over Rust regex's 10 MiB
    rng = random.Random(7)
    words = ["".join(rng.choices(string.ascii_lowercase, k=1000)) for _ in range(200)]
    lines = ["rules:"]
    for i, word in enumerate(words):
        lines += [f"  - id: custom.long_{i}", f"    title: Rule {i}", "    severity: high",
                  "    category: application", f"    keywords: ['{word}']",
                  f"    patterns: ['{word[:40]}']",
                  "    examples:", f"      - text: '{word}'"]
    rules = tmp_path / "long.yaml"
    rules.write_text("\n".join(lines) + "\n")
    log = tmp_path / "app.log"
    chosen = [0, 117, 199]
    log.write_text("".join(f"2025-11-13T06:00:0{n}Z ERROR {words[i]} failed\n"
                           "2025-11-13T06:00:00Z INFO ok\n" for n, i in enumerate(chosen)))
    report = analyze([str(log)], Settings(rules_dirs=(str(rules),), builtin_rules=False))
    assert sorted(i.rule for i in report.incidents) == [f"custom.long_{i}" for i in chosen]


FUZZY = """rules:
  - id: custom.fuzzy_refused
    title: Connection refused, typos tolerated
    severity: high
    category: connection
    patterns: ['(?:connection refused){{e<=3}}']
{keywords}    docs: Typos tolerated.
    examples:
      - text: 'upstream conection refusd by peer'
      - text: 'all good'
        match: false
"""


def test_a_fuzzy_rule_matches_misspelt_lines_through_the_prefilter(tmp_path):
    (tmp_path / "fuzzy.yaml").write_text(FUZZY.format(keywords=""))
    log = tmp_path / "app.log"
    log.write_text("ERROR upstream conection refusd by peer\nINFO fine\n")
    report = analyze([str(log)], Settings(rules_dirs=(str(tmp_path / "fuzzy.yaml"),),
                                          builtin_rules=False))
    assert [i.rule for i in report.incidents] == ["custom.fuzzy_refused"]


def test_lint_reports_a_fuzzy_rule_the_prefilter_hides_its_matches_from(tmp_path):
    path = tmp_path / "fuzzy.yaml"
    path.write_text(FUZZY.format(keywords="    keywords: ['connection refused']\n"))
    report = lint_paths([path])
    assert [str(e) for e in report.errors] == [
        f"{path}:10: error: keywords: rule custom.fuzzy_refused: example 'ex1' holds none of "
        "the keywords ['connection refused']: the prefilter never shows the rule such a "
        "line, so it can never match it (declare keywords every match holds, or none)"]
    assert Path(path).read_text().count("{e<=3}") == 1
