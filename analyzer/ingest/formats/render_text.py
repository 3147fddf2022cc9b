"""`render logs` text output (what a pipe gets by default): `YYYY-MM-DD HH:MM:SS` + exactly two
spaces + the message. No fraction, no zone (UTC), no labels: the level comes from the text.
Every physical line of the app is its own entry, so stack traces are assembled by content and
by time proximity (same or next second)."""

from __future__ import annotations

import polars as pl

from analyzer.ingest.formats.frames import LineFormat

_TS_CHARS = 19  # len("2025-11-13 06:23:03")


class RenderText(LineFormat):
    name = "render_text"
    description = "`render logs` text output: `YYYY-MM-DD HH:MM:SS`, two spaces, message"
    example = '2025-11-13 06:24:10  error: column "created_at" does not exist'
    line_pattern = r"^(?-u:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:  |\s*$)"
    proximity_ns = 1_000_000_000
    search = "message"  # the prefix is only the time: its digits are no SQLSTATE
    interleave_hint = "use -o json for multi-instance services (it names each line's instance)"

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        parsed = pl.col("line").str.contains(self.line_pattern)
        return pl.DataFrame({"line": lines}).with_columns(parsed=parsed).select(
            "parsed",
            message=pl.col("line").str.slice(pl.when("parsed").then(_TS_CHARS + 2).otherwise(0)),
        )

    def ts_text(self, rows: pl.DataFrame) -> pl.Series:
        return rows.select(pl.when("parsed").then(pl.col("line").str.slice(0, _TS_CHARS)))\
            .to_series()

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        return ts_text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="ns",
                                       strict=False).dt.epoch("ns")
