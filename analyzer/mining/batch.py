"""The bulk path of the miner: a batch of lines, masked vectorized, placed once per distinct
masked line, then counted.

Equivalent to feeding the lines one by one: a masked line is placed when first seen and every
later copy follows it (the exact-match cache does the same), so templates, counts, first/last
seen and values are the same. Only the recency that eviction goes by is batch-grained (a
batch's clusters count as matched at its end). Without value tracking no Python code runs
per line at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import polars as pl

from analyzer.mining.cluster import Cluster
from analyzer.model import Span

# told (cluster, text) for each line of a value-extracting cluster
NoteValues = Callable[[Cluster, str], None]


def count_batch(texts: Sequence[str], masked: list[str], ts: Sequence[int | None] | None,
                live: dict[str, Cluster], note_values: NoteValues | None) -> None:
    """Count a placed batch into its live clusters: per line when values are tracked
    (`note_values`), else per distinct masked line (vectorized)."""
    if note_values is not None:
        _count_lines(texts, masked, ts, live, note_values)
    else:
        _count_keys(masked, ts, live)


def place_batch(masked: list[str], place: Callable[[str], Cluster],
                lines: int) -> dict[str, Cluster]:
    """Each distinct masked line placed (`place`) in order of first appearance. Recency for
    eviction within the batch: a line the batch repeats counts as matched at its end (a hot
    template is never evicted by the batch's one-off lines), the others in order."""
    repeats = Counter(masked)
    end = lines + len(masked)
    placed = {}
    for tick, key in enumerate(dict.fromkeys(masked), start=lines):
        cluster = placed[key] = place(key)
        cluster.final().last_used = end if repeats[key] > 1 else tick
    return placed


def lost_lines(masked: list[str], ts: Sequence[int | None] | None,
               live: dict[str, Cluster]) -> tuple[int, Span]:
    """How many lines of the batch are in no live cluster (theirs was evicted within the
    batch), and their span: they go to the overflow."""
    lost = [i for i, key in enumerate(masked) if key not in live]
    span = Span()
    if ts is not None:
        for i in lost:
            span.add(ts[i])
    return len(lost), span


def _count_keys(masked: list[str], ts: Sequence[int | None] | None,
                live: dict[str, Cluster]) -> None:
    for key, count in Counter(masked).items():
        if key in live:
            live[key].count += count
    if ts is None:
        return
    spans = (pl.DataFrame({"key": masked, "ts": pl.Series(list(ts), dtype=pl.Int64)})
             .group_by("key").agg(pl.col("ts").min().alias("first"),
                                  pl.col("ts").max().alias("last")))
    for key, first, last in spans.iter_rows():
        if key in live:
            live[key].span.cover(first, last)


def _count_lines(texts: Sequence[str], masked: list[str], ts: Sequence[int | None] | None,
                 live: dict[str, Cluster], note_values: NoteValues) -> None:
    stamps = ts if ts is not None else [None] * len(texts)
    for text, key, stamp in zip(texts, masked, stamps, strict=True):
        cluster = live.get(key)
        if cluster is None:
            continue
        cluster.count += 1
        if stamp is not None:
            cluster.span.add(stamp)
        if cluster.extract:
            note_values(cluster, text)
