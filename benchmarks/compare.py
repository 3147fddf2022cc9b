"""analyzer side by side with its peers, on the same generated inputs (not a test; CI skips it).

    python benchmarks/compare.py [--repeat 5] [--lines 2000000] [--only scan,pg,templates]

Peers: ripgrep (`rg -c -F -i` over the rule pack's keyword literals), lnav (headless: a count
of the lines holding one of those literals), pgBadger (`-w`, errors only, and the full report)
and Drain3 (the template-mining reference, `pip install -e '.[bench]'`). Install the tools
from Debian: `apt-get install ripgrep lnav pgbadger`. A missing peer is skipped (said so).

Inputs (deterministic, written once under benchmarks/out/): 2M `render logs` text lines with
~1 % error lines and healthy only (generate_render_log.py), 2M PostgreSQL stderr lines with
the default `%m [%p] ` prefix (generate_format_samples.py's scenario, repeated), and the first
1M lines of the 1 % Render file for templates. Each group's commands run alternately, one
after the other, `--repeat` rounds; each figure is the min and median wall time of the fresh
processes (start-up included) and their CPU time (user + sys, from wait4). Ratios are to the
analyzer's figure of the same group (> 1: the peer is slower).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from time import perf_counter

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PG_PREFIX = "%m [%p] "

DRAIN3 = """
import sys
from drain3 import TemplateMiner
miner = TemplateMiner()
with open(sys.argv[1], encoding="utf-8", errors="replace") as handle:
    for line in handle:
        miner.add_log_message(line[21:].rstrip("\\n"))  # after `YYYY-MM-DD HH:MM:SS  `
print(len(miner.drain.clusters))
"""


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render_log(lines: int, share: float) -> Path:
    path = OUT / (f"render-text-{lines}.log" if share else f"render-text-{lines}-healthy.log")
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate_render_log.py"), str(path),
                        "--lines", str(lines), "--style", "text", "--error-share", str(share)],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def pg_log(lines: int) -> Path:
    path = OUT / f"postgres-default-{lines}.log"
    if path.exists():
        return path
    gen = _module("generate_format_samples")
    rnd = random.Random(7)
    body = gen.pg_stderr(gen.pg_events(rnd, 10_000), "default", rnd)
    copies = -(-lines // body.count("\n"))
    OUT.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(copies):
            handle.write(body)
    return path


def head_file(path: Path, lines: int) -> Path:
    target = OUT / f"{path.stem}-head{lines}.log"
    if not target.exists():
        with open(path, "rb") as src, open(target, "wb") as dst:
            for index, line in enumerate(src):
                if index >= lines:
                    break
                dst.write(line)
    return target


def keywords() -> list[str]:
    sys.path.insert(0, str(HERE.parent))
    from analyzer.rulebook import load_rules
    return [k for k in load_rules([], builtin=True).keywords or () if k.strip()]


def run(command: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one fresh process."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed ({status}): {' '.join(command[:4])} …")
    return wall, usage.ru_utime + usage.ru_stime


def groups(args: argparse.Namespace, work: Path) -> dict[str, list[tuple[str, list[str]]]]:
    literals = keywords()
    pattern_file = work / "literals.txt"
    pattern_file.write_text("\n".join(literals) + "\n", encoding="utf-8")
    alternation = "(?i)" + "|".join(re.escape(k) for k in literals).replace("'", "''")
    py, rg = sys.executable, ["rg", "-c", "-F", "-i", "-f", str(pattern_file)]
    lnav = ["lnav", "-n", "-c",
            f";SELECT count(*) FROM all_logs WHERE regexp('{alternation}', log_body)"]
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for name, share in (("render text, 1 % errors", 0.01), ("render text, healthy", 0.0)):
        log = str(render_log(args.lines, share))
        found[name] = [("analyzer scan", [py, "-m", "analyzer", "scan", log, "-f", "json"]),
                       ("rg -c -F", [*rg, log]), ("lnav count", [*lnav, log])]
    if "pg" in args.only:
        log = str(pg_log(args.lines))
        badger = ["pgbadger", "-q", "-f", "stderr", "--prefix", PG_PREFIX, "-x", "text",
                  "-j", "1", "-o", str(work / "badger.txt")]
        found["postgres stderr"] = [
            ("analyzer scan", [py, "-m", "analyzer", "scan", log, "-f", "json"]),
            ("rg -c -F", [*rg, log]), ("pgbadger -w", [*badger, "-w", log]),
            ("pgbadger full", [*badger, log])]
    if "templates" in args.only:
        log = str(head_file(render_log(args.lines, 0.01), args.lines // 2))
        found[f"templates, first {args.lines // 2:,} lines"] = [
            ("analyzer templates", [py, "-m", "analyzer", "templates", log, "-f", "json"]),
            ("drain3", [py, "-c", DRAIN3, log])]
    if "scan" not in args.only:
        found = {k: v for k, v in found.items() if not k.startswith("render")}
    return found


def available(command: list[str]) -> bool:
    if command[0] == sys.executable:
        return command[1] != "-c" or importlib.util.find_spec("drain3") is not None
    return shutil.which(command[0]) is not None


def measure(name: str, commands: list[tuple[str, list[str]]], repeat: int, lines: int) -> None:
    commands = [(label, cmd) for label, cmd in commands if available(cmd)
                or print(f"  ({label}: not installed, skipped)")]
    for _, cmd in commands:  # warm: page cache, bytecode, rule cache
        run(cmd)
    walls: dict[str, list[float]] = {label: [] for label, _ in commands}
    cpus: dict[str, list[float]] = {label: [] for label, _ in commands}
    for _ in range(repeat):
        for label, cmd in commands:
            wall, cpu = run(cmd)
            walls[label].append(wall)
            cpus[label].append(cpu)
    base = commands[0][0]
    print(f"\n### {name} ({lines:,} lines)\n")
    print("| tool | wall min s | wall median s | lines/s (min) | CPU min s | CPU median s "
          "| ratio to analyzer (wall min / median) |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for label, _ in commands:
        w, c = walls[label], cpus[label]
        ratio = (f"{min(w) / min(walls[base]):.2f} / "
                 f"{statistics.median(w) / statistics.median(walls[base]):.2f}")
        print(f"| {label} | {min(w):.2f} | {statistics.median(w):.2f} | "
              f"{lines / min(w):,.0f} | {min(c):.2f} | {statistics.median(c):.2f} | {ratio} |",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--only", default="scan,pg,templates")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("HOME", tmp)  # lnav keeps its state there
        for name, commands in groups(args, Path(tmp)).items():
            lines = args.lines // 2 if name.startswith("templates") else args.lines
            measure(name, commands, args.repeat, lines)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
