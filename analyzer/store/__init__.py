"""Store stage: the state of scheduled reports (incident history in SQLite) and the status
rules over it. `sqlite.StateStore` is the database; `history` holds the pure rules."""

from __future__ import annotations

from analyzer.store.codec import incident_from_json, incident_to_json
from analyzer.store.history import (
    STATUSES,
    FailOn,
    History,
    RunInfo,
    RunResult,
    classify,
    parse_fail_on,
)
from analyzer.store.sqlite import StateError, StateStore, default_state_path, now_ns

__all__ = ["STATUSES", "FailOn", "History", "RunInfo", "RunResult", "StateError",
           "StateStore", "classify", "default_state_path", "incident_from_json",
           "incident_to_json", "now_ns", "parse_fail_on"]
