"""Throughput and peak memory of `analyzer scan --format json` on a generated Render log.

    python benchmarks/scan_bench.py [--lines 2000000] [--repeat 3] [--rules DIR]

Generates benchmarks/out/render-<N>.log once (deterministic), then runs the real CLI in a
subprocess and reports lines/s, MB/s and the child's peak RSS (ru_maxrss).
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


def ensure_log(lines: int) -> Path:
    path = HERE / "out" / f"render-{lines}.log"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate_render_log.py"), str(path),
                        "--lines", str(lines)], check=True, stdout=subprocess.DEVNULL)
    return path


def run_once(log: Path, extra: list[str]) -> tuple[float, int, dict]:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", str(log), "-f", "json",
                              *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = child.stdout.read()
    # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would mix in the generator)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if child.returncode not in (0, 1):
        raise SystemExit(f"analyzer scan exited {child.returncode}")
    return elapsed, usage.ru_maxrss, json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("extra", nargs="*", help="extra arguments for `analyzer scan`")
    args = parser.parse_args()
    log = ensure_log(args.lines)
    size_mb = log.stat().st_size / 1e6
    times, peak = [], 0
    for _ in range(args.repeat):
        elapsed, rss_kb, report = run_once(log, args.extra)
        times.append(elapsed)
        peak = max(peak, rss_kb)
    best, median = min(times), statistics.median(times)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"input: {log.name}, {report['input']['lines']:,} lines, {size_mb:.0f} MB, "
          f"{len(report['incidents'])} incidents, {sum(i['count'] for i in report['incidents']):,}"
          " matched events")
    print(f"scan --format json: best {best:.2f}s ({report['input']['lines'] / best:,.0f} lines/s,"
          f" {size_mb / best:,.0f} MB/s), median {median:.2f}s over {args.repeat} runs")
    print(f"peak RSS: {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
