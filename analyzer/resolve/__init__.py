"""Entity resolution stage: Matches (+ the SQL the ORM logged around them, + the Catalog) ->
Matches whose captures name the real table and column, before they become incidents.

A ContextWindow per source keeps the statements an ORM logged near each error; the Resolver
turns aliases (`r.reportId`, a TypeORM join alias) into tables and records how; LogEvidence
collects every table and column the logs themselves prove exist, for the diagnosis later.
"""

from analyzer.resolve.context import ContextWindow
from analyzer.resolve.entities import Resolver
from analyzer.resolve.evidence import LogEvidence

__all__ = ["ContextWindow", "LogEvidence", "Resolver"]
