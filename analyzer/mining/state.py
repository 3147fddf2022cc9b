"""The miner's state as plain data (JSON-able when the examples are), and back; merging
another miner's state in."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from analyzer.errors import AnalyzerError
from analyzer.mining.cluster import Cluster, cluster_state, detached
from analyzer.mining.masks import is_variable
from analyzer.mining.tokens import value_of
from analyzer.model import Span

if TYPE_CHECKING:
    from analyzer.mining.miner import TemplateMiner

STATE_VERSION = 1


def miner_state(miner: TemplateMiner) -> dict[str, Any]:
    return {
        "version": STATE_VERSION, "params": asdict(miner.params), "lines": miner.lines,
        "evicted_clusters": miner.evicted_clusters, "evicted_lines": miner.evicted_lines,
        "clusters": [cluster_state(c) for c in miner._clusters.values()],
        "overflow": cluster_state(miner.overflow),
    }


def merge_miners(miner: TemplateMiner, other: TemplateMiner) -> None:
    """Fold `other`'s clusters (and overflow) into `miner`, as if its lines came after."""
    miner.lines += other.lines
    miner.evicted_clusters += other.evicted_clusters
    miner.evicted_lines += other.evicted_lines
    miner.overflow.count += other.overflow.count
    miner.overflow.span.merge(other.overflow.span)
    for example in other.overflow.examples:
        if len(miner.overflow.examples) < miner.params.max_examples:
            miner.overflow.examples.append(example)
    for theirs in sorted(other._clusters.values(), key=lambda c: c.serial):
        _absorb(miner, theirs)


def _absorb(miner: TemplateMiner, theirs: Cluster) -> None:
    """Take one cluster of another miner: joined to the best fitting one, or added."""
    incoming = detached(theirs)
    found = miner._best(theirs.tokens)
    if found is None:
        miner._serial += 1
        incoming.serial = miner._serial
        if len(miner._clusters) >= miner.params.max_clusters:
            miner._evict()
        miner._clusters[incoming.serial] = incoming
        miner._index(incoming)
        return
    target = miner._generalise(found, theirs.tokens)
    for i, token in enumerate(theirs.tokens):
        if is_variable(target.tokens[i]) and not is_variable(token) and theirs.count:
            incoming.values[i] = {value_of(token, target.tokens[i]): theirs.count}
    miner._fold(target, incoming)


def restore_miner(cls: type[TemplateMiner], state: dict[str, Any]) -> TemplateMiner:
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        version = state.get("version") if isinstance(state, dict) else None
        raise AnalyzerError(f"miner state: unsupported version {version!r}")
    try:
        return _rebuild(cls, state)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AnalyzerError(f"miner state: invalid data ({exc!r})") from None


def _cluster(serial: int, data: dict[str, Any]) -> Cluster:
    return Cluster(serial, list(data["tokens"]), data["count"],
                   Span(data["first_seen"], data["last_seen"]), list(data["examples"]),
                   {int(p): dict(v) for p, v in data["values"].items()},
                   {int(p): n for p, n in data["other_values"].items()},
                   salt=data.get("salt", 0))


def _rebuild(cls: type[TemplateMiner], state: dict[str, Any]) -> TemplateMiner:
    from analyzer.mining.miner import MinerParams  # the miner imports this module

    miner = cls(MinerParams(**state["params"]))
    miner.lines = state["lines"]
    miner.evicted_clusters = state["evicted_clusters"]
    miner.evicted_lines = state["evicted_lines"]
    if "overflow" in state:
        miner.overflow = _cluster(0, state["overflow"])
    for data in state["clusters"]:
        miner._serial += 1
        cluster = _cluster(miner._serial, data)
        miner._clusters[cluster.serial] = cluster
        miner._index(cluster)
    return miner
