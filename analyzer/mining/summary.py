"""Mined templates as plain rows for reports: `analyzer templates` (any log, errors or not).

Past the template store's limit, events no template kept are in the overflow cluster: it is a
row of its own (`overflow`), so that every event is in exactly one row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from analyzer.mining.miner import Cluster, TemplateMiner
from analyzer.mining.unclassified import overflow_problem, variable_names

EXAMPLE_VALUES = 3


@dataclass(frozen=True, slots=True)
class TemplateRow:
    id: str
    template: str
    count: int
    first_seen: int | None
    last_seen: int | None
    values: dict[str, list[tuple[str, int]]]  # variable name -> top values with counts
    overflow: bool = False  # the events of templates the store could not keep


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
    """The templates, most frequent first (`limit`: the first ones), then the overflow row
    when the store overflowed (it is no template, so `limit` never drops it)."""
    clusters = miner.clusters()
    if limit is not None:
        clusters = clusters[:limit]
    rows = [template_row(cluster, redact) for cluster in clusters]
    overflow = miner.overflow
    if overflow.count:
        rows.append(TemplateRow(overflow.id, overflow.template, overflow.count,
                                overflow.first_seen, overflow.last_seen, {}, overflow=True))
    return rows


def overflow_note(miner: TemplateMiner) -> str | None:
    """What `problems` says when the store overflowed: how many events are in its row."""
    return overflow_problem(miner, f"are in the overflow row {miner.overflow.id}",
                            "distinct templates")
