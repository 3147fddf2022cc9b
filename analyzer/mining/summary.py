"""Mined templates as plain rows for reports: `analyzer templates` (any log, errors or not)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from analyzer.mining.miner import Cluster, TemplateMiner
from analyzer.mining.unclassified import variable_names

EXAMPLE_VALUES = 3


@dataclass(frozen=True, slots=True)
class TemplateRow:
    id: str
    template: str
    count: int
    first_seen: int | None
    last_seen: int | None
    values: dict[str, list[tuple[str, int]]]  # variable name -> top values with counts


def template_row(cluster: Cluster, redact: Callable[[str], str]) -> TemplateRow:
    values = {}
    for position, name in variable_names(cluster.tokens).items():
        top = cluster.top_values(position, EXAMPLE_VALUES)
        if top:
            values[name] = [(redact(value), count) for value, count in top]
    return TemplateRow(cluster.id, redact(cluster.template), cluster.count, cluster.first_seen,
                       cluster.last_seen, values)


def template_rows(miner: TemplateMiner, redact: Callable[[str], str],
                  limit: int | None = None) -> list[TemplateRow]:
    """The templates, most frequent first."""
    clusters = miner.clusters()
    if limit is not None:
        clusters = clusters[:limit]
    return [template_row(cluster, redact) for cluster in clusters]
