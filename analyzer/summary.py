"""Mergeable summaries: a session's state as JSON, and shards' states merged into one report.

`scan … --emit-summary part.json` writes what the session accumulated: per incident its
fingerprint key, count, first/last seen, services, per-minute buckets, samples and clues; the
unclassified template clusters (the miner's state); what the logs said the database has (the
evidence the naming diagnosis uses); the sources' counts and problems. `merge part*.json`
folds them in the order given, as if each part's events came after the previous part's, and
reports like one scan: counts and buckets add, first/last widen, and samples are the first N
in input order (so the first N of the concatenated input: the choice is deterministic).
Diagnosis runs after the merge, on the merged evidence, with the merge's --schema.

What does not cross a shard boundary: an ORM's SQL statement logged at the end of one part
and the error it caused at the start of the next are not linked as context; a template the
miner would have generalised across parts is generalised when the parts' clusters fold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from analyzer.catalog import Catalog
from analyzer.errors import AnalyzerError, InputError
from analyzer.mining import TemplateMiner
from analyzer.model import Problem, SourceStats
from analyzer.rulebook import RuleSet
from analyzer.session import Session
from analyzer.settings import Settings

KIND = "analyzer-summary"
VERSION = 1


def session_state(session: Session) -> dict[str, Any]:
    """The session's state as plain JSON-able data (its open source is closed first)."""
    session.close_source()
    return {
        "kind": KIND, "version": VERSION, "max_samples": session.settings.max_samples,
        "redacted": session.settings.redact,
        "sources": [{"source": s.source, "lines": s.lines, "records": s.records,
                     "unparsed": s.unparsed, "truncated_lines": s.truncated_lines,
                     "formats": dict(s.formats)} for s in session.sources],
        "problems": [{"where": p.where, "message": p.message, "fatal": p.fatal}
                     for p in session.problems],
        "incidents": session.accumulator.to_state(),
        "templates": session.miner.to_state(),
        "evidence": session.evidence.to_state(),
    }


def write_summary(session: Session, path: str) -> None:
    """Write the session's summary (InputError when the file cannot be written)."""
    text = json.dumps(session_state(session), ensure_ascii=False, separators=(",", ":"))
    try:
        Path(path).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot write the summary: {exc.strerror or exc}") from None


def read_summary(path: str) -> dict[str, Any]:
    """One summary file; InputError (one line, naming the file) when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InputError(path, f"not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise InputError(path, "not an analyzer summary (write one with scan --emit-summary)")
    if data.get("version") != VERSION:
        raise InputError(path, f"summary version {data.get('version')!r} is not supported "
                               f"(this analyzer reads version {VERSION})")
    return data


def merge_summaries(paths: Sequence[str], ruleset: RuleSet, settings: Settings,
                    catalog: Catalog | None = None) -> Session:
    """A session holding every summary folded in order, ready for `report()`. The samples
    kept are the first parts' max_samples (the number the scans used)."""
    states = [(path, read_summary(path)) for path in paths]
    if not states:
        raise AnalyzerError("merge: no summary files given")
    max_samples = int(states[0][1].get("max_samples", settings.max_samples))
    session = Session(ruleset, replace(settings, max_samples=max_samples), catalog)
    miner: TemplateMiner | None = None
    for path, state in states:
        try:
            _fold(session, state)
            part = TemplateMiner.from_state(state["templates"])
        except KeyError as exc:
            raise InputError(path, f"refers to rule or key {exc} that is not loaded (merge "
                                   "with the --rules the scans used)") from None
        except (TypeError, ValueError, AttributeError, AnalyzerError) as exc:
            raise InputError(path, f"invalid summary data ({exc})") from None
        if miner is None:
            miner = part
        else:
            miner.merge(part)
    assert miner is not None
    session.miner = miner
    return session


def _fold(session: Session, state: dict[str, Any]) -> None:
    session.accumulator.merge_state(state["incidents"])
    session.evidence.merge_state(state["evidence"])
    for data in state["sources"]:
        session.sources.append(SourceStats(
            str(data["source"]), int(data["lines"]), int(data["records"]),
            int(data["unparsed"]), int(data["truncated_lines"]),
            {str(k): int(v) for k, v in data["formats"].items()}))
    for data in state["problems"]:
        session.add_problem(Problem(str(data["where"]), str(data["message"]),
                                    bool(data["fatal"])))
