"""Writers for `analyzer templates`: JSON and CSV (the rich table is in terminal.py).

`--per-line --format csv` writes `line,template_id,template`, one row per record in input
order (line = the record's first line in its source), for external scorers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from analyzer.mining.cluster import Assignment, Cluster
from analyzer.mining.summary import TemplateRow
from analyzer.model import format_ts
from analyzer.textsafe import printable


def row_dict(row: TemplateRow) -> dict:
    return {"id": row.id, "template": row.template, "count": row.count,
            "first_seen": format_ts(row.first_seen), "last_seen": format_ts(row.last_seen),
            "values": {name: [{"value": v, "count": n} for v, n in top]
                       for name, top in row.values.items()},
            "overflow": row.overflow}


def write_json(rows: Iterable[TemplateRow], out: TextIO, lines: int) -> None:
    json.dump({"version": 1, "records": lines, "templates": [row_dict(r) for r in rows]}, out,
              ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(rows: Iterable[TemplateRow], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["template_id", "count", "first_seen", "last_seen", "template"])
    for row in rows:
        writer.writerow([row.id, row.count, format_ts(row.first_seen) or "",
                         format_ts(row.last_seen) or "", printable(row.template)])


def write_per_line_csv(assignments: Iterable[Assignment], out: TextIO,
                       redact, overflow: Cluster) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line", "template_id", "template"])
    names: dict[int, tuple[str, str]] = {}
    for _source, lineno, cluster in assignments:
        final = cluster.final()
        if final.evicted:
            final = overflow  # what an evicted template held is counted there
        named = names.get(final.serial)
        if named is None:
            named = names[final.serial] = (final.id, printable(redact(final.template)))
        writer.writerow([lineno, *named])
