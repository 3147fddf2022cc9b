"""Diagnosis time per incident over a large catalog (target: under 50 ms per incident with
2,000 tables). Not a test: run it and read the figures.

    python benchmarks/diagnose_catalog.py [--tables 2000] [--incidents 300]

Incidents mix the costly shapes: a column with its table known, a column with no table (the
whole catalog is searched, typo scan included), and a table name (renamed/plural/missing).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

from analyzer.catalog import Catalog, Table
from analyzer.diagnose import Knowledge, diagnose, naming
from analyzer.incidents import Accumulator
from analyzer.model import Match, Record, frozen_map
from analyzer.rulebook import load_rules

WORDS = ("user", "session", "report", "message", "counter", "emotion", "payment", "invoice",
         "order", "item", "token", "profile", "project", "task", "event", "log", "status",
         "created", "updated", "deleted", "started", "ended", "owner", "account", "team")


def camel(parts: list[str]) -> str:
    return parts[0] + "".join(p.title() for p in parts[1:])


def build_catalog(tables: int, rnd: random.Random) -> Catalog:
    catalog = Catalog()
    for n in range(tables):
        name = f"{rnd.choice(WORDS)}_{rnd.choice(WORDS)}s_{n}"
        columns = ["id"] + [camel([rnd.choice(WORDS), rnd.choice(WORDS), "at" if k % 3 else "id"])
                            for k in range(11)]
        catalog.put(Table("public", name, tuple(dict.fromkeys(columns)), f"bench.sql:{n}"))
    catalog.sources.append("bench.sql")
    return catalog


def build_matches(catalog: Catalog, count: int, rnd: random.Random) -> list[tuple[str, dict]]:
    tables = list(catalog)
    matches = []
    for n in range(count):
        table = rnd.choice(tables)
        column = rnd.choice(table.columns[1:])
        snake = "_".join(w.lower() for w in __import__("re").findall(r"[A-Z]?[a-z]+", column))
        shape = n % 4
        if shape == 0:
            matches.append(("postgres.undefined_column", {"table": table.name, "column": snake}))
        elif shape == 1:
            matches.append(("postgres.undefined_column", {"column": snake + "x"}))  # typo scan
        elif shape == 2:
            matches.append(("postgres.undefined_column", {"column": f"nothing_{n}"}))
        else:
            matches.append(("postgres.undefined_table",
                            {"table": "legacy_" + table.name.rsplit("_", 1)[0]}))
    return matches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=300)
    args = parser.parse_args()
    rnd = random.Random(7)
    catalog = build_catalog(args.tables, rnd)
    ruleset = load_rules(["tests/fixtures/diagnosis/rules"]) \
        if not any(r.id == "postgres.undefined_table" for r in load_rules().rules) \
        else load_rules()
    rules = {r.id: r for r in ruleset.rules}
    accumulator = Accumulator(rules)
    for rule_id, captures in build_matches(catalog, args.incidents, rnd):
        text = " ".join(captures.values())
        accumulator.add(Match(rule_id, Record("bench", 1, "plain", text, text),
                              frozen_map(captures)))
    incidents = accumulator.incidents()
    start = time.perf_counter()
    knowledge = Knowledge(catalog)
    knowledge.index  # noqa: B018 (built once per run, before the first diagnosis)
    index_ms = (time.perf_counter() - start) * 1000
    timings = []
    for incident in incidents:
        start = time.perf_counter()
        naming(incident, rules, knowledge)
        timings.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    _, causes = diagnose(incidents, rules, catalog)
    whole = (time.perf_counter() - start) * 1000
    timings.sort()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"catalog: {len(catalog)} tables, {sum(len(t.columns) for t in catalog)} columns; "
          f"{len(incidents)} incidents; name index built in {index_ms:.0f} ms")
    print(f"per incident: median {statistics.median(timings):.2f} ms, "
          f"p95 {timings[int(len(timings) * 0.95) - 1]:.2f} ms, max {timings[-1]:.2f} ms")
    print(f"a whole diagnose() (index, every incident, root causes: {len(causes)}): "
          f"{whole:.0f} ms; peak RSS {peak_mb:.0f} MB")

if __name__ == "__main__":
    main()
