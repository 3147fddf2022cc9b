"""`analyzer serve` as a real process on loopback: syslog over TCP and TLS, Supabase drain
batches (plain and gzip), NDJSON and Render JSON over HTTP; incidents, statuses, alerts to a
local webhook and a local SMTP server; tokens; kill -9 and SIGTERM."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from tests.conftest import SEED_SCHEMA
from tests.serve_support import (
    TOKEN,
    MailReceiver,
    WebhookReceiver,
    newline_framed,
    octet_counted,
    self_signed,
    start_serve,
    syslog_line,
)

pytest.importorskip("aiohttp")
pytestmark = pytest.mark.slow

COLUMN = 'error: column "created_at" does not exist'
TABLE = 'ERROR:  relation "counseling_sessions" does not exist at character 15'


def by_rule(incidents, rule, **entities):
    found = [i for i in incidents.values() if i["rule"] == rule
             and all(i["entities"].get(k) == v for k, v in entities.items())]
    return found[0] if found else None


@pytest.fixture(scope="module")
def alerts():
    hook, mail = WebhookReceiver(), MailReceiver()
    yield hook, mail
    hook.close()
    mail.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory, alerts):
    hook, mail = alerts
    tmp = tmp_path_factory.mktemp("serve")
    server = start_serve(tmp, "--schema", str(SEED_SCHEMA), "--notify", hook.url,
                         "--notify", mail.url, "--min-severity", "high",
                         "--public-url", "http://analyzer.test",
                         env={"ANALYZER_WEBHOOK_SECRET": "webhook-secret-for-tests"})
    yield server
    assert server.terminate() == 0, server.stderr()


def test_syslog_over_tcp_in_both_framings_makes_incidents_with_the_service(served):
    counted = [syslog_line(f"{TABLE} {n}", ts=f"2025-11-13T06:24:1{n}.000Z") for n in range(3)]
    lined = [syslog_line(TABLE, ts="2025-11-13T06:24:20.000Z", host="acme-worker")]
    served.send_syslog(octet_counted(counted) + newline_framed(lined))
    incident = served.wait_for(
        lambda: (i := by_rule(served.incidents(), "postgres.undefined_table",
                              table="counseling_sessions")) and i["count"] >= 4 and i,
        what="the syslog incident")
    assert incident["count"] == 4
    assert incident["status"] == "NEW"
    assert set(incident["services"]) == {"acme-api", "acme-worker"}
    assert incident["diagnosis"]["kind"] == "table_name"  # the schema was given


def test_a_supabase_syslog_drain_message_is_read(served):
    event = json.dumps({"event_message": "column sessions.sb_syslog_col does not exist",
                        "id": "e1", "timestamp": 1763015050512000})
    message = (f"{TOKEN} <131>1 2025-11-13T06:24:10.513Z db-abcdefgh postgres_logs 4242 - - "
               f"{event}").encode()
    served.send_syslog(octet_counted([message]))
    incident = served.wait_for(lambda: by_rule(served.incidents(), "postgres.undefined_column",
                                               column="sb_syslog_col"), what="the incident")
    assert incident["services"] == ["db-abcdefgh"]


def test_syslog_messages_without_the_token_are_dropped_and_counted(served):
    served.send_syslog(newline_framed([syslog_line(
        'ERROR:  relation "intruder_table" does not exist', token=None)]))
    served.send_syslog(newline_framed([syslog_line(
        'ERROR:  relation "after_intruder" does not exist')]))
    served.wait_for(lambda: by_rule(served.incidents(), "postgres.undefined_table",
                                    table="after_intruder"), what="the later message")
    assert not by_rule(served.incidents(), "postgres.undefined_table", table="intruder_table")
    metrics = served.get("/metrics")[2].decode()
    assert 'analyzer_receiver_errors_total{kind="unauthorized",receiver="syslog"} 1.0' in metrics


def supabase_rows(n: int, column: str) -> list[dict]:
    return [{"id": f"row-{column}-{i}", "timestamp": 1763015050512000 + i,
             "event_message": f"column sessions.{column} does not exist",
             "metadata": [{"parsed": [{"error_severity": "ERROR", "sql_state_code": "42703"}]}]}
            for i in range(n)]


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_supabase_drain_batches_become_incidents(served, gzipped):
    column = "gz_col" if gzipped else "plain_col"
    body = json.dumps(supabase_rows(7, column)).encode()
    status, _, answer = served.post("/ingest/supabase", body, gzipped=gzipped)
    assert (status, json.loads(answer)) == (202, {"accepted": 7})
    incident = served.wait_for(lambda: by_rule(served.incidents(), "postgres.undefined_column",
                                               column=column), what="the drain incident")
    assert incident["count"] == 7 and incident["entities"]["table"] == "sessions"


def test_ndjson_and_render_json_bodies_are_read(served):
    lines = b"\n".join(json.dumps({"level": 50, "time": 1763015050512 + i,
                                   "msg": 'column "ndjson_col" does not exist'}).encode()
                       for i in range(3))
    assert served.post("/ingest/ndjson", lines)[0] == 202
    render = [{"id": f"r{i}", "message": 'ERROR:  relation "render_tbl" does not exist',
               "timestamp": f"2025-11-13T06:25:0{i}.000Z",
               "labels": [{"name": "resource", "value": "srv-d0abc"},
                          {"name": "instance", "value": "srv-d0abc-x7k2p"},
                          {"name": "level", "value": "error"}]} for i in range(2)]
    assert served.post("/ingest/render", json.dumps(render).encode())[0] == 202
    served.wait_for(lambda: (i := served.incidents()) and any(
        x["entities"].get("column") == "ndjson_col" and x["count"] == 3 for x in i.values())
        and by_rule(i, "postgres.undefined_table", table="render_tbl"), what="both bodies")


def test_requests_without_the_token_are_refused(served):
    body = json.dumps(supabase_rows(1, "refused_col")).encode()
    assert served.post("/ingest/supabase", body, token=None)[0] == 401
    assert served.post("/ingest/supabase", body, token="wrong-token-0123456789")[0] == 401
    assert served.post("/ingest/supabase", body, token=None,
                       headers={"X-Analyzer-Token": TOKEN})[0] == 202
    assert served.get("/api/incidents", token=None)[0] == 401
    assert served.get("/", token=None)[0] == 401
    assert served.get("/healthz", token=None)[0] == 200
    assert served.post("/ingest/supabase", b"{not json", token=TOKEN)[0] == 400


def test_new_incidents_alert_the_webhook_and_the_mail_once_each(served, alerts):
    hook, mail = alerts
    served.send_syslog(newline_framed([syslog_line(COLUMN, ts="2025-11-13T06:26:00.000Z")]))
    incident = served.wait_for(
        lambda: by_rule(served.incidents(), "node_postgres.undefined_column"), what="incident")

    def alerted():
        return [a for message in hook.received for a in message["alerts"]
                if a["id"] == incident["id"]]
    items = served.wait_for(alerted, timeout=30, what="the webhook alert")
    assert hook.bad_signatures == 0
    item = items[0]
    assert item["kind"] == "new" and item["severity"] in ("critical", "high")
    assert item["link"] == f"http://analyzer.test/incidents/{incident['id']}"
    table = by_rule(served.incidents(), "postgres.undefined_table", table="counseling_sessions")
    table_alerts = [a for m in hook.received for a in m["alerts"] if a["id"] == table["id"]]
    assert len(table_alerts) == 1  # deduplicated: 4 events, one alert
    assert table_alerts[0]["diagnosis"] and table_alerts[0]["fix"]
    served.wait_for(lambda: any(b"Subject: analyzer:" in m[1] for m in mail.messages),
                    timeout=30, what="the alert mail")
    recipients, content = mail.messages[0]
    assert recipients == ["oncall@example.com"]
    assert b"counseling" in content and b"/incidents/" in content


def test_incident_page_and_metrics(served):
    incidents = served.incidents()
    some = next(iter(incidents))
    status, headers, page = served.get(f"/incidents/{some}")
    assert status == 200 and some.encode() in page
    assert "script-src" not in headers["Content-Security-Policy"]
    assert b'http-equiv="refresh"' in page
    assert served.get("/incidents/nope")[0] == 404
    metrics = served.get("/metrics")[2].decode()
    assert 'analyzer_events_total{receiver="syslog"}' in metrics
    assert 'analyzer_incidents{severity="critical",status="NEW"}' in metrics
    assert "analyzer_queue_depth" in metrics


def test_tls_syslog_with_a_self_signed_certificate(tmp_path):
    cert, key = self_signed(tmp_path)
    server = start_serve(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key), http=True)
    try:
        served_lines = [syslog_line('ERROR:  relation "tls_table" does not exist')] * 2
        server.send_syslog(octet_counted(served_lines), tls_ca=cert)
        incident = server.wait_for(lambda: by_rule(server.incidents(),
                                                   "postgres.undefined_table",
                                                   table="tls_table"), what="TLS incident")
        assert incident["count"] == 2
        # a plain-text client cannot talk to the TLS port
        server.send_syslog(newline_framed([syslog_line(
            'ERROR:  relation "cleartext_table" does not exist')]))
        assert not by_rule(server.incidents(), "postgres.undefined_table",
                           table="cleartext_table")
    finally:
        assert server.terminate() == 0


def state_totals(path) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(path) as db:
        return {i: (t, s) for i, t, s in db.execute("SELECT id, total, status FROM incidents")}


def test_kill_9_and_restart_lose_nothing_flushed(tmp_path):
    # live timestamps: a restarted serve judges "quiet for an hour" by the clock before any
    # new record arrives, so year-old lines would rightly be RESOLVED at once
    def lines(n):
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return newline_framed([syslog_line('ERROR:  relation "crash_table" does not exist',
                                           ts=now)] * n)
    server = start_serve(tmp_path)
    server.send_syslog(lines(25))
    server.wait_for(lambda: server.health()["events"] >= 25, what="25 events")
    server.wait_flushed(25)
    server.kill9()
    (ident, (total, status)), = state_totals(server.state).items()
    assert (total, status) == (25, "NEW")
    again = start_serve(tmp_path, state=server.state)
    try:
        assert again.incidents()[ident]["count"] == 25  # resumed before anything new
        again.send_syslog(lines(5))
        again.wait_for(lambda: again.incidents()[ident]["count"] == 30, what="30")
        again.wait_flushed(5)
        assert again.incidents()[ident]["status"] == "NEW"
    finally:
        assert again.terminate() == 0
    assert state_totals(server.state)[ident] == (30, "NEW")


def test_sigterm_drains_every_accepted_batch(tmp_path):
    server = start_serve(tmp_path, "--flush-every", "60", syslog=False)
    accepted = 0
    for n in range(40):
        body = json.dumps(supabase_rows(25, "drain_col")).replace("row-", f"b{n}-").encode()
        status, _, answer = server.post("/ingest/supabase", body)
        if status == 202:
            accepted += json.loads(answer)["accepted"]
    assert server.terminate() == 0, server.stderr()
    assert "state flushed" in server.stderr()
    (total, _), = state_totals(server.state).values()
    assert total == accepted == 1000


def test_dashboard_renders_in_headless_chromium_and_refreshes_itself(served, tmp_path):
    from tests.test_report_browser import CHROMIUM, Elements, chromium

    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    served.send_syslog(newline_framed([syslog_line(TABLE), syslog_line(
        'ERROR:  relation "</code><script>document.title=\'PWNED\'</script>" does not exist')]))
    served.wait_for(lambda: any("PWNED" in json.dumps(i["entities"])
                                for i in served.incidents().values()), what="incidents")
    host = served.http.removeprefix("http://")
    result = chromium(tmp_path, "--dump-dom", f"http://viewer:{TOKEN}@{host}/")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Elements()
    dom.feed(result.stdout)
    assert dom.title.startswith("Incident report")
    metas = [attrs for tag, attrs in dom.tags if tag == "meta"]
    assert any(m.get("http-equiv") == "refresh" for m in metas)
    assert "script" not in [tag for tag, _ in dom.tags]  # the hostile name stayed text
    text = " ".join(dom.text)
    assert "counseling_sessions" in text and "NEW" in text
    assert "PWNED" not in dom.title


def test_a_cron_report_on_the_serve_state_continues_its_history(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT, SEED_LOG

    server = start_serve(tmp_path, http=True)
    server.send_syslog(newline_framed([syslog_line('ERROR:  relation "served_only" does not '
                                                   'exist')] * 3))
    server.wait_for(lambda: server.health()["events"] >= 3, what="3 events")
    assert server.terminate() == 0
    (served_id, (total, status)), = state_totals(server.state).items()
    assert (total, status) == (3, "NEW")
    result = subprocess.run(
        [sys.executable, "-m", "analyzer", "report", str(SEED_LOG), "--state",
         str(server.state), "--out", str(tmp_path / "r.json")],
        capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    resolved = {r["id"]: r for r in report["resolved"]}
    assert resolved[served_id]["history"]["total"] == 3  # absent from the window: RESOLVED
    assert report["run"]["id"] == 2 and report["previous_run"]["id"] == 1


@pytest.mark.parametrize(("args", "message"), [
    ([], "serve needs a token: --token-file FILE or $ANALYZER_SERVE_TOKEN"),
    (["--token-file", "/nonexistent/t"], "--token-file /nonexistent/t: cannot read"),
    (["--token-file", "{short}"], "tokens must be at least 16 characters"),
    (["--token-file", "{tokens}", "--syslog", "127.0.0.1:0", "--tls-cert", "{tokens}",
      "--tls-key", "{tokens}"], "--tls-cert/--tls-key: cannot load"),
    (["--token-file", "{tokens}", "--http", "localhost"], "--http: expected HOST:PORT"),
    (["--token-file", "{tokens}"], "give --syslog HOST:PORT and/or --http HOST:PORT"),
    (["--token-file", "{tokens}", "--http", "127.0.0.1:0", "--notify", "bogus://x"],
     "--notify bogus://x: not a notification URL"),
])
def test_serve_usage_errors_are_one_line_and_exit_2(tmp_path, args, message):
    import subprocess
    import sys

    from tests.conftest import ROOT

    (tmp_path / "tokens").write_text(TOKEN + "\n")
    (tmp_path / "short").write_text("abc\n")
    words = [a.format(tokens=tmp_path / "tokens", short=tmp_path / "short") for a in args]
    result = subprocess.run([sys.executable, "-m", "analyzer", "serve", "--state",
                             str(tmp_path / "s.db"), *words], capture_output=True, text=True,
                            cwd=ROOT, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
