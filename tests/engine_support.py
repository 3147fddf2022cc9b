"""Sample logs as engine tables: every event a file scan reads, written by the test as Parquet
and JSON lines (the columns an engine source reads), and the comparison of two reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.ingest import expand_sources, read_source
from analyzer.ingest.formats import ReadOptions
from analyzer.model import Record, SourceStats


def all_records(path: Path) -> list[Record]:
    """Every record of a log file (no prefilter): the events an engine table would hold."""
    sources, _ = expand_sources([str(path)])
    stats = SourceStats(str(path))
    return list(read_source(sources[0], stats, options=ReadOptions(keywords=None)))


def event_table(records: list[Record]) -> pa.Table:
    return pa.table({
        "ts": pa.array([r.ts for r in records], pa.timestamp("ns", tz="UTC")),
        "lineno": pa.array([r.lineno for r in records], pa.int64()),
        # typed columns, as a log table has them (an all-null column stays a string column)
        **{name: pa.array([getattr(r, name) for r in records], pa.string())
           for name in ("format", "service", "instance", "level", "message")},
        "fields": pa.array([json.dumps(dict(r.fields), default=str) for r in records],
                           pa.string()),
    })


def write_parquet(records: list[Record], path: Path) -> Path:
    pq.write_table(event_table(records), path)
    return path


def write_jsonl(records: list[Record], path: Path) -> Path:
    """JSON lines with the time as RFC3339 text (as log pipelines export it)."""
    with path.open("w", encoding="utf-8") as out:
        for r in records:
            ts = None
            if r.ts is not None:
                seconds, ns = divmod(r.ts, 1_000_000_000)
                ts = f"{_iso(seconds)}.{ns:09d}Z"
            out.write(json.dumps({"ts": ts, "lineno": r.lineno, "format": r.format,
                                  "service": r.service, "instance": r.instance,
                                  "level": r.level, "message": r.message,
                                  "fields": json.dumps(dict(r.fields), default=str)}) + "\n")
    return path


def _iso(seconds: int) -> str:
    import datetime as dt
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def incident_view(report: dict[str, Any], source: str = "") -> dict[str, Any]:
    """What must agree between two runs over the same events: every incident field and the
    root causes; of a sample its time and text (its source and line name the input). The
    input's name in evidence (`failing SQL at app.log:28`) reads `<input>`."""
    if source:
        report = json.loads(json.dumps(report).replace(json.dumps(source)[1:-1], "<input>"))
    incidents = {}
    for incident in report["incidents"]:
        view = {k: v for k, v in incident.items() if k != "samples"}
        view["samples"] = [(s["ts"], s["message"]) for s in incident["samples"]]
        incidents[incident["id"]] = view
    return {"incidents": incidents, "order": [i["id"] for i in report["incidents"]],
            "root_causes": report["root_causes"]}
