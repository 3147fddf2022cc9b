"""`render logs` text output (what a pipe gets by default): `YYYY-MM-DD HH:MM:SS` + exactly two
spaces + the message. No fraction, no zone (UTC), no labels: the level comes from the text.
Every physical line of the app is its own entry, so stack traces are assembled by content and
by time proximity (same or next second)."""

from __future__ import annotations

import polars as pl

from analyzer.ingest.formats.frames import LineFormat

_TS_CHARS = 19  # len("2025-11-13 06:23:03")
_TS = r"^(?-u:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$"


class RenderText(LineFormat):
    name = "render_text"
    description = "`render logs` text output: `YYYY-MM-DD HH:MM:SS`, two spaces, message"
    example = '2025-11-13 06:24:10  error: column "created_at" does not exist'
    line_pattern = r"^(?-u:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:  |\s*$)"
    proximity_ns = 1_000_000_000

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        line = pl.col("line")
        frame = pl.DataFrame({"line": lines}).with_columns(ts=line.str.slice(0, _TS_CHARS))
        parsed = (pl.col("ts").str.contains(_TS)
                  & line.str.slice(_TS_CHARS, 2).is_in(["  ", " ", ""])).fill_null(False)
        return frame.select(
            parsed=parsed,
            ts=pl.when(parsed).then(pl.col("ts")),
            message=line.str.slice(pl.when(parsed).then(_TS_CHARS + 2).otherwise(0)),
        )

    def ts_ns(self, ts_text: pl.Series) -> pl.Series:
        return ts_text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="ns",
                                       strict=False).dt.epoch("ns")
