"""Every sample log is a test: beside `x.log` an `x.expect.yaml` says what must be found; a
sample without one must produce no incident (clean logs stay silent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analyzer.pipeline import analyze
from analyzer.report.jsonout import report_dict
from analyzer.settings import Settings
from tests.conftest import SAMPLES

LOG_SUFFIXES = (".log", ".json", ".jsonl", ".csv", ".txt", ".yaml.log", ".gz", ".md")


def sample_logs() -> list[Path]:
    found = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_file() and path.name.endswith(LOG_SUFFIXES) \
                and not path.name.endswith(".expect.yaml") and "rules" not in path.parts:
            found.append(path)
    return found


def expectation_for(log: Path) -> dict | None:
    stem = log.name.split(".")[0]
    sidecar = log.with_name(stem + ".expect.yaml")
    return yaml.safe_load(sidecar.read_text()) if sidecar.exists() else None


def _key(incident: dict) -> tuple:
    return incident["rule"], tuple(sorted(incident["entities"].items()))


@pytest.mark.parametrize("log", sample_logs(), ids=lambda p: str(p.relative_to(SAMPLES)))
def test_sample_matches_its_expectation(log: Path):
    expected = expectation_for(log) or {"incidents": []}
    schemas = tuple(str(log.parent / s) for s in expected.get("schema", []))
    result = report_dict(analyze([str(log)], Settings(schemas=schemas)))
    for key, value in (expected.get("input") or {}).items():
        assert result["input"][key] == value, f"input.{key}"
    actual = {_key(i): i for i in result["incidents"]}
    wanted = {(e["rule"], tuple(sorted(e["entities"].items()))): e
              for e in expected["incidents"]}
    assert sorted(actual) == sorted(wanted), "incidents differ from the expectation"
    for key, expect in wanted.items():
        got = actual[key]
        for field in ("count", "first_seen", "last_seen", "severity"):
            if field in expect:
                assert got[field] == expect[field], f"{key}: {field}"
        if "diagnosis" in expect:
            if expect["diagnosis"] is None:
                assert got["diagnosis"] is None, f"{key}: unexpected diagnosis"
            else:
                assert got["diagnosis"] is not None, f"{key}: no diagnosis"
                for field, value in expect["diagnosis"].items():
                    assert got["diagnosis"][field] == value, f"{key}: diagnosis.{field}"
