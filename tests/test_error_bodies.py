import json

import pytest

from analyzer.pipeline import analyze
from analyzer.report.jsonout import report_dict
from analyzer.settings import Settings


def _incidents(path):
    return report_dict(analyze([str(path)], Settings()))["incidents"]


@pytest.mark.parametrize("body", [
    # PostgREST's body as supabase-js prints JSON.stringify(error): no level, a code no rule has
    {"code": "XY123", "details": None, "hint": None, "message": "the queue is wedged"},
    {"code": "42P05", "message": 'prepared statement "s0" already exists'},
    {"error": {"code": "PGRST999", "message": "an error PostgREST has not got yet",
               "details": "x"}},
])
def test_a_json_error_body_without_a_level_never_vanishes(tmp_path, body):
    path = tmp_path / "app.jsonl"
    healthy = json.dumps({"msg": "request completed", "status": 200})
    path.write_text("\n".join([healthy, json.dumps(body), healthy]) + "\n")
    found = _incidents(path)
    assert len(found) == 1 and found[0]["count"] == 1
    assert found[0]["rule"] == "unclassified" or found[0]["rule"].startswith("postgres")


@pytest.mark.parametrize("body", [
    {"code": "00000", "message": "checkpoint complete", "details": None},
    {"msg": "request completed", "code": 200},
    {"message": "user signed in", "hint": None},
])
def test_bodies_that_say_no_error_stay_silent(tmp_path, body):
    path = tmp_path / "app.jsonl"
    path.write_text(json.dumps(body) + "\n")
    assert _incidents(path) == []
