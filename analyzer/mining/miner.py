"""The online template miner: lines in, clusters (a template, counts, values) out. No I/O.

How a line finds its cluster:
1. Typed variables are masked (masks.py) and the line is split on whitespace; a line already
   seen in this masked form goes straight to its cluster (a bounded exact-match cache).
2. Candidates are the clusters with the same token count and the same first token (a first
   token that is a variable routes as `<*>`).
3. The best fitting candidate wins when at least `similarity` of the positions agree and no
   two different plain words meet (tokens.fit): `Ending install` and `Ending cleanup` are two
   messages, `connect to db1.internal` and `connect to db2.internal` one. Otherwise the line
   starts a new cluster.
4. Positions where the line and the template differ become `<*>`; a cluster whose template
   becomes another cluster's template merges into the older one.
5. Plain words do vary at some positions (user names, states): when `word_variants` clusters
   differ only in the plain word at one position, that position is a variable and they merge
   into one, except where the word labels a value (`column "<str>"` and `relation "<str>"`
   never merge) or is the first token.

Memory is bounded: at most `max_clusters` clusters, `max_tokens` positions per template,
`max_examples` examples and `max_values` distinct values per variable position (further
values are counted as other). A full store sends lines no template fits to the `overflow`
cluster, and every `max_clusters` such lines evicts its least recently matched sixteenth into
the overflow to make room: every line is in exactly one cluster, the overflow included.

The state is mergeable (`merge`: shards mined apart, then folded together) and serialisable
(`to_state` / `from_state`: plain JSON-able data).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from analyzer.mining.batch import Batch, Placed, as_series, count_batch, place_batch
from analyzer.mining.cluster import OVERFLOW_TOKENS, Cluster, add_value, note_values
from analyzer.mining.masks import WILDCARD, is_variable, mask, mask_many
from analyzer.mining.state import merge_miners, miner_state, restore_miner
from analyzer.mining.tokens import (
    fit,
    generalised,
    group_key,
    is_word,
    labels_value,
    template_id,
    value_of,
)
from analyzer.mining.values import count_values


@dataclass(frozen=True, slots=True)
class MinerParams:
    similarity: float = 0.5  # share of positions that must agree to join a cluster
    word_variants: int = 3  # clusters differing in one plain word that make it a variable
    max_clusters: int = 5000  # past this, the least recently matched cluster is evicted
    max_tokens: int = 64  # a longer line keeps its first tokens; the rest is one `<*>`
    max_examples: int = 3  # example payloads kept per cluster (the first ones)
    max_values: int = 10  # distinct values kept per variable position (the first ones)
    track_values: bool = True  # count the values of variables (off: templates and counts only)
    cache_size: int = 100_000  # masked lines remembered for the exact-match fast path


WIDE_SCAN = 256  # clusters tried for a line whose second token is a variable


class TemplateMiner:
    """Streaming template miner. `add` one line or `add_many` a batch (masked vectorized);
    each returns the cluster(s) the lines joined. Examples are opaque payloads the caller
    chooses (kept as given, so keep them JSON-able for `to_state`)."""

    def __init__(self, params: MinerParams | None = None) -> None:
        self.params = params or MinerParams()
        self.lines = 0
        self.evicted_clusters = 0
        self.evicted_lines = 0
        self.folds = 0  # clusters merged into another: with evicted_clusters, what changed
        self._serial = 0
        self._clusters: dict[int, Cluster] = {}
        # candidates by (length, first word, second word or `<*>`), and by (length, first
        # word) for lines whose second token is a variable; dicts as ordered sets (O(1) removal)
        self._groups: dict[tuple[int, str, str], dict[Cluster, None]] = {}
        self._wide: dict[tuple[int, str], dict[Cluster, None]] = {}
        # what evicted clusters held: one overflow, so that no line is ever in no cluster
        self.overflow = Cluster(0, list(OVERFLOW_TOKENS))
        self._refused = self.params.max_clusters  # lines refused since the last eviction
        self._by_template: dict[tuple[str, ...], Cluster] = {}
        self._siblings: dict[tuple[int, ...], list[Cluster]] = {}
        self._cache: dict[str, Cluster] = {}
        self._ids: dict[str, Cluster] = {}  # live clusters by id: ids unique by construction

    # -- adding lines -----------------------------------------------------------------------

    def add(self, text: str, ts: int | None = None, example: Any = None) -> Cluster:
        return self._add(text, mask(text), ts, example)

    def add_many(self, texts: Sequence[str] | pl.Series,
                 ts: Sequence[int | None] | pl.Series | None = None,
                 examples: Sequence[Any] | None = None) -> list[Cluster]:
        if examples is None:
            return self.add_batch(texts, ts).per_line()
        texts = texts.to_list() if isinstance(texts, pl.Series) else texts
        ts = ts.to_list() if isinstance(ts, pl.Series) else ts
        masked = mask_many(texts)
        stamps = ts if ts is not None else [None] * len(texts)
        add = self._add
        return [add(t, m, s, e) for t, m, s, e in zip(texts, masked, stamps, examples,
                                                       strict=True)]

    def add_batch(self, texts: Sequence[str] | pl.Series,
                  ts: Sequence[int | None] | pl.Series | None = None) -> Placed:
        """The bulk path (mining.batch): each distinct masked line placed once, then counted
        in polars; lines whose cluster was evicted within the batch go to the overflow."""
        batch = Batch.of(*as_series(texts, ts))
        placed = place_batch(batch, self.place_masked, self.lines)
        self.lines += len(batch.texts)
        live = [None if c.evicted else c for c in (p.final() for p in placed)]
        self.evicted_lines += count_batch(batch, live, self.overflow, self.lines)
        if self.params.track_values:
            count_values(batch.texts, batch.line_keys, live, self.params.max_values)
        return Placed(placed, batch.line_keys)

    def place_masked(self, masked: str) -> Cluster:
        """The cluster a masked line belongs to, placing it when new (no counting)."""
        cached = self._cache.get(masked)
        if cached is not None and cached.merged_into is None and not cached.evicted:
            return cached
        return self._lookup(masked, cached)

    def _add(self, text: str, masked: str, ts: int | None, example: Any) -> Cluster:
        # the hot path: most lines hit the cache and only count
        self.lines += 1
        cluster = self._cache.get(masked)
        if cluster is None or cluster.merged_into is not None or cluster.evicted:
            cluster = self._lookup(masked, cluster)
        cluster.last_used = self.lines
        cluster.count += 1
        if ts is not None:
            cluster.span.add(ts)
        if example is not None and len(cluster.examples) < self.params.max_examples:
            cluster.examples.append(example)
        if cluster.extract and self.params.track_values:
            self.note_values(cluster, text)
        return cluster

    def _lookup(self, masked: str, cached: Cluster | None) -> Cluster:
        if cached is not None:
            cached = cached.final()
            if not cached.evicted:
                self._cache[masked] = cached
                return cached
        cluster = self._place(self.tokens(masked))
        if cluster is self.overflow:
            return cluster  # not cached: once there is room, the line gets its template
        if len(self._cache) >= self.params.cache_size:
            self._cache.clear()
        self._cache[masked] = cluster
        return cluster

    def tokens(self, text: str) -> list[str]:
        """Whitespace tokens, cut to max_tokens (the rest is one `<*>`)."""
        tokens = text.split()
        limit = self.params.max_tokens
        if len(tokens) > limit:
            tokens = [*tokens[: limit - 1], WILDCARD]
        return tokens

    def _place(self, tokens: list[str]) -> Cluster:
        """Join the best fitting cluster (generalising it) or start a new one."""
        found = self._best(tokens)
        if found is not None:
            return self._generalise(found, tokens)
        if len(self._clusters) >= self.params.max_clusters:
            # Full: the line goes to the overflow; every max_clusters such lines, the least
            # recently matched clusters make room. Creating and evicting a cluster per line
            # would cost all-distinct input 10x its throughput.
            if self._refused < self.params.max_clusters:
                self._refused += 1
                return self.overflow
            self._refused = 0
            self._evict()
        return self._create(list(tokens))

    def _best(self, tokens: list[str]) -> Cluster | None:
        exact = self._by_template.get(tuple(tokens))
        if exact is not None:
            return exact
        best, best_score = None, self.params.similarity
        for cluster in self._candidates(tokens):
            score = fit(cluster.tokens, tokens)
            if score > best_score or (score == best_score and best is None):
                best, best_score = cluster, score
        return best

    def _candidates(self, tokens: list[str]) -> Iterable[Cluster]:
        """Clusters that may hold the line. A second word that differs is a different
        message (tokens.fit), so a line whose second token is a word looks only where the
        templates have that word or a variable there: one distinct line costs O(1), not a
        pass over every template (all-distinct input). A variable second token may sit under
        any word: the most recent WIDE_SCAN clusters of its length and first word."""
        key = group_key(tokens)
        if key[2] != WILDCARD:
            return itertools.chain(self._groups.get(key, ()),
                                   self._groups.get((key[0], key[1], WILDCARD), ()))
        return itertools.islice(reversed(self._wide.get(key[:2], {})), WIDE_SCAN)

    def _create(self, tokens: list[str]) -> Cluster:
        if len(self._clusters) >= self.params.max_clusters:
            self._evict()
        self._serial += 1
        cluster = Cluster(self._serial, tokens)
        self._clusters[cluster.serial] = cluster
        return self._index(cluster)

    def _evict(self) -> None:
        """Evict the least recently matched sixteenth (one pass per many evictions, not one
        per new template); what they held goes to the overflow cluster."""
        count = max(1, self.params.max_clusters // 16)
        for oldest in heapq.nsmallest(count, self._clusters.values(),
                                      key=lambda c: (c.last_used, c.serial)):
            self._unindex(oldest)
            del self._clusters[oldest.serial]
            oldest.evicted = True
            self.evicted_clusters += 1
            self.evicted_lines += oldest.count
            self.overflow.count += oldest.count
            self.overflow.span.merge(oldest.span)
            for example in oldest.examples[: self.params.max_examples - len(
                    self.overflow.examples)]:
                self.overflow.examples.append(example)

    # -- indexes: by group, by exact template, by "all but one word" --------------------------

    def _index(self, cluster: Cluster) -> Cluster:
        """Index a cluster under its (new) template; returns the cluster that holds it now
        (an older cluster with the same template absorbs it)."""
        twin = self._by_template.get(tuple(cluster.tokens))
        if twin is not None and twin is not cluster:
            older, newer = sorted((twin, cluster), key=lambda c: c.serial)
            if newer is twin:
                self._unindex(twin)
                self._by_template[tuple(cluster.tokens)] = cluster
                self._add_to_groups(cluster)
                self._claim_id(cluster)
                self._index_siblings(cluster)
            self._fold(older, newer)
            return older
        self._by_template[tuple(cluster.tokens)] = cluster
        self._add_to_groups(cluster)
        self._claim_id(cluster)
        return self._index_siblings(cluster)

    def _add_to_groups(self, cluster: Cluster) -> None:
        key = group_key(cluster.tokens)
        self._groups.setdefault(key, {})[cluster] = None
        self._wide.setdefault(key[:2], {})[cluster] = None

    def _claim_id(self, cluster: Cluster) -> None:
        """Its id, unless another live cluster holds it (templates alike but for runs of
        variables): then the next free salt. A cluster keeps its salt while that stays free."""
        for salt in itertools.chain((cluster.salt,), itertools.count()):
            if self._ids.setdefault(template_id(cluster.tokens, salt), cluster) is cluster:
                if salt != cluster.salt:
                    cluster.salt = salt
                    cluster.generation += 1  # a new id: whoever cached the old one asks again
                return

    def _unindex(self, cluster: Cluster) -> None:
        if self._ids.get(cluster.id) is cluster:
            del self._ids[cluster.id]
        key = tuple(cluster.tokens)
        if self._by_template.get(key) is cluster:
            del self._by_template[key]
        group = group_key(cluster.tokens)
        _discard(self._groups, group, cluster)
        _discard(self._wide, group[:2], cluster)
        for sibling_key in cluster.sibling_keys:
            siblings = self._siblings.get(sibling_key)
            if siblings is not None and cluster in siblings:
                siblings.remove(cluster)
                if not siblings:
                    del self._siblings[sibling_key]
        cluster.sibling_keys = []

    def _index_siblings(self, cluster: Cluster) -> Cluster:
        tokens = cluster.tokens
        crowded: list[int] = []
        for i in range(1, len(tokens)):
            if not is_word(tokens[i]) or labels_value(tokens, i):
                continue
            key = (len(tokens), i, hash(tuple(tokens[:i])), hash(tuple(tokens[i + 1:])))
            siblings = self._siblings.setdefault(key, [])
            siblings.append(cluster)
            cluster.sibling_keys.append(key)
            if len(siblings) >= self.params.word_variants:
                crowded.append(i)
        for i in crowded:
            if cluster.merged_into is None:
                cluster = self._generalise_position(cluster, i)
        return cluster

    def _generalise_position(self, cluster: Cluster, position: int) -> Cluster:
        """Enough clusters differ only by the word at `position`: it is a variable."""
        key = (len(cluster.tokens), position, hash(tuple(cluster.tokens[:position])),
               hash(tuple(cluster.tokens[position + 1:])))
        members = sorted(self._siblings.get(key, [cluster]), key=lambda c: c.serial)
        survivor = members[0]
        for member in members:
            self._unindex(member)
            if member.count:
                member.values[position] = {member.tokens[position]: member.count}
            member.tokens[position] = WILDCARD
        for member in members[1:]:
            self._fold(survivor, member)
        survivor.refresh()
        return self._index(survivor)

    def _generalise(self, cluster: Cluster, tokens: Sequence[str]) -> Cluster:
        """Turn the positions where `tokens` differs into `<*>`."""
        changed = [i for i, (mine, theirs) in enumerate(zip(cluster.tokens, tokens, strict=True))
                   if mine != theirs and mine != WILDCARD
                   and generalised(mine, theirs) != mine]
        if not changed:
            return cluster
        self._unindex(cluster)
        for i in changed:
            mine = cluster.tokens[i]
            cluster.tokens[i] = generalised(mine, tokens[i])
            if not is_variable(mine) and cluster.count:
                # a constant so far: every line had it
                cluster.values[i] = {value_of(mine, cluster.tokens[i]): cluster.count}
        cluster.refresh()
        return self._index(cluster)

    def _fold(self, into: Cluster, other: Cluster) -> None:
        """Merge the counts, examples and values of `other` (same template) into `into`."""
        if self._clusters.get(other.serial) is other:
            del self._clusters[other.serial]
        self._count(into, None, None, other.count)
        into.span.merge(other.span)
        into.last_used = max(into.last_used, other.last_used)
        for example in other.examples:
            if len(into.examples) < self.params.max_examples:
                into.examples.append(example)
        for position, counts in other.values.items():
            for value, count in counts.items():
                self.add_value(into, position, value, count)
        for position, count in other.other_values.items():
            into.other_values[position] = into.other_values.get(position, 0) + count
        other.merged_into = into
        self.folds += 1

    def _count(self, cluster: Cluster, ts: int | None, example: Any, weight: int) -> None:
        cluster.count += weight
        cluster.span.add(ts)
        if example is not None and len(cluster.examples) < self.params.max_examples:
            cluster.examples.append(example)

    def note_values(self, cluster: Cluster, text: str) -> None:
        """Count the values this line gives the cluster's variables (cluster.note_values)."""
        note_values(cluster, text, self.params.max_values)

    def add_value(self, cluster: Cluster, position: int, value: str, count: int) -> None:
        add_value(cluster, position, value, count, self.params.max_values)

    # -- results, merging, state ------------------------------------------------------------

    @property
    def live_count(self) -> int:
        """How many clusters are live (not merged into another, not evicted)."""
        return len(self._clusters)

    def clusters(self) -> list[Cluster]:
        """Live clusters, most frequent first (ties: created first)."""
        return sorted(self._clusters.values(), key=lambda c: (-c.count, c.serial))

    def merge(self, other: TemplateMiner) -> None:
        """Fold another miner's clusters into this one, as if its lines had come after ours."""
        merge_miners(self, other)

    def to_state(self) -> dict[str, Any]:
        """Plain data (JSON-able when the examples are) from which `from_state` rebuilds."""
        return miner_state(self)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TemplateMiner:
        """Rebuild a miner from `to_state` data; AnalyzerError when it is not such data."""
        return restore_miner(cls, state)


def _discard(index: dict[Any, dict[Cluster, None]], key: Any, cluster: Cluster) -> None:
    group = index.get(key)
    if group is not None:
        group.pop(cluster, None)
        if not group:
            del index[key]
