"""Rule matching cost (not a test): the full built-in pack against the skeleton's two rules, on
the same 2M-line Render log, each run in a fresh process.

    python benchmarks/generate_render_log.py benchmarks/out/render-2m.log
    python benchmarks/generate_render_log.py benchmarks/out/render-2m-healthy.log --error-share 0
    python benchmarks/rules_bench.py benchmarks/out/render-2m.log \
        benchmarks/out/render-2m-healthy.log [--repeat 3]

Configurations: the skeleton's two rules, the built-in pack, and the pack plus 1,000 generated
user rules (distinct services' failure messages, a keyword phrase and a capturing pattern
each; written once to benchmarks/out/rules_generated/). Prints, per configuration: rules,
prefilter keywords, the analysis' CPU seconds (min and median of the alternating runs; the
rule loading apart, the rule cache warm), lines per CPU second, the change against the
full pack, best wall time, peak RSS and the incidents found. Target: the 1,000 extra rules cost
at most 20 % over the full pack.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATED = HERE / "out" / "rules_generated"
CONFIGS = {
    "skeleton (2 rules)": {"rules_dirs": (str(HERE / "rules_skeleton"),),
                           "builtin_rules": False},
    "full built-in pack": {},
    "pack + 1,000 rules": {"rules_dirs": (str(GENERATED),)},
}
# Distinct, realistic user rules: a service's own failure messages, one keyword phrase each
# (what a team adds for its own services), a pattern with captures behind it.
SERVICES = ("billing", "checkout", "inventory", "ledger", "mailer", "search", "payments",
            "catalog", "shipping", "identity", "notifier", "reports", "scheduler", "webhooks",
            "uploads", "exports", "pricing", "quotas", "sessions", "tenants", "audit", "media",
            "geo", "crm", "fraud")
FAILURES = (
    ("failed to reconcile batch", r"batch (?P<batch>\d+) after (?P<attempts>\d+) attempts"),
    ("lock wait exceeded on", r"(?P<table>\w+) after (?P<ms>\d+) ms"),
    ("upstream returned malformed payload", r"from (?P<host>[\w.-]+): (?P<reason>[^;]+)"),
    ("circuit breaker opened for", r"(?P<target>[\w.-]+) after (?P<failures>\d+) failures"),
    ("quota exhausted for tenant", r"(?P<tenant>[\w-]+) \((?P<used>\d+)/(?P<limit>\d+)\)"),
    ("stale cursor rejected", r"cursor (?P<cursor>[0-9a-f]+) older than (?P<s>\d+) s"),
    ("signature mismatch on callback", r"from (?P<sender>[\w.-]+) key (?P<key>\w+)"),
    ("retry budget spent for job", r"job (?P<job>[\w-]+) \((?P<queue>\w+)\)"),
    ("schema version skew detected", r"expected v(?P<want>\d+) got v(?P<got>\d+)"),
    ("duplicate delivery suppressed", r"message (?P<message>[\w-]+) seen (?P<n>\d+) times"),
    ("partition rebalance stalled", r"group (?P<group>[\w-]+) at generation (?P<gen>\d+)"),
    ("cache stampede throttled", r"key (?P<key>\S+) waiters=(?P<waiters>\d+)"),
    ("export manifest incomplete", r"missing (?P<parts>\d+) parts of (?P<export>[\w-]+)"),
    ("token refresh denied", r"for client (?P<client>[\w-]+): (?P<reason>\w+)"),
    ("ledger imbalance of", r"(?P<amount>-?\d+\.\d+) in account (?P<account>\w+)"),
    ("webhook endpoint unreachable", r"(?P<url>https?://\S+) status=(?P<status>\d{3})"),
    ("unexpected state transition", r"from (?P<from_state>\w+) to (?P<to_state>\w+)"),
    ("payload exceeds frame limit", r"(?P<bytes>\d+) bytes > (?P<limit>\d+)"),
    ("clock drift beyond tolerance", r"drift=(?P<ms>\d+)ms peer=(?P<peer>[\w.-]+)"),
    ("orphaned reservation released", r"reservation (?P<reservation>[\w-]+) held (?P<s>\d+)s"),
)
SEVERITIES = ("critical", "high", "medium", "low")


def first_capture(pattern: str) -> str:
    found = re.search(r"<(\w+)>", pattern)
    assert found is not None
    return found.group(1)


def generate_rules(count: int = 1000, target: Path = GENERATED) -> Path:
    """`count` distinct rules in YAML files of 100 (deterministic; written once)."""
    files = list(target.glob("*.yaml")) if target.is_dir() else []
    if len(files) == -(-count // 100):
        return target
    target.mkdir(parents=True, exist_ok=True)
    rules = []
    for n in range(count):
        service = SERVICES[n % len(SERVICES)]
        phrase, tail = FAILURES[(n // len(SERVICES)) % len(FAILURES)]
        shard = n // (len(SERVICES) * len(FAILURES))  # > 500 rules: a numbered service
        name = f"{service}{shard + 1}" if shard else service
        keyword = f"{name}: {phrase}"
        rules.append("\n".join([
            f"  - id: user.{name}.{phrase.replace(' ', '_')}",
            f"    title: {name} {phrase}",
            f"    severity: {SEVERITIES[n % len(SERVICES) % 4]}",
            "    category: application",
            f"    keywords: [{json.dumps(keyword)}]",
            "    patterns:",
            f"      - {json.dumps(keyword.replace('.', chr(92) + '.') + ' ' + tail)}",
            f"    fingerprint: [{first_capture(tail)}]"]))
    for index in range(0, count, 100):
        (target / f"generated_{index // 100:02d}.yaml").write_text(
            "rules:\n" + "\n".join(rules[index:index + 100]) + "\n", encoding="utf-8")
    return target


def run_one(log: str, config: str) -> dict:
    from analyzer.pipeline import analyze, load_ruleset
    from analyzer.settings import Settings

    started = time.process_time()
    settings = Settings(**CONFIGS[config])
    ruleset = load_ruleset(settings)
    loading = time.process_time() - started
    start, cpu = time.perf_counter(), time.process_time()
    report = analyze([log], settings, ruleset=ruleset)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "cpu": time.process_time() - cpu, "lines": report.lines,
            "records": report.records, "incidents": len(report.incidents),
            "rules": len(ruleset.rules), "load_cpu": loading,
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
    generate_rules()
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
    pack = sorted(r["cpu"] for r in results["full built-in pack"])
    base = pack[len(pack) // 2]
    for config, runs in results.items():
        best = min(runs, key=lambda r: r["cpu"])
        cpus = sorted(r["cpu"] for r in runs)
        median = cpus[len(cpus) // 2]
        print(f"{config:20} rules={best['rules']:4} keywords={best['keywords']:4} "
              f"CPU min {best['cpu']:5.2f}s median {median:5.2f}s "
              f"({best['lines'] / best['cpu'] / 1e6:4.2f}M lines per CPU s; "
              f"{median / base - 1:+.0%} vs the pack) rule loading {best['load_cpu']:4.2f}s "
              f"wall {min(r['seconds'] for r in runs):5.2f}s "
              f"peak RSS {best['peak_rss_mb']:4.0f} MB incidents={best['incidents']}")

if __name__ == "__main__":
    main()
