"""Plain text: any line. The fallback when nothing else recognises the input; rules still match
its messages, and continuation lines still join."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from analyzer.ingest.formats.frames import LineFormat


class PlainText(LineFormat):
    name = "plain"
    description = "Any other text, one event per line (indented and stack lines join)"
    example = "❌ column \"reportId\" does not exist"
    line_pattern = r"^"
    is_fallback = True

    def sniff(self, head: Sequence[str]) -> float:
        return 0.01  # anything is plain text, but everything else is a better guess

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        return pl.DataFrame({"parsed": pl.repeat(True, len(lines), eager=True),
                             "message": lines})
