"""PostgREST's own logs: stderr lines `dd/Mon/yyyy:HH:MM:SS ±zzzz: <message>` (schema cache
loads, connection retries, verbose JSON errors) and the Apache-style access log on stdout
(`ip - role [time] "METHOD path HTTP/1.1" status - "referer" "agent"`). A JSON error body in
the message has its code/hint/details lifted into fields."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.frames import EventRows, LineFormat
from analyzer.ingest.shapes import level_from_status
from analyzer.model import Record

_TIME = r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}"
_STAMP_CHARS = len("13/Nov/2025:06:20:00 +0000: ")
_STAMP_RE = r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}: $"
_ACCESS_SLOTS = ("ip", "dash", "role", "date", "zone", "verb", "path", "protocol", "status",
                 "rest")
STDERR_RE = rf"^(?P<ts>{_TIME}): (?P<text>.*)$"
ACCESS_RE = (rf"^(?P<ip>\S+) - (?P<role>\S+) \[(?P<ts>{_TIME})\] \"(?P<method>[A-Z]+) "
             r"(?P<path>\S+) [^\"]*\" (?P<status>\d{3}) ")


class PostgrestLog(LineFormat):
    name = "postgrest"
    description = "PostgREST stderr (`13/Nov/2025:06:20:00 +0000: …`) and access log lines"
    example = "13/Nov/2025:06:20:00 +0000: Schema cache loaded in 212.4 milliseconds"
    line_pattern = re.sub(r"\(\?P<\w+>", "(?:", f"{STDERR_RE}|{ACCESS_RE}")

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        # stderr lines have a fixed-width stamp (a short anchored regex on the first 28
        # characters); access lines are split on spaces and checked piece by piece; only the
        # lines neither fits go through the access-log regex.
        line = pl.col("line")
        frame = pl.DataFrame({"line": lines}).with_row_index("_at").with_columns(
            stderr=line.str.slice(0, _STAMP_CHARS).str.contains(_STAMP_RE).fill_null(False))
        stderr = frame.filter(pl.col("stderr")).select(
            "_at", "line", ts=line.str.slice(0, _STAMP_CHARS - 2),
            message=line.str.slice(_STAMP_CHARS))
        others = frame.filter(~pl.col("stderr")).select(
            "_at", "line", line.str.splitn(" ", 10).struct.rename_fields(list(_ACCESS_SLOTS))
            .alias("a")).unnest("a")
        fits = ((pl.col("dash") == "-") & pl.col("date").str.starts_with("[")
                & pl.col("zone").str.ends_with("]") & pl.col("verb").str.starts_with('"')
                & pl.col("status").str.contains(r"^\d{3}$")).fill_null(False)
        others = others.with_columns(fits=fits)
        access = others.filter("fits").select(
            "_at", "line", "role", "path", "status", message=pl.col("line"),
            ts=pl.concat_str(pl.col("date").str.slice(1), pl.lit(" "),
                             pl.col("zone").str.strip_suffix("]")),
            method=pl.col("verb").str.slice(1))
        odd = others.filter(~pl.col("fits")).select(
            "_at", "line", pl.col("line").str.extract_groups(ACCESS_RE).alias("a")).unnest("a")
        odd = odd.select("_at", "line", "ts", "role", "method", "path", "status",
                         message=pl.col("line"))
        rows = pl.concat([stderr, access, odd], how="diagonal_relaxed").sort("_at")
        return rows.select(parsed=pl.col("ts").is_not_null(), ts="ts", role="role",
                           method="method", path="path", status="status", message="message")

    def parse_ts(self, text: str) -> int | None:
        try:
            moment = datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z")
        except ValueError:
            return None
        return int(moment.timestamp()) * 1_000_000_000

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        return ts_text.str.to_datetime("%d/%b/%Y:%H:%M:%S %z", time_unit="ns",
                                       strict=False).dt.epoch("ns")

    def record(self, rows: EventRows, source: str) -> Record:
        if not rows.parsed:
            return super().record(rows, source)
        head = rows.columns
        fields = {"method": head.get("method"), "path": head.get("path"),
                  "status": head.get("status"), "user": head.get("role")}
        return event_record(source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
                            fmt=self.name, message="\n".join(rows.messages),
                            raw="\n".join(rows.lines), ts=self.event_ts(rows),
                            level=level_from_status(head.get("status")),
                            fields={k: v for k, v in fields.items() if v})
