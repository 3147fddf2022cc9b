"""CPU time (user + sys) of `analyzer scan` and `analyzer watch` on one generated Render log,
this checkout against another (a refactor's before and after), runs alternating.

    python benchmarks/route_cpu.py --baseline /path/to/other/checkout [--lines 2000000]
                                   [--repeat 5]

CPU seconds of the child, not wall time: on a shared machine the wall clock of the same run
varies by 30 % and more, CPU time much less. Prints the best of `repeat` runs per checkout and
command and the ratio this/baseline (start-up included). `git worktree add` or `git archive
REV | tar -x -C DIR` makes a baseline checkout; it runs with this environment's packages.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

from scan_bench import ensure_log

HERE = Path(__file__).resolve().parent


def cpu_seconds(command: list[str], cwd: Path, stdin: Path | None = None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(stdin or os.devnull, "rb") as source:
        subprocess.run(command, cwd=cwd, stdin=source, stdout=subprocess.DEVNULL, check=True,
                       env={**os.environ, "NO_COLOR": "1"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    log = ensure_log("text", 0.01, args.lines)
    # `python -m analyzer` imports the package of its working directory first
    trees = {"this": HERE.parent, "baseline": args.baseline.resolve()}
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.repeat):
        for name, tree in trees.items():
            runs = {"scan": cpu_seconds([sys.executable, "-m", "analyzer", "scan", str(log),
                                         "-f", "json"], tree),
                    "watch": cpu_seconds([sys.executable, "-m", "analyzer", "watch",
                                          "--format", "json"], tree, log)}
            for command, seconds in runs.items():
                best[name, command] = min(best.get((name, command), float("inf")), seconds)
    print(f"{args.lines:,} Render text lines, ~1% errors; best CPU s of {args.repeat} runs")
    print("| command | this | baseline | this/baseline |\n|---|---|---|---|")
    for command in ("scan", "watch"):
        this, base = best["this", command], best["baseline", command]
        print(f"| {command} | {this:.2f} | {base:.2f} | {this / base:.3f} |")


if __name__ == "__main__":
    main()
