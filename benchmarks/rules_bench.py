"""Rule matching cost (not a test): the full built-in pack against the skeleton's two rules, on
the same 2M-line Render log, each run in a fresh process.

    python benchmarks/generate_render_log.py benchmarks/out/render-2m.log
    python benchmarks/generate_render_log.py benchmarks/out/render-2m-healthy.log --error-share 0
    python benchmarks/rules_bench.py benchmarks/out/render-2m.log \
        benchmarks/out/render-2m-healthy.log [--repeat 3]

Prints, per configuration: rules, prefilter keywords, best wall time, lines/s, MB/s, peak RSS,
and the incidents found. The prefilter must keep the full pack at or above the skeleton's
throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIGS = {
    "skeleton (2 rules)": {"rules_dirs": (str(HERE / "rules_skeleton"),),
                           "builtin_rules": False},
    "full built-in pack": {},
}


def run_one(log: str, config: str) -> dict:
    from analyzer.pipeline import analyze, load_ruleset
    from analyzer.settings import Settings

    settings = Settings(**CONFIGS[config])
    ruleset = load_ruleset(settings)
    start = time.perf_counter()
    report = analyze([log], settings, ruleset=ruleset)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "lines": report.lines, "records": report.records,
            "incidents": len(report.incidents), "rules": len(ruleset.rules),
            "keywords": len(ruleset.keywords or ()),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", choices=list(CONFIGS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.logs[0], args.one)))
        return
    for log in args.logs:
        bench(log, args.repeat)


def bench(log: str, repeat: int) -> None:
    size_mb = os.path.getsize(log) / 1e6
    print(f"{log}: {size_mb:.0f} MB; {os.cpu_count()} CPUs; best of {repeat}")
    # alternate the configurations so a busy moment of a shared machine hits both alike
    results: dict[str, list[dict]] = {config: [] for config in CONFIGS}
    for _ in range(repeat):
        for config in CONFIGS:
            out = subprocess.run([sys.executable, __file__, log, "--one", config],
                                 check=True, capture_output=True, text=True).stdout
            results[config].append(json.loads(out))
    for config, runs in results.items():
        best = min(runs, key=lambda r: r["seconds"])
        print(f"{config:20} rules={best['rules']:3} keywords={best['keywords']:3} "
              f"{best['seconds']:6.2f}s {best['lines'] / best['seconds'] / 1e6:5.2f}M lines/s "
              f"{size_mb / best['seconds']:6.1f} MB/s peak RSS {best['peak_rss_mb']:5.0f} MB "
              f"records={best['records']} incidents={best['incidents']}")


if __name__ == "__main__":
    main()
