"""A cluster of the template miner: its template tokens and what it counted. Plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from analyzer.mining.masks import is_variable
from analyzer.mining.tokens import template_id
from analyzer.model import Span

# The overflow cluster's template: lines no template took because the store was full, and the
# lines of evicted templates (not a placeholder: it has no values).
OVERFLOW_TOKENS = ("<overflow>",)


@dataclass(slots=True, eq=False)
class Cluster:
    serial: int
    tokens: list[str]
    count: int = 0
    span: Span = field(default_factory=Span)
    examples: list[Any] = field(default_factory=list)
    values: dict[int, dict[str, int]] = field(default_factory=dict)
    other_values: dict[int, int] = field(default_factory=dict)
    merged_into: Cluster | None = None
    evicted: bool = False
    sibling_keys: list[tuple[int, ...]] = field(default_factory=list)
    last_used: int = 0
    salt: int = 0  # set by the miner so that no two live clusters share an id
    # per variable position: (position, length of the constant text before and after it)
    extract: list[tuple[int, int, int]] = field(default_factory=list)
    generation: int = 0  # bumped whenever the template's tokens change (its id may change)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute what depends on the template's tokens."""
        self.generation += 1
        self.extract = []
        for i, token in enumerate(self.tokens):
            if is_variable(token):
                start, end = token.find("<"), token.rfind(">")
                self.extract.append((i, start, len(token) - end - 1))
                self.values.setdefault(i, {})

    @property
    def first_seen(self) -> int | None:
        return self.span.first

    @property
    def last_seen(self) -> int | None:
        return self.span.last

    @property
    def template(self) -> str:
        return " ".join(self.tokens)

    @property
    def id(self) -> str:
        return template_id(self.tokens, self.salt)

    def final(self) -> Cluster:
        """The cluster this one was merged into (itself when never merged)."""
        cluster = self
        while cluster.merged_into is not None:
            cluster = cluster.merged_into
        return cluster

    def top_values(self, position: int, limit: int = 5) -> list[tuple[str, int]]:
        counts = self.values.get(position, {})
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def note_values(cluster: Cluster, text: str, cap: int) -> None:
    """Count the values this line gives the cluster's variables (at most `cap` distinct per
    variable; the rest are counted as other values)."""
    raw = text.split()
    if len(raw) != len(cluster.tokens):
        return  # an over-long line, cut to max_tokens: its tail has no one value
    values = cluster.values
    for i, before, after in cluster.extract:
        token = raw[i]
        value = token[before: len(token) - after] if before + after < len(token) else token
        counts = values[i]
        seen = counts.get(value)
        if seen is not None:
            counts[value] = seen + 1
        elif len(counts) < cap:
            counts[value] = 1
        else:
            cluster.other_values[i] = cluster.other_values.get(i, 0) + 1


def add_value(cluster: Cluster, position: int, value: str, count: int, cap: int) -> None:
    counts = cluster.values.setdefault(position, {})
    if value in counts or len(counts) < cap:
        counts[value] = counts.get(value, 0) + count
    else:
        cluster.other_values[position] = cluster.other_values.get(position, 0) + count


def detached(cluster: Cluster) -> Cluster:
    return Cluster(0, list(cluster.tokens), cluster.count,
                   Span(cluster.span.first, cluster.span.last), list(cluster.examples),
                   {p: dict(v) for p, v in cluster.values.items()},
                   dict(cluster.other_values))


def cluster_state(cluster: Cluster) -> dict[str, Any]:
    return {
        "tokens": list(cluster.tokens), "salt": cluster.salt, "count": cluster.count,
        "first_seen": cluster.first_seen, "last_seen": cluster.last_seen,
        "examples": list(cluster.examples),
        "values": {str(p): dict(v) for p, v in cluster.values.items()},
        "other_values": {str(p): n for p, n in cluster.other_values.items()},
    }


class Assignment(NamedTuple):
    """The cluster one record joined (`templates --per-line`): where the record is, and it."""

    source: str
    lineno: int
    cluster: Cluster
