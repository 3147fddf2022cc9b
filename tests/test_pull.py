"""`analyzer pull` against local HTTP servers that replay the documented API shapes (there is
no network here): Supabase's Management API logs endpoint (SQL per source, `{"result": [...]}`)
and Render's logs API (`hasMore` / `nextStartTime` / `nextEndTime` time pages)."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from analyzer.pull import ApiClient, PullError, pull_render, pull_supabase
from tests.conftest import ROOT

KEY = "sbp_test_key_0123456789"
NOW = datetime.now(UTC)


def micros(dt: datetime) -> int:
    return int(dt.timestamp() * 1_000_000)


def postgres_row(i: int, at: datetime) -> dict:
    return {"id": f"pg-{i}", "timestamp": micros(at),
            "event_message": 'column "createdAt" does not exist',
            "metadata": [{"parsed": [{"error_severity": "ERROR", "sql_state_code": "42703"}]}]}


class FakeApis(http.server.BaseHTTPRequestHandler):
    rows: ClassVar[dict[str, list[dict]]] = {}
    render_pages: ClassVar[list[dict]] = []
    requests: ClassVar[list[tuple[str, dict]]] = []
    throttle_first = True

    def do_GET(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        type(self).requests.append((parts.path, query))
        if self.headers.get("Authorization") != f"Bearer {KEY}":
            return self.reply(401, {"message": "Unauthorized"})
        if type(self).throttle_first:
            type(self).throttle_first = False
            return self.reply(429, {"message": "Too many requests"}, {"Retry-After": "0"})
        if parts.path.endswith("/analytics/endpoints/logs.all"):
            return self.reply(200, self.logs_all(query["sql"][0]))
        if parts.path == "/v1/services/srv-d0abc":
            return self.reply(200, {"id": "srv-d0abc", "ownerId": "tea-owner1"})
        if parts.path == "/v1/logs":
            start = query["startTime"][0]
            page = next(p for p in type(self).render_pages if p["_start"] in (start, "*"))
            return self.reply(200, {k: v for k, v in page.items() if not k.startswith("_")})
        return self.reply(404, {"message": "not found"})

    def logs_all(self, sql: str) -> dict:
        source = re.search(r"from (\w+)", sql).group(1)
        after, before = re.findall(r"'([^']+)'", sql)
        limit = int(re.search(r"limit (\d+)", sql).group(1))
        offset = int(re.search(r"offset (\d+)", sql).group(1))

        def ts(text):
            return micros(datetime.fromisoformat(text.replace("Z", "+00:00")))
        rows = sorted((r for r in type(self).rows.get(source, [])
                       if ts(after) <= r["timestamp"] < ts(before)),
                      key=lambda r: r["timestamp"])
        return {"result": rows[offset:offset + limit], "error": None}

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def apis():
    FakeApis.requests, FakeApis.throttle_first = [], True
    at = NOW - timedelta(minutes=90)
    # three rows share one timestamp across a page boundary: deduplicated by id, none lost
    FakeApis.rows = {"postgres_logs": [postgres_row(i, at + timedelta(seconds=i // 3 * 30))
                                       for i in range(9)]}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeApis)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_supabase_pages_by_timestamp_and_waits_out_the_rate_limit(apis):
    client = ApiClient(apis, KEY, sleep=lambda s: None)
    start = int((NOW - timedelta(hours=2)).timestamp() * 1e9)
    rows = list(pull_supabase(client, "abcdefghijklmnop", start, time.time_ns(),
                              sources=("postgres_logs",), page_rows=2))
    assert [r["id"] for r in rows] == [f"pg-{i}" for i in range(9)]
    assert all(r["source"] == "postgres_logs" for r in rows)
    assert client.requests > 5  # paged, plus the 429 retried
    sql = FakeApis.requests[-1][1]["sql"][0]
    assert sql.startswith("select id, timestamp, event_message, metadata from postgres_logs")


def test_supabase_errors_name_the_endpoint(apis):
    with pytest.raises(PullError, match="HTTP 401"):
        list(pull_supabase(ApiClient(apis, "wrong", sleep=lambda s: None), "abc", 0, 10**9,
                           sources=("postgres_logs",)))


def test_pull_supabase_piped_into_scan_finds_the_incident(apis):
    env = {"SUPABASE_ACCESS_TOKEN": KEY, "PATH": "/usr/bin:/bin"}
    pull = subprocess.run(
        [sys.executable, "-m", "analyzer", "pull", "supabase", "--project-ref", "abcdefgh",
         "--since", "2h", "--source", "postgres_logs", "--api", apis],
        capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert pull.returncode == 0, pull.stderr
    assert b"pulled 9 log row(s)" in pull.stderr
    scan = subprocess.run([sys.executable, "-m", "analyzer", "scan", "-", "--format", "json"],
                          input=pull.stdout, capture_output=True, cwd=ROOT, timeout=120)
    report = json.loads(scan.stdout)
    assert report["input"]["formats"] == {"supabase_json": 9}
    assert [(i["rule"], i["count"]) for i in report["incidents"]] == [
        ("postgres.undefined_column", 9)]


def render_log(i: int) -> dict:
    return {"id": f"log-{i}", "message": 'ERROR:  relation "render_pulled" does not exist',
            "timestamp": (NOW - timedelta(minutes=30 - i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "labels": [{"name": "resource", "value": "srv-d0abc"},
                       {"name": "instance", "value": "srv-d0abc-x7k2p"},
                       {"name": "level", "value": "error"}]}


def test_render_follows_next_start_and_end_until_has_more_is_false(apis):
    start, end = NOW - timedelta(hours=1), NOW
    iso = "%Y-%m-%dT%H:%M:%S.%fZ"
    middle = (NOW - timedelta(minutes=20)).strftime(iso)
    FakeApis.render_pages = [
        {"_start": start.strftime(iso), "hasMore": True, "nextStartTime": middle,
         "nextEndTime": end.strftime(iso), "logs": [render_log(0), render_log(1)]},
        {"_start": middle, "hasMore": False, "logs": [render_log(2)]}]
    client = ApiClient(apis, KEY, sleep=lambda s: None)
    logs = list(pull_render(client, ["srv-d0abc"], int(start.timestamp() * 1e9),
                            int(end.timestamp() * 1e9)))
    assert [log["id"] for log in logs] == ["log-0", "log-1", "log-2"]
    asked = [q for path, q in FakeApis.requests if path == "/v1/logs"]
    assert asked[0]["ownerId"] == ["tea-owner1"] and asked[0]["resource"] == ["srv-d0abc"]
    assert asked[0]["direction"] == ["forward"]


def test_pull_render_cli_writes_json_lines_scan_reads(apis, tmp_path):
    FakeApis.throttle_first = False
    # the command computes the window start itself: this page answers any start
    FakeApis.render_pages = [{"_start": "*", "hasMore": False, "logs": [render_log(0)]}]
    out = tmp_path / "render.jsonl"
    pull = subprocess.run(
        [sys.executable, "-m", "analyzer", "pull", "render", "--resource", "srv-d0abc",
         "--owner", "tea-owner1", "--since", "1h", "--api", apis, "--out", str(out)],
        capture_output=True, env={"RENDER_API_KEY": KEY, "PATH": "/usr/bin:/bin"},
        cwd=ROOT, timeout=120)
    assert pull.returncode == 0, pull.stderr
    scan = subprocess.run([sys.executable, "-m", "analyzer", "scan", str(out), "--format",
                           "json"], capture_output=True, cwd=ROOT, timeout=120)
    report = json.loads(scan.stdout)
    assert report["input"]["formats"] == {"render_json": 1}
    assert report["incidents"][0]["entities"]["table"] == "render_pulled"


def test_pull_without_a_key_is_a_one_line_error():
    result = subprocess.run([sys.executable, "-m", "analyzer", "pull", "render", "--resource",
                             "srv-x"], capture_output=True, env={"PATH": "/usr/bin:/bin"},
                            cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (
        "analyzer: error: pull: set $RENDER_API_KEY to an API key")


@pytest.mark.parametrize("flags", [[], ["--no-redact"], ["--redact-emails"]])
def test_pulled_rows_have_their_secrets_redacted_unless_no_redact(apis, flags):
    FakeApis.throttle_first = False
    secret = "postgresql://app:hunter2secret@db.example.com/app"
    row = postgres_row(0, NOW - timedelta(minutes=5))
    row["event_message"] = f"connection to {secret} failed for ops@example.com"
    row["metadata"][0]["parsed"][0]["query"] = "ALTER ROLE app PASSWORD 'hunter2secret'"
    FakeApis.rows = {"postgres_logs": [row]}
    pull = subprocess.run(
        [sys.executable, "-m", "analyzer", "pull", "supabase", "--project-ref", "abcdefgh",
         "--since", "1h", "--source", "postgres_logs", "--api", apis, *flags],
        capture_output=True, env={"SUPABASE_ACCESS_TOKEN": KEY, "PATH": "/usr/bin:/bin"},
        cwd=ROOT, timeout=120)
    assert pull.returncode == 0, pull.stderr
    [written] = [json.loads(line) for line in pull.stdout.splitlines()]
    parsed = written["metadata"][0]["parsed"][0]
    if flags == ["--no-redact"]:
        assert written["event_message"] == row["event_message"]
        assert parsed["query"] == row["metadata"][0]["parsed"][0]["query"]
        return
    assert "hunter2secret" not in pull.stdout.decode()
    assert written["event_message"].startswith("connection to postgresql://app:***@db.")
    assert parsed["query"] == "ALTER ROLE app PASSWORD '***'"
    assert parsed["sql_state_code"] == "42703" and written["id"] == "pg-0"  # the rest as sent
    assert ("ops@example.com" in written["event_message"]) == (flags == [])
