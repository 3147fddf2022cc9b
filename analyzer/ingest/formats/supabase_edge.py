"""Supabase API gateway (edge_logs) event messages pasted as lines:
`METHOD | STATUS | client ip | cf-ray | url | user agent` (older variants lack ip and ray, so
the fields are found by shape: the method first, the status second, the URL by its scheme)."""

from __future__ import annotations

from urllib.parse import urlsplit

import polars as pl

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.frames import EventRows, LineFormat
from analyzer.ingest.shapes import level_from_status
from analyzer.model import Record

METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE"


class SupabaseEdge(LineFormat):
    name = "supabase_edge"
    description = "Supabase API gateway lines: `METHOD | STATUS | ip | ray | url | user agent`"
    example = ("GET | 400 | 203.0.113.7 | 8f1a2b3c4d5e6f70 | https://abcdefghijklmnopqrst."
               "supabase.co/rest/v1/sessions?select=id,created_at | node")
    line_pattern = rf"^(?:{METHODS}) \| [1-5]\d\d \| "

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        return pl.DataFrame({"line": lines}).select(
            parsed=pl.col("line").str.contains(self.line_pattern), message=pl.col("line"))

    def record(self, rows: EventRows, source: str) -> Record:
        if not rows.parsed:
            return super().record(rows, source)
        parts = [part.strip() for part in rows.messages[0].split(" | ")]
        fields = {"method": parts[0], "status": parts[1]}
        url = next((p for p in parts[2:] if p.startswith(("http://", "https://"))), None)
        if url:
            fields.update(_url_fields(url))
        if len(parts) >= 6:
            fields["client_ip"], fields["cf_ray"] = parts[2], parts[3]
        return event_record(source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
                            fmt=self.name, message="\n".join(rows.messages),
                            raw="\n".join(rows.lines), level=level_from_status(parts[1]),
                            fields=fields)


def _url_fields(url: str) -> dict[str, str]:
    """Path and host of the URL; a malformed one (`https://[`: ValueError) keeps neither."""
    try:
        split = urlsplit(url)
        return {"path": split.path, "host": split.hostname or ""}
    except ValueError:
        return {}
