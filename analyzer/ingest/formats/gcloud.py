"""Google Cloud Logging entries (Cloud SQL for PostgreSQL, Cloud Run, GKE): one LogEntry per
line (a log sink, `gcloud logging read --format=json` piped through `jq -c`) or the JSON array
`gcloud logging read --format=json` and the Logs Explorer download write.

A LogEntry carries the log line in `textPayload` (Cloud SQL: a PostgreSQL stderr line, its
DETAIL and STATEMENT in entries of their own) or a structured `jsonPayload` (an app's JSON
log); either is handed to the format it is in. The entry gives the time, the `severity`, the
service (`resource.labels`: database_id, service_name, container_name, …) and the instance.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl

from analyzer.ingest.formats.base import ReadOptions
from analyzer.ingest.formats.wrapped import Wrapper
from analyzer.ingest.jsonstream import JsonItem, json_items
from analyzer.ingest.levels import normalize_level
from analyzer.ingest.shapes import text_of
from analyzer.model import SourceStats

_SERVICE_LABELS = ("service_name", "database_id", "container_name", "function_name",
                   "job_name", "module_id")
_INSTANCE_LABELS = ("pod_name", "instance_id", "revision_name")
_ENTRY_KEYS = ('"logName"', '"insertId"', '"receiveTimestamp"', '"resource"')
FRAME_ROWS = 20_000


def _labels(entry: dict[str, Any], names: Sequence[str], own: str | None = None) -> str | None:
    """The first of these resource labels the entry has (its own label `own` first: Cloud
    Run's `labels.instanceId` names the instance, the resource only the revision)."""
    entry_labels = entry.get("labels")
    found = [entry_labels.get(own)] if own and isinstance(entry_labels, dict) else []
    resource = entry.get("resource")
    labels = resource.get("labels") if isinstance(resource, dict) else None
    found += [labels.get(n) for n in names] if isinstance(labels, dict) else []
    return next((text_of(v) for v in found if v), None)


def log_entry_row(value: Any) -> dict[str, Any] | None:
    """The columns of one LogEntry, or None when value is none."""
    if not isinstance(value, dict):
        return None
    payload = value.get("textPayload")
    if payload is None and isinstance(value.get("jsonPayload"), dict):
        payload = json.dumps(value["jsonPayload"], ensure_ascii=False, separators=(",", ":"))
    if not isinstance(payload, str):
        return None
    return {"inner": payload.rstrip("\n"), "w_ts": text_of(value.get("timestamp")),
            "w_level": normalize_level(text_of(value.get("severity"))),
            "w_service": _labels(value, _SERVICE_LABELS),
            "w_instance": _labels(value, _INSTANCE_LABELS, own="instanceId")}


class GoogleCloudLogging(Wrapper):
    name = "gcloud_logging"
    description = "Google Cloud Logging entries (lines or the gcloud/Logs Explorer JSON " \
                  "array): `textPayload` (Cloud SQL's PostgreSQL lines) or `jsonPayload`"
    example = '{"insertId":"…","logName":"projects/p/logs/cloudsql.googleapis.com%2Fpostgres' \
              '.log","severity":"ERROR","textPayload":"2025-11-13 06:24:10.512 UTC [4242]: ' \
              '[3-1] db=app,user=app ERROR:  relation \\"x\\" does not exist",…}'
    search = "both"

    def sniff(self, head: Sequence[str]) -> float:
        text = "\n".join(head)
        if text.lstrip()[:1] not in "[{" or not ('"textPayload"' in text
                                                 or '"jsonPayload"' in text):
            return 0.0
        # sure: app_json would also take a jsonPayload entry for one of its own
        return 1.0 if sum(key in text for key in _ENTRY_KEYS) >= 2 else 0.0

    def inner_head(self, head: Sequence[str]) -> list[str]:
        items = json_items(iter(["\n".join(head).encode()]), SourceStats("-"))
        rows = [log_entry_row(item.value) for item in items if item is not None and item.ok]
        return [row["inner"].split("\n", 1)[0] for row in rows if row is not None]

    def outer_frames(self, blocks: Iterator[bytes], stats: SourceStats,
                     options: ReadOptions) -> Iterator[pl.DataFrame]:
        batch: list[dict[str, Any]] = []
        for item in json_items(blocks, stats, options.max_line_chars, marks=True):
            if item is not None:
                batch.append(_item_row(item, options.max_line_chars))
            if batch and (item is None or len(batch) >= FRAME_ROWS):
                yield _frame(batch)
                batch = []
        if batch:
            yield _frame(batch)


def _item_row(item: JsonItem, max_chars: int) -> dict[str, Any]:
    row = log_entry_row(item.value) if item.ok else None
    base = {"line": item.text, "lineno": item.lineno, "end_lineno": item.end_lineno}
    if row is None:
        return {**base, "w_parsed": False, "inner": item.text}
    row["inner"] = row["inner"][:max_chars]
    return {**base, "w_parsed": True, **row}


_COLUMNS = ("line", "lineno", "end_lineno", "w_parsed", "inner", "w_ts", "w_level", "w_service",
            "w_instance")


def _frame(batch: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, type[pl.DataType]] = {name: pl.String for name in _COLUMNS}
    schema.update(lineno=pl.Int64, end_lineno=pl.Int64, w_parsed=pl.Boolean)
    present = [name for name in _COLUMNS if any(name in row for row in batch)]
    return pl.DataFrame({name: [row.get(name) for row in batch] for name in present},
                        schema={name: schema[name] for name in present})
