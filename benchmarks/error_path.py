"""CPU seconds of `analyzer scan FILE -f json --jobs 1` on the error-heavy inputs, this checkout
against another (the code before a change), runs alternating, outputs compared byte for byte.

    python benchmarks/error_path.py --baseline /path/to/other/checkout [--repeat 3]
                                    [--lines 2000000] [--only err10,err1,pg]

Inputs (generated into benchmarks/out/ on first use): 2M Render text lines at 10 % and 1 %
error lines (`generate_render_log.py --error-share`), and ~2M PostgreSQL stderr lines (the
compare.py generator). CPU = user + sys of the child (from wait4), start-up included; one
process (`--jobs 1`), so the figure is the per-event path's, not the split's. Prints min and
median per checkout and their ratios, and whether the JSON reports were identical.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))


def render_log(lines: int, share: float) -> Path:
    path = OUT / f"render-text-{lines}-err{round(share * 100)}.log"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate_render_log.py"), str(path),
                        "--lines", str(lines), "--style", "text", "--error-share", str(share)],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def pg_log(lines: int) -> Path:
    from compare import pg_log as make

    return make(lines)


def run(tree: Path, log: Path) -> tuple[float, bytes]:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # without the bytecode cache each start compiles
    child = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", str(log), "-f", "json",
                              "--jobs", "1"], cwd=tree, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env)
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"scan of {log} failed in {tree}")
    return usage.ru_utime + usage.ru_stime, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="err10,err1,pg")
    args = parser.parse_args()
    makers = {"err10": lambda: render_log(args.lines, 0.10),
              "err1": lambda: render_log(args.lines, 0.01),
              "pg": lambda: pg_log(args.lines)}
    trees = {"this": HERE.parent, "baseline": args.baseline.resolve()}
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print("| input | lines | this CPU min / median s | baseline CPU min / median s "
          "| ratio min / median | lines per CPU s (this, min) | same JSON |")
    print("|---|--:|--:|--:|--:|--:|---|")
    for name in args.only.split(","):
        log = makers[name]()
        lines = sum(1 for _ in log.open("rb"))
        cpu: dict[str, list[float]] = {tree: [] for tree in trees}
        outputs: dict[str, bytes] = {}
        for _ in range(args.repeat):
            for tree, path in trees.items():
                seconds, out = run(path, log)
                cpu[tree].append(seconds)
                outputs[tree] = out
        this, base = cpu["this"], cpu["baseline"]
        same = "yes" if outputs["this"] == outputs["baseline"] else "**no**"
        print(f"| {log.name} | {lines:,} | {min(this):.2f} / {statistics.median(this):.2f} "
              f"| {min(base):.2f} / {statistics.median(base):.2f} "
              f"| {min(this) / min(base):.2f} / "
              f"{statistics.median(this) / statistics.median(base):.2f} "
              f"| {lines / min(this):,.0f} | {same} |", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
