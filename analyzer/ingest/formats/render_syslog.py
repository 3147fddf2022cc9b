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
_SLOTS = ("head", "ts", "host", "app", "procid", "msgid", "sd", "text")
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
        # Fast path: split on the first seven spaces (STRUCTURED-DATA is `-` in nearly every
        # line); the full regex runs only on the lines that path does not fit.
        split = pl.DataFrame({"line": lines}).with_row_index("_at").select(
            "_at", "line",
            pl.col("line").str.splitn(" ", 8).struct.rename_fields(list(_SLOTS)).alias("p"),
        ).unnest("p")
        fits = (pl.col("head").str.contains(r"^<\d{1,3}>1$") & (pl.col("sd") == "-")
                & pl.col("text").is_not_null()).fill_null(False)
        kept = ("_at", "line", "head", "ts", "host", "app", "procid", "text")
        parts = split.filter(fits).select(kept)
        rest = split.filter(~fits).select("_at", "line")
        if rest.height:
            slow = rest.with_columns(pl.col("line").str.extract_groups(LINE_RE).alias("p")) \
                .unnest("p").with_columns(
                    head=pl.concat_str(pl.lit("<"), pl.col("pri"), pl.lit(">1"))).select(kept)
            parts = pl.concat([parts, slow], how="vertical_relaxed").sort("_at")
        return self._columns_of(parts)

    def _columns_of(self, parts: pl.DataFrame) -> pl.DataFrame:
        parsed = pl.col("ts").is_not_null() & pl.col("head").str.contains(r"^<\d{1,3}>1$")
        nil = pl.lit("-")
        return parts.select(
            parsed=parsed.fill_null(False),
            ts=pl.col("ts"),
            service=pl.when(pl.col("host") != nil).then(pl.col("host")),
            app=pl.col("app"),
            instance=pl.when(pl.col("procid") != nil).then(pl.col("procid")),
            pri=pl.col("head").str.extract(r"^<(\d{1,3})>", 1).cast(pl.Int64, strict=False),
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
