from __future__ import annotations

from analyzer.incidents import Accumulator, entities_of, incident_id, normalize_entity
from analyzer.model import Match, Record, frozen_map
from analyzer.rulebook import load_rules

RULES = {r.id: r for r in load_rules().rules}
RULE = "postgres.undefined_column"


def match(column: str, table: str | None = None, ts: int | None = None, lineno: int = 1,
          message: str = "m") -> Match:
    captures = {"column": column, **({"table": table} if table else {})}
    record = Record("a.log", lineno, "plain", message, message, ts=ts, service="api")
    return Match(RULE, record, frozen_map(captures))


def test_same_rule_and_entities_group_into_one_incident():
    acc = Accumulator(RULES)
    for i in range(3):
        acc.add(match("session_id", "sessions", ts=100 + i, lineno=i))
    acc.add(match("user_id", "sessions", ts=50))
    incidents = acc.incidents()
    assert [i.count for i in incidents] == [3, 1]
    first = incidents[0]
    assert (first.first_seen, first.last_seen, first.services) == (100, 102, ("api",))
    assert dict(first.entities) == {"table": "sessions", "column": "session_id"}


def test_incident_ids_are_stable_hashes_of_the_fingerprint():
    acc = Accumulator(RULES)
    acc.add(match("session_id", "sessions"))
    # A golden value: the same problem must get this id on any machine, in any later run.
    # The rule is in group schema.undefined_column, so the group (not the rule id) is hashed.
    assert acc.incidents()[0].id == "80fdb3d2c5e8"
    key = ("schema.undefined_column", "table=sessions", "column=session_id")
    assert incident_id(key) == "80fdb3d2c5e8"


def test_quotes_do_not_split_incidents():
    acc = Accumulator(RULES)
    acc.add(match('"session_id"', "sessions"))
    acc.add(match("session_id", '"sessions"'))
    assert len(acc.incidents()) == 1
    assert normalize_entity(" `x` ") == "x"


def test_schema_qualified_table_splits_into_schema_and_table():
    entities = entities_of(RULES[RULE], {"table": "public.sessions", "column": "c"})
    assert entities == {"table": "sessions", "column": "c", "schema": "public"}


def test_samples_are_bounded_and_redacted():
    acc = Accumulator(RULES, max_samples=2, redact=lambda t: t.replace("secret", "***"))
    for i in range(10):
        acc.add(match("c", "t", lineno=i, message=f"secret {i}"))
    samples = acc.incidents()[0].samples
    assert [s.message for s in samples] == ["*** 0", "*** 1"]


def test_merging_two_shards_equals_one_run():
    whole, left, right = Accumulator(RULES), Accumulator(RULES), Accumulator(RULES)
    items = [match("c", "t", ts=t, lineno=t) for t in (5, 1, 9, 3)]
    for m in items:
        whole.add(m)
    for m in items[:2]:
        left.add(m)
    for m in items[2:]:
        right.add(m)
    left.merge(right)
    a, b = whole.incidents()[0], left.incidents()[0]
    assert (a.id, a.count, a.first_seen, a.last_seen) == (b.id, b.count, b.first_seen, b.last_seen)


def test_rules_sharing_a_group_share_incidents():
    from dataclasses import replace

    rules = dict(RULES)
    other = replace(rules[RULE], id="orm.undefined_column", group="schema.undefined_column")
    rules[RULE] = replace(rules[RULE], group="schema.undefined_column")
    rules[other.id] = other
    acc = Accumulator(rules)
    acc.add(match("session_id", "sessions"))
    acc.add(Match(other.id, match("session_id", "sessions").record,
                  frozen_map({"table": "sessions", "column": "session_id"})))
    incidents = acc.incidents()
    assert len(incidents) == 1 and incidents[0].count == 2
    assert incidents[0].rule == RULE
