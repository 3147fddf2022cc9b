"""Render dashboard downloads and copies: `<RFC3339, 0-9 fraction digits>Z <message>`.

Every physical line carries its own timestamp, stack frames included, so continuation is
decided on the message (see multiline) and by time proximity (Render stamps the lines of one
stack trace microseconds apart, and may print them slightly out of order). Lines without the
timestamp in such a file are kept: as continuations when indented, else as plain records
(counted unparsed).
"""

from __future__ import annotations

import polars as pl

from analyzer.ingest.formats.frames import LineFormat

_TS = r"(?-u:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)"
_HEAD = rf"^{_TS} ?$"


class RenderDashboard(LineFormat):
    name = "render_dashboard"
    description = "Render dashboard log download/copy: RFC3339 timestamp with ns, then message"
    example = "2025-11-13T06:23:03.093444433Z ❌ Failed to create session in Supabase:"
    line_pattern = rf"^{_TS}(?: |$)"
    proximity_ns = 1_000_000_000
    search = "message"  # the prefix is only the time: its digits are no SQLSTATE

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        # Cheaper than one regex over every whole line: the timestamp ends at the first "Z",
        # so only that short head (and the character after it) is checked.
        line = pl.col("line")
        z_at = line.str.find("Z", literal=True)
        frame = pl.DataFrame({"line": lines}).with_columns(
            z_at=z_at, head=line.str.slice(0, z_at + 2))
        frame = frame.with_columns(parsed=pl.col("head").str.contains(_HEAD).fill_null(False))
        return frame.select(
            "parsed",
            message=line.str.slice(pl.when("parsed").then(pl.col("z_at") + 2).otherwise(0)),
        )

    def ts_text(self, rows: pl.DataFrame) -> pl.Series:
        line = pl.col("line")
        return rows.select(pl.when("parsed").then(
            line.str.slice(0, line.str.find("Z", literal=True) + 1))).to_series()

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        return ts_text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ", time_unit="ns",
                                       strict=False).dt.epoch("ns")
