"""Start-up time of the CLI and the installed size of the core dependencies.

    python benchmarks/startup.py [--repeat 15]

Runs the real console script in fresh processes: `analyzer --help`, `analyzer --version`,
`analyzer scan` of a 10-line file (the first lines of the seed log) and `analyzer scan
--help`, each `--repeat` times after one untimed warm-up run (Python's bytecode cache and the
built-in rule pack's cache are written then, as on any machine after the first run). Prints
the best and median wall and CPU times (user + system of the process, all its threads: on a
shared machine the steadier figure) against the targets (help 150 ms, a 10-line scan 350 ms),
the modules each command imported (`-X importtime`, the ten slowest), and the size on disk of
the distributions a core install pulls in.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"--help": 0.150, "scan 10 lines": 0.350}


def analyzer_command() -> list[str]:
    script = shutil.which("analyzer")
    return [script] if script else [sys.executable, "-m", "analyzer"]


def bench_env(**extra: str) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE is a sandbox setting: users have the bytecode cache
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "NO_COLOR": "1", "COLUMNS": "120", **extra}


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, all threads) of one fresh process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env)
    _, _, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def timed(args: list[str], repeat: int) -> list[tuple[float, float]]:
    env = bench_env()
    run_once(args, env)  # warm-up
    return [run_once(args, env) for _ in range(repeat)]


def slowest_imports(args: list[str], count: int = 10) -> list[tuple[int, str]]:
    env = bench_env(PYTHONPROFILEIMPORTTIME="1")
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    rows = []
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if found and len(found.group(2)) <= 1:  # top-level imports only
            rows.append((int(found.group(1)), found.group(3)))
    return sorted(rows, reverse=True)[:count]


def requirement_names(dist: str, seen: set[str]) -> set[str]:
    """dist and what it requires (no extras), recursively."""
    key = dist.lower().replace("_", "-")
    if key in seen:
        return seen
    try:
        found = metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        return seen
    seen.add(key)
    for requirement in found.requires or []:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0]
        requirement_names(name, seen)
    return seen


def installed_size(dist: str) -> int:
    total = 0
    for file in metadata.distribution(dist).files or []:
        path = Path(file.locate())
        if path.is_file():
            total += path.stat().st_size
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    command = analyzer_command()
    with tempfile.TemporaryDirectory() as work:
        ten = Path(work) / "ten.log"
        lines = (ROOT / "samples" / "seed" / "render.log").read_text().splitlines()[:10]
        ten.write_text("\n".join(lines) + "\n")
        cases = {"--help": [*command, "--help"], "--version": [*command, "--version"],
                 "scan --help": [*command, "scan", "--help"],
                 "scan 10 lines": [*command, "scan", str(ten)]}
        print(f"{'command':<16} {'wall best':>10} {'median':>8} {'CPU best':>9} {'median':>8}"
              "  target (wall)")
        for name, args in cases.items():
            runs = timed(args, options.repeat)
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            target = TARGETS.get(name)
            verdict = "" if target is None else (
                f"{target * 1000:.0f} ms " + ("met" if min(walls) <= target else "MISSED"))
            print(f"{name:<16} {min(walls) * 1000:8.0f}ms {statistics.median(walls) * 1000:6.0f}ms"
                  f" {min(cpus) * 1000:7.0f}ms {statistics.median(cpus) * 1000:6.0f}ms  {verdict}")
        for name in ("--help", "scan 10 lines"):
            print(f"\nslowest top-level imports, {name} (cumulative µs):")
            for micros, module in slowest_imports(cases[name]):
                print(f"  {micros:>9,}  {module}")
    names = sorted(requirement_names("log-incident-analyzer", set()) - {"log-incident-analyzer"})
    sizes = {name: installed_size(name) for name in names}
    print(f"\ncore install: {sum(sizes.values()) / 1e6:.1f} MB in {len(sizes)} distributions")
    for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:8]:
        print(f"  {size / 1e6:7.1f} MB  {name}")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
