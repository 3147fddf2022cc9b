"""Render log streams (RFC 5424 syslog, as Render sends to Papertrail, Datadog, …):
`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`. The level is the PRI's
severity; HOSTNAME is the service slug and PROCID the instance (Render's mapping of the slots
is not documented precisely, so both are kept as given)."""

from __future__ import annotations

import polars as pl

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.frames import EventRows, LineFormat
from analyzer.model import Record

LINE_RE = (r"^(?:\S+ )?<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) "
           r"(?P<procid>\S+) (?P<msgid>\S+) (?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?P<text>.*)$")
# syslog severity (PRI % 8) -> level
_SEVERITY = ("critical", "critical", "critical", "error", "warning", "info", "info", "debug")


class RenderSyslog(LineFormat):
    name = "render_syslog"
    description = "Render log stream (RFC 5424 syslog): `<PRI>1 time host app procid msgid sd msg`"
    example = ('<11>1 2025-11-13T06:24:10.513Z acme-api web srv-d0abc…-x7k2p srv-d0abc… - '
               'error: column "created_at" does not exist')
    line_pattern = LINE_RE
    proximity_ns = 1_000_000_000

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        parts = pl.DataFrame({"line": lines}).select(
            pl.col("line"), pl.col("line").str.extract_groups(LINE_RE).alias("p")).unnest("p")
        parsed = pl.col("pri").is_not_null()
        nil = pl.lit("-")
        return parts.select(
            parsed=parsed,
            ts=pl.col("ts"),
            service=pl.when(pl.col("host") != nil).then(pl.col("host")),
            app=pl.col("app"),
            instance=pl.when(pl.col("procid") != nil).then(pl.col("procid")),
            pri=pl.col("pri").cast(pl.Int64, strict=False),
            message=pl.when(parsed).then(pl.col("text")).otherwise(pl.col("line")),
        )

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        normal = ts_text.str.replace(r"Z$", "+00:00")
        return normal.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_unit="ns",
                                      strict=False).dt.epoch("ns")

    def record(self, rows: EventRows, source: str) -> Record:
        if not rows.parsed:
            return super().record(rows, source)
        head = rows.columns
        pri = head.get("pri")
        return event_record(
            source=source, lineno=rows.lineno, end_lineno=rows.end_lineno, fmt=self.name,
            message="\n".join(rows.messages), raw="\n".join(rows.lines),
            ts=self.event_ts(rows), level=_SEVERITY[pri % 8] if pri is not None else None,
            service=head.get("service"), instance=head.get("instance"),
            fields={"host": head.get("service"), "app": head.get("app")})
