"""Ingest throughput and peak memory per input format, on ~2M-line files.

    python benchmarks/ingest_bench.py [--lines 2000000] [--formats render_text,postgres]
                                      [--full] [--stdin]

For each format it writes benchmarks/out/ingest-<format>-<lines>.<ext> once (deterministic:
the scenario of benchmarks/generate_format_samples.py at 10k events, repeated to the
line count), then
runs the real CLI, `analyzer scan FILE --format json` (detection, prefilter, matching,
incidents), in a subprocess and reports wall time, lines/s, MB/s and the child's peak RSS.
--full also times a full parse (every record built, no prefilter) in a subprocess.
--stdin feeds the Render text file 1x and 4x through `analyzer scan -` and prints both peak
RSS figures (memory must not grow with the input).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


def _generator():
    path = HERE / "generate_format_samples.py"
    spec = importlib.util.spec_from_file_location("format_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_texts() -> dict[str, tuple[str, str, str]]:
    """format -> (file suffix, header, body): one 10k-event copy of the scenario."""
    gen = _generator()
    rnd = random.Random(7)
    events = gen.app_events(rnd, 10_000)
    pg = gen.pg_events(rnd, 10_000)
    rows = gen.supabase_rows(pg, rnd)
    dashboard = "".join(f"{gen.iso(ns)} {text}\n"
                        for ns, _, text in gen.physical_lines(events, rnd, False))
    legacy = gen.legacy_csv(rows)
    header, _, body = legacy.partition("\n")
    return {
        "render_dashboard": (".log", "", dashboard),
        "render_text": (".log", "", gen.render_text(gen.physical_lines(events, rnd, False))),
        "render_json": (".json", "", gen.render_json(gen.physical_lines(events, rnd, True))),
        "render_yaml": (".log", "", gen.render_yaml(gen.physical_lines(events, rnd, True))),
        "render_syslog": (".log", "", gen.render_syslog(gen.physical_lines(events, rnd, True))),
        "supabase_json": (".json", "", gen.bq_json(rows)),
        "supabase_csv": (".csv", header + "\n", body),
        "supabase_markdown": (".txt", "", gen.markdown(rows) + "\n---\n\n"),
        "supabase_edge": (".log", "", gen.edge_lines(rows)),
        "postgrest": (".log", "", gen.postgrest_log(rnd, 10_000)[0]),
        "postgres": (".log", "", gen.pg_stderr(pg, "supabase", rnd)),
        "postgres_csv": (".csv", "", gen.pg_csv(pg)),
        "postgres_json": (".json", "", gen.pg_json(pg)),
        "supabase_auth": (".jsonl", "", gen.auth_lines(rnd, 10_000)[0]),
        "app_json": (".jsonl", "", gen.app_pino(events)),
        "plain": (".log", "", gen.python_log(rnd, 10_000)[0]),
    }


def ensure_file(name: str, suffix: str, header: str, body: str, lines: int) -> Path:
    path = OUT / f"ingest-{name}-{lines}{suffix}"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    per_copy = max(1, body.count("\n"))
    copies = -(-lines // per_copy)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        for _ in range(copies):
            handle.write(body)
    return path


def run_child(args: list[str], stdin=None) -> tuple[float, int, bytes]:
    """Run python with args; (wall seconds, the child's own peak RSS in KB, stdout)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, cwd=ROOT)
    out = child.stdout.read()
    _, _, usage = os.wait4(child.pid, 0)  # this child's rusage, not a running maximum
    elapsed = time.perf_counter() - start
    child.returncode = 0
    return elapsed, usage.ru_maxrss, out


FULL_PARSE = """
import sys
from analyzer.ingest import Source, read_source
from analyzer.model import SourceStats
stats = SourceStats("x")
count = sum(1 for _ in read_source(Source(sys.argv[1]), stats))
print(stats.lines, count, stats.unparsed)
"""


def measure(name: str, path: Path, full: bool) -> dict:
    size_mb = path.stat().st_size / 1e6
    elapsed, rss, out = run_child(["-m", "analyzer", "scan", str(path), "--format", "json"])
    report = json.loads(out)
    lines = report["input"]["lines"]
    row = {"format": name, "detected": ",".join(report["input"]["formats"]), "lines": lines,
           "mb": size_mb, "scan_s": elapsed, "rss_mb": rss / 1024,
           "incidents": len(report["incidents"]), "unparsed": report["input"]["unparsed"]}
    if full:
        elapsed, rss, _ = run_child(["-c", FULL_PARSE, str(path)])
        row.update(full_s=elapsed, full_rss_mb=rss / 1024)
    return row


def stdin_memory(path: Path) -> None:
    for copies in (1, 4):
        reader = subprocess.Popen(["bash", "-c", f"for i in $(seq {copies}); do cat {path}; "
                                                 "done"], stdout=subprocess.PIPE)
        elapsed, rss, out = run_child(["-m", "analyzer", "scan", "-", "--format", "json"],
                                      stdin=reader.stdout)
        reader.wait()
        lines = json.loads(out)["input"]["lines"]
        print(f"stdin x{copies}: {lines:,} lines in {elapsed:.1f}s, peak RSS "
              f"{rss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--formats", default="", help="comma-separated subset")
    parser.add_argument("--full", action="store_true", help="also time a full parse")
    parser.add_argument("--stdin", action="store_true", help="stdin memory check only")
    args = parser.parse_args()
    texts = base_texts()
    chosen = [n for n in (args.formats.split(",") if args.formats else texts) if n]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    if args.stdin:
        stdin_memory(ensure_file("render_text", *texts["render_text"], args.lines))
        return
    print("| format | detected | lines | MB | scan s | lines/s | MB/s | peak RSS MB |"
          + (" full parse lines/s |" if args.full else ""))
    print("|---|---|---|---|---|---|---|---|" + ("---|" if args.full else ""))
    for name in chosen:
        path = ensure_file(name, *texts[name], args.lines)
        row = measure(name, path, args.full)
        line = (f"| {row['format']} | {row['detected']} | {row['lines']:,} | {row['mb']:.0f} | "
                f"{row['scan_s']:.1f} | {row['lines'] / row['scan_s']:,.0f} | "
                f"{row['mb'] / row['scan_s']:.1f} | {row['rss_mb']:.0f} |")
        if args.full:
            line += f" {row['lines'] / row['full_s']:,.0f} |"
        print(line, flush=True)


if __name__ == "__main__":
    main()
