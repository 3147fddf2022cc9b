"""analyzer side by side with its peers, on the same generated inputs (not a test; CI skips it).

    python benchmarks/compare.py [--repeat 5] [--lines 500000] [--pg-lines 200000]
        [--template-lines 500000] [--only scan,pg,templates] [--markdown results.md]

Peers: ripgrep (`rg -c -F -i` over the rule pack's keyword literals), lnav (headless: a count
of the lines holding one of those literals), pgBadger (`-w`, errors only, and the full report)
and Drain3 (the template-mining reference, `pip install -e '.[bench]'`). Install the tools
from Debian: `apt-get install ripgrep lnav pgbadger`. A missing peer is skipped (said so).

Inputs (deterministic, written once under benchmarks/out/): `--lines` `render logs` text
lines with ~1 % error lines and healthy only (the first lines of generate_render_log.py's 2M
files), `--pg-lines` PostgreSQL stderr lines with the default `%m [%p] ` prefix
(generate_format_samples.py's scenario, repeated), and `--template-lines` of the 1 % Render
file for templates. Each group's commands run alternately, one after the other, `--repeat`
rounds after one warm-up round; each figure is the min and median of the fresh processes
(start-up included): CPU time (user + sys, from wait4: it holds on a shared, loaded machine)
and wall time. Ratios are the peer's median over the analyzer's median in the same group
(> 1: the peer is slower). A command that fails or passes `--timeout` is reported and left out.

The default sizes keep a whole run near 10-15 minutes on a 2-core machine: lnav's regexp count
costs ~26 µs a line (13 s per 500k lines), pgBadger's full report ~43 µs a PostgreSQL line.
`--markdown FILE` also writes the tables (the README's Performance table) to FILE.
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
import threading
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


FULL_RENDER = 2_000_000  # the generated Render files; smaller inputs are their first lines


def render_log(lines: int, share: float) -> Path:
    size = max(lines, FULL_RENDER)
    path = OUT / (f"render-text-{size}.log" if share else f"render-text-{size}-healthy.log")
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate_render_log.py"), str(path),
                        "--lines", str(size), "--style", "text", "--error-share", str(share)],
                       check=True, stdout=subprocess.DEVNULL)
    return path if lines == size else head_file(path, lines)


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


class Failed(Exception):
    pass


def run(command: list[str], timeout: float) -> tuple[float, float]:
    """(wall s, CPU s) of one fresh process; Failed when it fails or passes the timeout."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env)
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    wall = perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if wall >= timeout:
        raise Failed(f"passed the {timeout:.0f} s timeout")
    if child.returncode not in (0, 1):
        raise Failed(f"exit status {child.returncode}")
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
        found[f"{name}, {args.lines:,} lines"] = [
            ("analyzer scan", [py, "-m", "analyzer", "scan", log, "-f", "json"]),
            ("rg -c -F", [*rg, log]), ("lnav count", [*lnav, log])]
    if "pg" in args.only:
        log = str(pg_log(args.pg_lines))
        # its own pid directory: a pgBadger running elsewhere would make it exit (status 3)
        badger = ["pgbadger", "-q", "-f", "stderr", "--prefix", PG_PREFIX, "-x", "text",
                  "-j", "1", "--pid-dir", str(work), "-o", str(work / "badger.txt")]
        found[f"postgres stderr, {line_count(log):,} lines"] = [
            ("analyzer scan", [py, "-m", "analyzer", "scan", log, "-f", "json"]),
            ("rg -c -F", [*rg, log]), ("pgbadger -w", [*badger, "-w", log]),
            ("pgbadger full", [*badger, log])]
    if "templates" in args.only:
        log = str(render_log(args.template_lines, 0.01))
        found[f"templates, render text, {args.template_lines:,} lines"] = [
            ("analyzer templates", [py, "-m", "analyzer", "templates", log, "-f", "json"]),
            ("drain3", [py, "-c", DRAIN3, log])]
    if "scan" not in args.only:
        found = {k: v for k, v in found.items() if not k.startswith("render")}
    return found


def line_count(path: str) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def available(command: list[str]) -> bool:
    if command[0] == sys.executable:
        return command[1] != "-c" or importlib.util.find_spec("drain3") is not None
    return shutil.which(command[0]) is not None


def measure(commands: list[tuple[str, list[str]]], repeat: int,
            timeout: float) -> dict[str, tuple[list[float], list[float]] | str]:
    """Per tool: (walls, CPUs) of its runs, or why it has none."""
    results: dict[str, tuple[list[float], list[float]] | str] = {
        label: ([], []) if available(cmd) else "not installed" for label, cmd in commands}
    for round_ in range(repeat + 1):  # round 0 warms: page cache, bytecode, rule cache
        for label, cmd in commands:
            if isinstance(results.get(label), str):
                continue
            try:
                wall, cpu = run(cmd, timeout)
            except Failed as exc:
                results[label] = f"failed: {exc}"
                print(f"  {label}: {exc}", file=sys.stderr, flush=True)
                continue
            if round_:
                walls, cpus = results[label]  # type: ignore[misc]
                walls.append(wall)
                cpus.append(cpu)
    return results


def table(name: str, lines: int, results: dict, base: str) -> list[str]:
    out = [f"### {name}", "",
           "| tool | CPU s min / median | wall s min / median | lines per CPU s (median) "
           "| CPU ÷ analyzer | wall ÷ analyzer |", "|---|--:|--:|--:|--:|--:|"]
    ref = results.get(base)
    for label, got in results.items():
        if isinstance(got, str):
            out.append(f"| {label} | {got} | | | | |")
            continue
        walls, cpus = got
        cpu, wall = statistics.median(cpus), statistics.median(walls)
        ratios = ("–", "–") if isinstance(ref, str) or ref is None else (
            f"{cpu / statistics.median(ref[1]):.2f}", f"{wall / statistics.median(ref[0]):.2f}")
        out.append(f"| {label} | {min(cpus):.2f} / {cpu:.2f} | {min(walls):.2f} / {wall:.2f} | "
                   f"{lines / cpu:,.0f} | {ratios[0]} | {ratios[1]} |")
    return [*out, ""]


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine()) \
        if Path("/proc/cpuinfo").exists() else platform.machine()
    return (f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lines", type=int, default=500_000, help="Render lines (scan)")
    parser.add_argument("--pg-lines", type=int, default=200_000)
    parser.add_argument("--template-lines", type=int, default=500_000)
    parser.add_argument("--only", default="scan,pg,templates")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    started, load = perf_counter(), os.getloadavg()
    header = [f"Machine: {machine()}. Load average at the start: {load[0]:.1f} "
              f"(other jobs share the machine: CPU seconds are the steadier figure). "
              f"{args.repeat} alternating runs after a warm-up; start-up included.", ""]
    print("\n".join(header), flush=True)
    body: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("HOME", tmp)  # lnav keeps its state there
        for name, commands in groups(args, Path(tmp)).items():
            lines = int(name.rsplit(", ", 1)[1].split()[0].replace(",", ""))
            results = measure(commands, args.repeat, args.timeout)
            part = table(name, lines, results, commands[0][0])
            print("\n".join(part), flush=True)
            body.extend(part)
    footer = [f"Load average at the end: {os.getloadavg()[0]:.1f}; the whole run took "
              f"{(perf_counter() - started) / 60:.1f} min."]
    print("\n".join(footer))
    if args.markdown:
        args.markdown.write_text("\n".join([*header, *body, *footer]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
