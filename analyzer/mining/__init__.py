"""Template mining stage: records no rule matched -> templates -> `unclassified` incidents.

masks.py types the variables of a line, miner.py groups lines into templates online
(TemplateMiner: I/O-free, mergeable, serialisable).
"""

from __future__ import annotations

from collections.abc import Iterable

from analyzer.mining.masks import head_line, mask, mask_many
from analyzer.mining.miner import Cluster, MinerParams, TemplateMiner
from analyzer.mining.tokens import template_id


def mine(lines: Iterable[str], params: MinerParams | None = None) -> TemplateMiner:
    """A miner fed with `lines` (a convenience for tests and scripts)."""
    miner = TemplateMiner(params)
    for line in lines:
        miner.add(line)
    return miner


__all__ = ["Cluster", "MinerParams", "TemplateMiner", "head_line", "mask", "mask_many", "mine",
           "template_id"]
