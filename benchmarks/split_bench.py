"""`analyzer scan --jobs 1` against `--jobs N` on the 2M-line Render logs (not a test).

    python benchmarks/split_bench.py [--lines 2000000] [--repeat 3] [--jobs 2]

Runs the real CLI in a subprocess, alternating the two settings, and reports for each input
the min and median of wall time and of CPU seconds (user + sys of the whole process tree:
the scan, the forkserver and its workers, all reaped by this process as a child subreaper),
lines/s, the parent's peak RSS (wait4) and the workers' (VmHWM of each descendant, polled),
and checks the two JSON reports are byte-identical. The inputs are generated once by
benchmarks/generate_render_log.py (see scan_bench.py). State the load average: on a shared
machine, wall time is noisy; CPU seconds much less so.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_bench import INPUTS, child_env, ensure_log
from watch_memory import rss_kb

PR_SET_CHILD_SUBREAPER = 36


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(name))
    found, todo = [], [root, os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found and child != root:
                found.append(child)
                todo.append(child)
    return found


def run_once(log: Path, jobs: int) -> dict[str, float | bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", str(log), "-f", "json",
                              "--jobs", str(jobs)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=child_env())
    peaks: dict[int, int] = {}
    together = [0]  # the largest sum of PSS (shared pages split) over the tree at one moment
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            tree = _descendants(child.pid)
            for pid in tree:
                peaks[pid] = max(peaks.get(pid, 0), rss_kb(pid, "VmHWM"))
            pss = sum(rss_kb(pid, "Pss", "smaps_rollup") for pid in [child.pid, *tree])
            together[0] = max(together[0], pss)
            done.wait(0.02)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    while True:  # the forkserver and workers, orphaned to this subreaper
        try:
            os.wait4(-1, 0)
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"analyzer scan exited {os.waitstatus_to_exitcode(status)}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    workers = sorted(peaks.values(), reverse=True)
    return {"wall": wall, "cpu": cpu, "parent_mb": usage.ru_maxrss / 1024,
            "workers_mb": sum(workers) / 1024, "pss_mb": together[0] / 1024,
            "worker_max_mb": (workers[0] if workers else 0) / 1024, "out": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--inputs", default="render text, ~1% errors;dashboard, ~1% errors")
    args = parser.parse_args()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    print(f"load average before: {os.getloadavg()[0]:.2f}, cores: {os.cpu_count()}")
    for name in args.inputs.split(";"):
        style, share = INPUTS[name]
        log = ensure_log(style, share, args.lines)
        run_once(log, 1)  # untimed: bytecode and page cache
        runs: dict[int, list[dict]] = {1: [], args.jobs: []}
        for _ in range(args.repeat):
            for jobs in runs:
                runs[jobs].append(run_once(log, jobs))
        outs = {bytes(r["out"]) for rs in runs.values() for r in rs}  # type: ignore[arg-type]
        print(f"\n{name} ({args.lines:,} lines, {log.stat().st_size / 1e6:.0f} MB); "
              f"reports identical: {len(outs) == 1}")
        for jobs, rs in runs.items():
            walls = [float(r["wall"]) for r in rs]
            cpus = [float(r["cpu"]) for r in rs]
            print(f"  --jobs {jobs}: wall min {min(walls):.2f} s median "
                  f"{statistics.median(walls):.2f} s ({args.lines / min(walls) / 1e6:.2f}M "
                  f"lines/s); CPU min {min(cpus):.2f} s median {statistics.median(cpus):.2f} s;"
                  f" peak RSS parent {max(float(r['parent_mb']) for r in rs):.0f} MB, "
                  f"forkserver+workers {max(float(r['workers_mb']) for r in rs):.0f} MB "
                  f"(largest {max(float(r['worker_max_mb']) for r in rs):.0f} MB); "
                  f"all together (PSS) {max(float(r['pss_mb']) for r in rs):.0f} MB")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
