#!/usr/bin/env python3
"""Template mining on all-distinct error lines: every line a template of its own, far past
the template store's limit (5,000), the worst case for the miner (issue 11: 276 lines/s and
45,000 of 50,000 events in no incident before the store was bounded this way).

Three paths, each timed alone in this process (input generated before the clock starts):
the miner line by line (`TemplateMiner.add`, what `scan` and `watch` do per unclassified
error), the miner in batches (`add_many`, what `templates` does), and the whole `scan`
library call (`analyze`: read, prefilter, records, cleaning, matching, mining). Reported:
lines/s by wall clock and by this process's CPU time (the figure on a loaded machine), the
live templates, the events in the overflow incident, and the check that every line is in
exactly one cluster.

    python benchmarks/mining_bench.py [--lines 200000]
"""

from __future__ import annotations

import argparse
import os
import random
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.mining import TemplateMiner  # noqa: E402
from analyzer.pipeline import analyze  # noqa: E402
from analyzer.settings import Settings  # noqa: E402


def distinct_errors(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=8))

    return [f"ERROR {word()} {word()} failed while {word()} the {word()}" for _ in range(count)]


def timed(run) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def per_line(lines: list[str]) -> TemplateMiner:
    miner = TemplateMiner()
    for line in lines:
        miner.add(line)
    return miner


def batched(lines: list[str]) -> TemplateMiner:
    miner = TemplateMiner()
    for start in range(0, len(lines), 50_000):
        miner.add_many(lines[start:start + 50_000])
    return miner


def row(name: str, count: int, wall: float, cpu: float, live: int, overflow: int,
        whole: bool) -> str:
    return (f"| {name} | {count:,} | {count / wall:,.0f} | {count / cpu:,.0f} | {live:,} | "
            f"{overflow:,} | {'yes' if whole else 'NO'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    lines = distinct_errors(args.lines)
    print(f"{args.lines:,} all-distinct error lines; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs; Python {sys.version.split()[0]}\n")
    print("| path | lines | lines/s (wall) | lines/s (CPU) | live templates | overflow events "
          "| every line in one cluster |")
    print("|---|---|---|---|---|---|---|")
    for name, run in (("TemplateMiner.add", per_line), ("TemplateMiner.add_many", batched)):
        wall, cpu, miner = timed(lambda run=run: run(lines))
        assert isinstance(miner, TemplateMiner)
        total = sum(c.count for c in miner.clusters()) + miner.overflow.count
        print(row(name, len(lines), wall, cpu, miner.live_count, miner.overflow.count,
                  total == len(lines)))
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "distinct.log"
        log.write_text("\n".join(lines) + "\n")
        settings = Settings()
        wall, cpu, report = timed(lambda: analyze([str(log)], settings))
        counted = sum(i.count for i in report.incidents)  # type: ignore[attr-defined]
        overflow = max((i.count for i in report.incidents  # type: ignore[attr-defined]
                        if i.title.startswith("Errors past")), default=0)
        print(row("analyze (scan)", len(lines), wall, cpu,
                  len(report.incidents) - (1 if overflow else 0),  # type: ignore[attr-defined]
                  overflow, counted == len(lines)))


if __name__ == "__main__":
    main()
