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
from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from analyzer.mining.cluster import Cluster
from analyzer.mining.masks import mask_many

if TYPE_CHECKING:
    from analyzer.mining.miner import TemplateMiner


def add_grouped(miner: TemplateMiner, texts: Sequence[str],
                ts: Sequence[int | None] | None = None) -> list[Cluster]:
    if not texts:
        return []
    masked = mask_many(texts)
    placed = {key: miner.place_masked(key) for key in dict.fromkeys(masked)}
    final = {key: cluster.final() for key, cluster in placed.items()}
    miner.lines += len(texts)
    live = {key: c for key, c in final.items() if not c.evicted}
    for cluster in live.values():
        cluster.last_used = miner.lines
    if miner.params.track_values:
        _count_lines(miner, texts, masked, ts, live)
    else:
        _count_keys(masked, ts, live)
    miner.evicted_lines += sum(1 for key in masked if key not in live)
    return [placed[key] for key in masked]


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
            _seen(live[key], first, last)


def _count_lines(miner: TemplateMiner, texts: Sequence[str], masked: list[str],
                 ts: Sequence[int | None] | None, live: dict[str, Cluster]) -> None:
    stamps = ts if ts is not None else [None] * len(texts)
    for text, key, stamp in zip(texts, masked, stamps, strict=True):
        cluster = live.get(key)
        if cluster is None:
            continue
        cluster.count += 1
        if stamp is not None:
            _seen(cluster, stamp, stamp)
        if cluster.extract:
            miner.note_values(cluster, text)


def _seen(cluster: Cluster, first: int | None, last: int | None) -> None:
    if first is not None and (cluster.first_seen is None or first < cluster.first_seen):
        cluster.first_seen = first
    if last is not None and (cluster.last_seen is None or last > cluster.last_seen):
        cluster.last_seen = last
