"""The bulk path of the miner: a batch of lines as a polars column, masked vectorized, placed
once per distinct masked line, then counted in polars.

Equivalent to feeding the lines one by one: a masked line is placed when first seen and every
later copy follows it (the exact-match cache does the same), so templates, counts, first/last
seen and values are the same. Only the recency that eviction goes by is batch-grained (a
batch's clusters count as matched at its end). Python runs per distinct masked line (placing
it) and per distinct value kept (values.py), never per line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from analyzer.mining.cluster import Cluster
from analyzer.mining.masks import mask_series
from analyzer.model import Span


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch's lines grouped by masked line: the distinct masked lines (first appearance
    order) with their line counts and time spans, and each line's key (index into them)."""

    texts: pl.Series
    keys: list[str]
    counts: list[int]
    firsts: list[int | None]
    lasts: list[int | None]
    line_keys: pl.Series  # UInt32, per line

    @classmethod
    def of(cls, texts: pl.Series, ts: pl.Series | None) -> Batch:
        masked = mask_series(texts).alias("key")
        stamps = ts if ts is not None else pl.repeat(None, len(texts), dtype=pl.Int64,
                                                     eager=True)
        frame = pl.DataFrame({"key": masked, "ts": stamps.cast(pl.Int64)})
        grouped = (frame.group_by("key", maintain_order=True)
                   .agg(n=pl.len(), first=pl.col("ts").min(), last=pl.col("ts").max())
                   .with_row_index("k"))
        line_keys = frame.select("key").join(grouped.select("key", "k"), on="key", how="left",
                                             maintain_order="left").get_column("k")
        return cls(texts, grouped.get_column("key").to_list(), grouped.get_column("n").to_list(),
                   grouped.get_column("first").to_list(), grouped.get_column("last").to_list(),
                   line_keys)


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a batch's lines went: the cluster each distinct masked line was placed in, and
    each line's key into them. `per_line` lists the cluster of every line (on demand)."""

    clusters: list[Cluster]
    line_keys: pl.Series

    def per_line(self) -> list[Cluster]:
        clusters = self.clusters
        return [clusters[k] for k in self.line_keys.to_list()]


def as_series(texts: Sequence[str] | pl.Series, ts: Sequence[int | None] | pl.Series | None
              ) -> tuple[pl.Series, pl.Series | None]:
    """The texts and times of a batch as polars columns."""
    if not isinstance(texts, pl.Series):
        texts = pl.Series(list(texts), dtype=pl.String)
    if ts is not None and not isinstance(ts, pl.Series):
        ts = pl.Series(list(ts), dtype=pl.Int64)
    return texts, ts


def place_batch(batch: Batch, place: Callable[[str], Cluster], lines: int) -> list[Cluster]:
    """Each distinct masked line placed (`place`) in order of first appearance. Recency for
    eviction within the batch: a line the batch repeats counts as matched at its end (a hot
    template is never evicted by the batch's one-off lines), the others in order."""
    end = lines + len(batch.texts)
    placed = []
    for tick, (key, count) in enumerate(zip(batch.keys, batch.counts, strict=True),
                                        start=lines):
        cluster = place(key)
        cluster.final().last_used = end if count > 1 else tick
        placed.append(cluster)
    return placed


def count_batch(batch: Batch, live: list[Cluster | None], overflow: Cluster,
                lines: int) -> int:
    """Count each distinct masked line's lines and span into its live cluster (matched at
    `lines`, the batch's end); the lines in no live cluster (theirs was evicted within the
    batch) go to the overflow: returns how many."""
    lost, span = 0, Span()
    for cluster, count, first, last in zip(live, batch.counts, batch.firsts, batch.lasts,
                                           strict=True):
        if cluster is None:
            lost += count
            span.cover(first, last)
        else:
            cluster.last_used = lines
            cluster.count += count
            cluster.span.cover(first, last)
    overflow.count += lost
    overflow.span.merge(span)
    return lost
