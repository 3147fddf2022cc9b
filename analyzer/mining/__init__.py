"""Template mining stage: records no rule matched -> templates -> `unclassified` incidents.

masks.py types the variables of a line, miner.py groups lines into templates online
(TemplateMiner: I/O-free, mergeable, serialisable).
"""

from __future__ import annotations

from analyzer.mining.masks import head_line, mask, mask_many
from analyzer.mining.miner import Cluster, MinerParams, TemplateMiner, mine
from analyzer.mining.tokens import template_id

__all__ = ["Cluster", "MinerParams", "TemplateMiner", "head_line", "mask", "mask_many", "mine",
           "template_id"]
