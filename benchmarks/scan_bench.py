"""Throughput and peak memory of `analyzer scan --format json` on generated Render logs.

    python benchmarks/scan_bench.py [--lines 2000000] [--repeat 3] [-- extra scan arguments]

Generates (once, deterministic) four 2M-line inputs with benchmarks/generate_render_log.py:
`render logs` text output and a dashboard download, each with ~1% error lines and healthy
only. Runs the real CLI in a subprocess for each and reports the best wall time (start-up
included), lines/s, MB/s and the child's peak RSS (ru_maxrss). A first, untimed run lets
Python write its bytecode cache, as it has on any machine after the first run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUTS = {  # name -> (style, error share)
    "render text, ~1% errors": ("text", 0.01),
    "render text, healthy": ("text", 0.0),
    "dashboard, ~1% errors": ("dashboard", 0.01),
    "dashboard, healthy": ("dashboard", 0.0),
}


def ensure_log(style: str, share: float, lines: int) -> Path:
    name = "render" if style == "dashboard" else "render-text"
    path = HERE / "out" / (f"{name}-{lines}.log" if share else f"{name}-{lines}-healthy.log")
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate_render_log.py"), str(path),
                        "--lines", str(lines), "--style", style, "--error-share", str(share)],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a sandbox setting; users have the cache
    return env


def run_once(log: Path, extra: list[str]) -> tuple[float, int, dict]:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", str(log), "-f", "json",
                              *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env=child_env())
    out = child.stdout.read()
    # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would mix in the generator)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if child.returncode not in (0, 1):
        raise SystemExit(f"analyzer scan exited {child.returncode}")
    return elapsed, usage.ru_maxrss, json.loads(out)


def bench(name: str, log: Path, repeat: int, extra: list[str]) -> None:
    size_mb = log.stat().st_size / 1e6
    times, peak = [], 0
    for _ in range(repeat):
        elapsed, rss_kb, report = run_once(log, extra)
        times.append(elapsed)
        peak = max(peak, rss_kb)
    best, median = min(times), statistics.median(times)
    lines = report["input"]["lines"]
    print(f"| {name} | {lines:,} | {size_mb:.0f} | {best:.2f} | {median:.2f} | "
          f"{lines / best:,.0f} | {size_mb / best:.0f} | {peak / 1024:.0f} | "
          f"{len(report['incidents'])} | {sum(i['count'] for i in report['incidents']):,} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=list(INPUTS), action="append")
    parser.add_argument("extra", nargs="*", help="extra arguments for `analyzer scan`")
    args = parser.parse_args()
    logs = {name: ensure_log(*INPUTS[name], args.lines) for name in args.only or INPUTS}
    run_once(next(iter(logs.values())), args.extra)  # writes the bytecode cache
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; best and median of {args.repeat} runs, start-up "
          "included")
    print("| input | lines | MB | best s | median s | lines/s | MB/s | peak RSS MB "
          "| incidents | matched events |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, log in logs.items():
        bench(name, log, args.repeat, args.extra)


if __name__ == "__main__":
    main()
