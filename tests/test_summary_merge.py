"""Mergeable summaries: a log split into parts at any event boundaries, each part scanned
apart (`scan --emit-summary`), and the summaries merged (`analyzer merge`) give what one scan
of the whole log gives: the same ids, counts, first/last seen, per-minute buckets, samples,
services, entities, diagnoses and root causes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.catalog import load_catalog
from analyzer.pipeline import analysis_session
from analyzer.report.jsonout import report_dict
from analyzer.rulebook import load_rules
from analyzer.settings import Settings
from analyzer.summary import merge_summaries, session_state
from tests.conftest import SAMPLES, SEED_SCHEMA
from tests.engine_support import all_records

LOGS = [SAMPLES / "seed" / "render.log", SAMPLES / "postgres" / "stderr-supabase.log",
        SAMPLES / "app" / "pino.jsonl"]
SETTINGS = Settings(schemas=(str(SEED_SCHEMA),))
RULES = load_rules([], builtin=True)
CATALOG = load_catalog([str(SEED_SCHEMA)])


def _events(log: Path) -> tuple[list[str], list[int]]:
    """The log's lines and the line indexes between events: where an event starts and no
    event spans (PostgreSQL joins an ERROR and its STATEMENT across other sessions' lines)."""
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    records = all_records(log)
    inside = {i for r in records for i in range(r.lineno, max(r.end_lineno, r.lineno))}
    return lines, sorted({r.lineno - 1 for r in records} - inside)


EVENTS = {log: _events(log) for log in LOGS}


def _view(report: dict) -> dict:
    """Everything but where a sample or a piece of evidence was read (file and line)."""
    view = {}
    for incident in report["incidents"]:
        item = {k: v for k, v in incident.items() if k not in ("samples", "diagnosis")}
        item["samples"] = [(s["ts"], s["message"]) for s in incident["samples"]]
        diagnosis = incident["diagnosis"]
        item["diagnosis"] = diagnosis and {k: v for k, v in diagnosis.items() if k != "evidence"}
        view[incident["id"]] = item
    causes = [{k: v for k, v in c.items() if k != "evidence"} for c in report["root_causes"]]
    return {"incidents": view, "order": list(view), "root_causes": causes}


def _counted(report: dict) -> dict:
    """Per incident what the summary carries: id, rule, count, first/last, services,
    entities, severity, samples (time and text), and the diagnosis kind."""
    return {i["id"]: (i["rule"], i["count"], i["first_seen"], i["last_seen"], i["services"],
                      i["entities"], i["severity"], [(s["ts"], s["message"]) for s in i["samples"]],
                      (i["diagnosis"] or {}).get("kind"))
            for i in report["incidents"]}


def _scan(paths: list[str]):
    return analysis_session(paths, SETTINGS, ruleset=RULES, catalog=CATALOG)


def _merged(parts: list[Path], tmp: Path):
    names = []
    for i, part in enumerate(parts):
        name = tmp / f"part{i}.json"
        name.write_text(json.dumps(session_state(_scan([str(part)]))), encoding="utf-8")
        names.append(str(name))
    return merge_summaries(names, RULES, SETTINGS, CATALOG)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_split_scanned_apart_and_merged_equals_one_scan(data, tmp_path_factory):
    log = data.draw(st.sampled_from(LOGS), label="log")
    lines, starts = EVENTS[log]
    cuts = sorted(data.draw(st.sets(st.sampled_from(starts[1:]), min_size=1, max_size=5),
                            label="cuts"))
    tmp = tmp_path_factory.mktemp("split")
    bounds = [0, *cuts, len(lines)]
    parts = []
    for i, (start, end) in enumerate(itertools.pairwise(bounds)):
        part = tmp / f"{i}{''.join(log.suffixes)}"
        part.write_text("".join(lines[start:end]), encoding="utf-8")
        parts.append(part)
    whole, together = _scan([str(log)]), _scan([str(p) for p in parts])
    merged = _merged(parts, tmp)
    assert merged.accumulator.timelines() == whole.accumulator.timelines()
    one, apart = report_dict(whole.report()), report_dict(merged.report())
    # what the summary accumulates is exactly what one scan of the whole log has
    assert _counted(apart) == _counted(one)
    assert apart["input"]["records"] == one["input"]["records"]
    assert apart["input"]["lines"] == one["input"]["lines"]
    # and everything, down to the diagnosis and its evidence, is what one run over the parts
    # gives (an ORM's SQL logged in one part is context for that part only, as for any file)
    assert apart == report_dict(together.report())


def test_cli_emit_summary_and_merge(cli, tmp_path):
    lines, starts = EVENTS[SAMPLES / "seed" / "render.log"]
    cut = starts[len(starts) // 2]
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_text("".join(lines[:cut]), encoding="utf-8")
    second.write_text("".join(lines[cut:]), encoding="utf-8")
    for part in (first, second):
        result = cli("scan", str(part), "-f", "json", "--emit-summary", f"{part}.json")
        assert result.exit_code == 0, result.stderr
    merged = cli("merge", f"{first}.json", f"{second}.json", "-f", "json",
                 "--schema", str(SEED_SCHEMA))
    whole = cli("scan", str(SAMPLES / "seed" / "render.log"), "-f", "json",
                "--schema", str(SEED_SCHEMA))
    assert merged.exit_code == whole.exit_code == 0, merged.stderr
    assert _counted(json.loads(merged.stdout)) == _counted(json.loads(whole.stdout))
    assert json.loads(merged.stdout)["input"]["sources"] == [str(first), str(second)]


def test_bad_summaries_are_one_line_errors(cli, tmp_path):
    junk, other, old = tmp_path / "junk.json", tmp_path / "other.json", tmp_path / "old.json"
    junk.write_text("{not json", encoding="utf-8")
    other.write_text('{"incidents": []}', encoding="utf-8")
    old.write_text('{"kind": "analyzer-summary", "version": 99}', encoding="utf-8")
    for path, wanted in ((junk, "not JSON"), (other, "not an analyzer summary"),
                         (old, "summary version 99"), (tmp_path / "missing.json", "cannot read")):
        result = cli("merge", str(path))
        assert result.exit_code == 2
        assert f"{path}: {wanted}" in result.stderr and "Traceback" not in result.stderr


def test_a_summary_naming_a_rule_not_loaded_says_so(cli, tmp_path):
    part = tmp_path / "part.json"
    result = cli("scan", str(SAMPLES / "seed" / "render.log"), "--emit-summary", str(part),
                 "-f", "json")
    assert result.exit_code == 0
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "one.yaml").write_text((SAMPLES / "rules" / "acme.yaml").read_text())
    result = cli("merge", str(part), "--no-builtin-rules", "--rules", str(rules))
    assert result.exit_code == 2
    assert "is not loaded" in result.stderr and "Traceback" not in result.stderr


def test_a_summary_that_cannot_be_written_is_one_line(cli, tmp_path):
    result = cli("scan", str(SAMPLES / "seed" / "render.log"), "-f", "json",
                 "--emit-summary", str(tmp_path / "no-such-dir" / "part.json"))
    assert result.exit_code == 2
    assert "cannot write the summary" in result.stderr and "Traceback" not in result.stderr
