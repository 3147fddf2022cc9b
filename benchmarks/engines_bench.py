"""An engine scan against a file scan of the same events (not a test; never run in CI).

    python benchmarks/engines_bench.py [--lines 20000000] [--dir benchmarks/out]

Writes a Render dashboard log (benchmarks/generate_render_log.py: ~1% error events, the rest
healthy traffic), turns its events into Parquet (one row per event: ts, lineno, message,
fields, as the analyzer reads them), then times, each in its own child process:

- `file`: the normal scan of the text log (vectorized prefilter, then the Session);
- `parquet`: `scan parquet:…` — DuckDB runs the compiled candidate query over the Parquet and
  streams back only the candidate rows, which go through the same Session;
- `query`: DuckDB's part alone (the candidate query run, its Arrow batches drained).

Prints wall time, CPU time, peak RSS, the rows and Arrow bytes DuckDB brought back, and checks
that both found the same incidents (ids and counts).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BATCH = 500_000


def ensure_log(path: Path, lines: int) -> None:
    if path.exists():
        return
    subprocess.run([sys.executable, str(HERE / "generate_render_log.py"), str(path),
                    "--lines", str(lines)], check=True)


def ensure_parquet(log: Path, parquet: Path) -> None:
    """The log's events (every one, no prefilter) as Parquet, written in batches."""
    if parquet.exists():
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analyzer.ingest import expand_sources, read_source
    from analyzer.ingest.formats import ReadOptions
    from analyzer.model import SourceStats

    sources, _ = expand_sources([str(log)])
    schema = pa.schema([("ts", pa.timestamp("ns", tz="UTC")), ("lineno", pa.int64()),
                        ("message", pa.string()), ("fields", pa.string())])
    partial = parquet.with_suffix(".partial")
    with pq.ParquetWriter(partial, schema) as writer:
        rows: dict[str, list] = {name: [] for name in schema.names}
        for record in read_source(sources[0], SourceStats(str(log)),
                                  options=ReadOptions(keywords=None)):
            rows["ts"].append(record.ts)
            rows["lineno"].append(record.lineno)
            rows["message"].append(record.message)
            rows["fields"].append(json.dumps(dict(record.fields)) if record.fields else None)
            if len(rows["ts"]) >= BATCH:
                writer.write_table(pa.table(rows, schema=schema))
                rows = {name: [] for name in schema.names}
        if rows["ts"]:
            writer.write_table(pa.table(rows, schema=schema))
    partial.rename(parquet)


def query_only(target: str) -> dict:
    """DuckDB's part alone: the candidate query run and its Arrow batches drained."""
    from analyzer.engines import open_engine, scan_prefilter
    from analyzer.engines.compile import candidate_query
    from analyzer.engines.reader import table_columns
    from analyzer.rulebook import load_rules
    from analyzer.session import read_options
    from analyzer.settings import Settings

    ruleset = load_rules([], builtin=True)
    engine = open_engine(f"parquet:{target}")
    columns = table_columns(engine)
    query = candidate_query(engine.dialect, engine.table, columns,
                            scan_prefilter(ruleset, read_options(ruleset, Settings())),
                            [columns.lineno or "lineno"])
    start = time.perf_counter()
    rows = size = 0
    for batch in engine.batches(query):
        rows += batch.num_rows
        size += batch.nbytes
    return {"seconds": time.perf_counter() - start, "records": rows, "lines": 0,
            "rows_back": rows, "bytes_back": size, "incidents": [], "problems": []}


def child(kind: str, target: str) -> None:
    """Run one scan and print what it found as JSON (the parent measures the process)."""
    import resource

    from analyzer.engines import Transfer
    from analyzer.pipeline import analysis_session, read_engine_source
    from analyzer.settings import Settings

    if kind == "query":
        result = query_only(target)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    start = time.perf_counter()
    transfer = Transfer()
    if kind == "file":
        session = analysis_session([target], Settings())
    else:
        session = analysis_session([], Settings())
        read_engine_source(session, f"parquet:{target}", transfer=transfer)
    report = session.report()
    print(json.dumps({
        "seconds": time.perf_counter() - start,
        "records": sum(s.records for s in report.sources),
        "lines": sum(s.lines for s in report.sources),
        "rows_back": transfer.rows_back, "bytes_back": transfer.bytes_back,
        "incidents": sorted((i.id, i.count) for i in report.incidents),
        "problems": [str(p) for p in report.problems],
        # measured here: a forked child's ru_maxrss would count the parent's pages too
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def measure(kind: str, target: Path) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, str(target)],
                            stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} scan failed ({proc.returncode})")
    result = json.loads(out)
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000_000)
    parser.add_argument("--dir", type=Path, default=HERE / "out")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    log = args.dir / f"render-{args.lines}.log"
    parquet = log.with_suffix(".parquet")
    started = time.perf_counter()
    ensure_log(log, args.lines)
    ensure_parquet(log, parquet)
    print(f"inputs ready in {time.perf_counter() - started:.0f} s: {log} "
          f"({log.stat().st_size / 1e6:.0f} MB), {parquet} ({parquet.stat().st_size / 1e6:.0f} MB)",
          flush=True)
    results = {kind: measure(kind, log if kind == "file" else parquet)
               for kind in ("file", "parquet", "query")}
    for kind, r in results.items():
        print(f"{kind:8} {r['seconds']:7.1f} s wall  {r['cpu_seconds']:7.1f} s CPU  "
              f"peak RSS {r['peak_rss_mb']:6.0f} MB  {r['lines']:>11,} rows/lines  "
              f"{r['records']:>10,} records  back: {r['rows_back']:,} rows, "
              f"{r['bytes_back'] / 1e6:.1f} MB  {len(r['incidents'])} incidents", flush=True)
    same = results["file"]["incidents"] == results["parquet"]["incidents"]
    print("same incidents (ids and counts):", same)
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
