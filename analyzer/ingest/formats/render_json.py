"""`render logs -o json`: pretty-printed objects (`id`, `labels`, `message`, `timestamp`)
concatenated with no separator (`}{`), read with the streaming decoder. Labels give the
service (resource), instance, level, type and, for request logs, method/path/status/host.

Every entry is one physical line of the app, so entries are assembled into events like lines
are (multiline.py): by content, by time proximity and never across instances.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.base import ReadOptions
from analyzer.ingest.formats.frames import EventRows, FrameFormat
from analyzer.ingest.jsonstream import JsonItem, json_items
from analyzer.ingest.levels import normalize_level
from analyzer.ingest.shapes import text_of
from analyzer.model import Record, SourceStats

# Render label name -> column (and canonical field) name
LABELS = {"resource": "service", "instance": "instance", "level": "level", "type": "type",
          "method": "method", "path": "path", "statusCode": "status", "host": "host"}
# Entries decoded per frame: big enough to vectorize, small enough to stream.
FRAME_ROWS = 50_000


def render_entry(value: Any) -> dict[str, Any] | None:
    """The columns of one Render log object, or None when it is not one."""
    if not isinstance(value, dict) or "message" not in value or "timestamp" not in value:
        return None
    row: dict[str, Any] = {"message": text_of(value.get("message")) or "",
                           "ts": text_of(value.get("timestamp"))}
    labels = value.get("labels")
    if isinstance(labels, list):
        for label in labels:
            if isinstance(label, dict) and label.get("name") in LABELS:
                row[LABELS[label["name"]]] = text_of(label.get("value"))
    elif isinstance(labels, dict):
        for name, column in LABELS.items():
            if name in labels:
                row[column] = text_of(labels[name])
    return row


def entry_frames(items: Iterator[tuple[int, int, str, dict[str, Any] | None] | None]
                 ) -> Iterator[pl.DataFrame]:
    """Frames of rows from (lineno, end_lineno, raw, columns-or-None) tuples; a None item (the
    end of an input block) flushes, so a live tail is not held back."""
    batch: list[dict[str, Any]] = []
    for item in items:
        if item is None:
            if batch:
                yield _frame(batch)
                batch = []
            continue
        lineno, end_lineno, raw, row = item
        if row is None:
            row = {"message": raw}
        batch.append({**row, "parsed": "ts" in row, "line": raw, "lineno": lineno,
                      "end_lineno": end_lineno})
        if len(batch) >= FRAME_ROWS:
            yield _frame(batch)
            batch = []
    if batch:
        yield _frame(batch)


def _frame(batch: list[dict[str, Any]]) -> pl.DataFrame:
    columns = ["parsed", "message", "line", "lineno", "end_lineno", "ts",
               *sorted({k for row in batch for k in row} - {"parsed", "message", "line",
                                                              "lineno", "end_lineno", "ts"})]
    data = {name: [row.get(name) for row in batch] for name in columns}
    schema: dict[str, pl.DataType | type[pl.DataType]] = {name: pl.String for name in columns}
    schema.update(parsed=pl.Boolean, lineno=pl.Int64, end_lineno=pl.Int64)
    return pl.DataFrame(data, schema=schema)


class RenderJson(FrameFormat):
    name = "render_json"
    description = "`render logs -o json`: pretty-printed objects concatenated (`}{`), labels " \
                  "give service/instance/level"
    example = '{\n  "id": "8f6b…",\n  "labels": [{"name": "level", "value": "error"}, …],\n' \
              '  "message": "error: column \\"created_at\\" does not exist",\n' \
              '  "timestamp": "2025-11-13T06:24:10.51234Z"\n}{\n  …'
    proximity_ns = 1_000_000_000
    search = "both"

    def sniff(self, head: Sequence[str]) -> float:
        text = "\n".join(head)
        if text.lstrip()[:1] not in ("{", "["):  # `-o json`, `jq -c`, or an API array
            return 0.0
        keys = sum(f'"{key}"' in text for key in ("id", "labels", "message", "timestamp"))
        return 0.97 if keys == 4 and '"labels": [' in text else 0.5 if keys == 4 else 0.0

    def frames(self, blocks: Iterator[bytes], stats: SourceStats,
               options: ReadOptions) -> Iterator[pl.DataFrame]:
        items = json_items(blocks, stats, options.max_line_chars, marks=True)
        yield from entry_frames(self._entries(items, options.max_line_chars))

    def _entries(self, items: Iterator[JsonItem | None], max_chars: int
                 ) -> Iterator[tuple[int, int, str, dict[str, Any] | None] | None]:
        for item in items:
            if item is None:
                yield None
                continue
            row = render_entry(item.value) if item.ok else None
            if row is not None and len(row["message"]) > max_chars:
                row["message"] = row["message"][:max_chars]
            yield item.lineno, item.end_lineno, item.text, row

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        return ts_text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ", time_unit="ns",
                                       strict=False).dt.epoch("ns")

    def record(self, rows: EventRows, source: str) -> Record:
        head = rows.columns
        fields = {name: head.get(name) for name in ("type", "method", "path", "status", "host")}
        return event_record(
            source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
            fmt=self.name if rows.parsed else "plain", message="\n".join(rows.messages),
            raw="\n".join(rows.lines), ts=self.event_ts(rows),
            level=normalize_level(head.get("level")), service=head.get("service"),
            instance=head.get("instance"), fields=fields)
