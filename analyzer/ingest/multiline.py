"""Multi-line assembly: which physical lines continue the logical event before them.

Decided on content (indentation, stack frames, a closing brace, `Caused by:`, a line after one
ending in `:`) and never across two instances' interleaved output. The rule is a vectorized
polars expression: the one truth both the full scan and the prefiltered scan use, so they
assemble exactly the same records.
"""

from __future__ import annotations

import polars as pl

# A line that cannot start an event: indented text (stack frames `    at …`, wrapped
# messages), the closing brace of a util.inspect block, or a chained cause.
CONTINUATION_LINE = r"^(?:[ \t]+\S|[}\]]\s*,?\s*$|Caused by:|\.\.\. \d+ (?:more|common frames))"
BLANK_LINE = r"^\s*$"
# Lines that always start a new event, even after a line ending in ':'.
ALWAYS_HEAD = r"^(?:==> |\{\s*\"|\[\d{4}-\d{2}-\d{2})"


def continuation(frame: pl.DataFrame) -> pl.Series:
    """Boolean Series: True where a row continues the event of the row above it.

    Reads the `message` column and, when present, `instance` (rows of different instances
    never join)."""
    message = pl.col("message")
    previous = message.shift(1)
    joins = (
        message.str.contains(CONTINUATION_LINE)
        | message.str.contains(BLANK_LINE)
        | (previous.str.strip_chars_end().str.ends_with(":")
           & ~message.str.contains(ALWAYS_HEAD))
    )
    if "instance" in frame.columns:
        instance = pl.col("instance")
        joins = joins & (instance.is_null() | instance.shift(1).is_null()
                         | (instance == instance.shift(1)))
    result = frame.select(joins.fill_null(False).alias("continues")).get_column("continues")
    if len(result):
        result = result.scatter(0, False)
    return result
