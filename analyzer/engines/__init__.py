"""Engines: the rule pack run where the logs already live (DuckDB, ClickHouse, BigQuery).

`compile` turns a RuleSet into SQL per dialect (`rules sql`, and the candidate query of an
engine scan); `connect` opens an engine source named by a URL; `reader` streams the candidate
rows back as Records for the Session. Only this package imports the optional engine drivers
(duckdb, chdb, clickhouse-connect, pyarrow), each on first use; and this package imports its
own modules on the first use of one of their names (a scan of files never loads the SQL
compiler: `import analyzer.engines` costs nothing).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the module of this package that defines it
_HOMES = {
    "ERROR_LEVELS": "compile", "Columns": "compile", "Prefilter": "compile",
    "RulePlan": "compile", "candidate_query": "compile", "dialect": "compile",
    "plan_rule": "compile", "rule_codes": "compile", "rules_query": "compile",
    "SCHEMES": "connect", "is_engine_url": "connect", "open_engine": "connect",
    "DIALECTS": "dialects",
    "Transfer": "reader", "read_engine": "reader",
    "engine_records": "scan", "scan_prefilter": "scan",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from analyzer.engines.compile import (
        ERROR_LEVELS,
        Columns,
        Prefilter,
        RulePlan,
        candidate_query,
        dialect,
        plan_rule,
        rule_codes,
        rules_query,
    )
    from analyzer.engines.connect import SCHEMES, is_engine_url, open_engine
    from analyzer.engines.dialects import DIALECTS
    from analyzer.engines.reader import Transfer, read_engine
    from analyzer.engines.scan import engine_records, scan_prefilter

__all__ = ["DIALECTS", "ERROR_LEVELS", "SCHEMES", "Columns", "Prefilter", "RulePlan", "Transfer",
           "candidate_query", "dialect", "engine_records", "is_engine_url", "open_engine",
           "plan_rule", "read_engine", "rule_codes", "rules_query", "scan_prefilter"]
