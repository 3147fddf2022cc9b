"""Render dashboard downloads and copies: `<RFC3339, 0-9 fraction digits>Z <message>`.

Every physical line carries its own timestamp, stack frames included, so continuation is
decided on the message (see multiline). Lines without the timestamp in such a file are kept:
as continuations when indented, else as plain records (counted unparsed).
"""

from __future__ import annotations

import polars as pl

from analyzer.ingest.formats.base import LineFormat

_TS = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z"


class RenderDashboard(LineFormat):
    name = "render_dashboard"
    description = "Render dashboard log download/copy: RFC3339 timestamp with ns, then message"
    example = "2025-11-13T06:23:03.093444433Z ❌ Failed to create session in Supabase:"
    line_pattern = rf"^{_TS}(?: |$)"

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        frame = pl.DataFrame({"line": lines})
        parsed = pl.col("line").str.contains(self.line_pattern)
        # The timestamp ends at the first "Z"; the message starts after the space that follows.
        z_at = pl.col("line").str.find("Z ", literal=True)
        return frame.select(
            parsed=parsed,
            ts=pl.when(parsed).then(pl.col("line").str.slice(0, z_at + 1)),
            message=pl.when(parsed).then(
                pl.when(pl.col("line").str.len_bytes() > z_at + 1)
                .then(pl.col("line").str.slice(z_at + 2))
                .otherwise(pl.lit(""))
            ).otherwise(pl.col("line")),
        )
