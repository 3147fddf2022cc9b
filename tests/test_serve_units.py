"""The pieces of `analyzer serve` alone: syslog framing, the status book, tokens and rate
limits, backpressure and body limits over a real aiohttp server, and the notifier."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import pytest

from analyzer.model import Diagnosis, Incident, Report, frozen_map
from analyzer.notify import Alert, Notifier, NotifyPolicy, compose, parse_notify_on
from analyzer.notify.senders import SignedWebhook, open_senders
from analyzer.serve.auth import Auth, RateLimit
from analyzer.serve.book import Book
from analyzer.serve.framing import Framer
from analyzer.store import RunInfo
from analyzer.textsafe import redact

MIN = 60 * 1_000_000_000


# --- framing -------------------------------------------------------------------------------
def test_octet_counting_and_newline_framing_mix_on_one_connection():
    framer = Framer()
    assert framer.feed(b"11 <1>1 a b c") == []  # the frame is not complete yet
    assert framer.feed(b"d<2>1 e\r\n5 f\ng h") == [b"<1>1 a b cd", b"<2>1 e", b"f\ng h"]
    assert framer.close() == []


def test_a_frame_split_anywhere_gives_the_same_messages():
    data = b"12 <1>1 message<2>1 second\n7 <3>1 ab"
    whole = Framer().feed(data)
    for cut in range(1, len(data)):
        framer = Framer()
        assert framer.feed(data[:cut]) + framer.feed(data[cut:]) == whole


def test_oversized_frames_are_cut_and_counted_not_buffered():
    framer = Framer(max_message=10)
    assert framer.feed(b"20 " + b"x" * 20 + b"<1>1 ok\n") == [b"x" * 10, b"<1>1 ok"]
    assert framer.feed(b"y" * 30) == [b"y" * 10]
    assert len(framer._buffer) <= 10 and framer.oversized == 2
    assert framer.feed(b"yyy\n<2>1 next\n") == [b"<2>1 next"]


def test_a_bad_octet_count_is_read_as_a_line():
    framer = Framer()
    assert framer.feed(b"1234567890123 not a length\n") == [b"1234567890123 not a length"]
    assert framer.malformed == 1


# --- the book of statuses ------------------------------------------------------------------
def incident(ident: str, count: int, last: int, severity: str = "critical") -> Incident:
    return Incident(id=ident, rule="r", title="t", severity=severity, category="schema",
                    count=count, first_seen=0, last_seen=last, services=(),
                    entities=frozen_map({}), samples=())


def live(*incidents: Incident) -> Report:
    return Report(sources=(), incidents=incidents,
                  timelines=frozen_map({i.id: frozen_map({0: i.count}) for i in incidents}))


def book(known=()) -> Book:
    run = RunInfo(1, 0, None, 0, None, ("serve",))
    return Book(known, {}, run, settle_ns=10 * MIN, resolve_after_ns=30 * MIN)


def test_new_then_ongoing_then_resolved_then_regressed():
    b = book()
    assert [a.kind for a in b.observe(live(incident("a", 1, 0)), now=0)] == ["new"]
    assert b.observe(live(incident("a", 2, MIN)), now=MIN) == []  # alerted once
    gains = b.gains(live(incident("a", 2, MIN)))
    assert [(g.status, g.added) for g in gains] == [("NEW", 2)]
    b.sweep(live(incident("a", 2, MIN)), now=11 * MIN)
    assert b.entries["a"].status == "ONGOING"
    b.sweep(live(incident("a", 2, MIN)), now=40 * MIN)
    assert b.entries["a"].status == "RESOLVED"
    back = b.observe(live(incident("a", 3, 41 * MIN)), now=41 * MIN)
    assert [a.kind for a in back] == ["regressed"] and b.entries["a"].status == "REGRESSED"
    assert [(g.status, g.added) for g in b.gains(live(incident("a", 3, 41 * MIN)))] == [
        ("REGRESSED", 1)]


def test_the_view_adds_what_the_state_held_before_this_process():
    from analyzer.store import History

    stored = History(id="a", status="ONGOING", first_ever=0, last_ever=MIN, total=40,
                     runs_seen=3, first_run=1, recent=(), incident=incident("a", 40, MIN))
    b = book([stored])
    assert b.observe(live(incident("a", 2, 2 * MIN)), now=2 * MIN) == []  # not new
    report, result = b.view(live(incident("a", 2, 2 * MIN)))
    assert report.incidents[0].count == 42 and result.history["a"].status == "ONGOING"
    assert [g.added for g in b.gains(live(incident("a", 2, 2 * MIN)))] == [2]


# --- tokens and rates ----------------------------------------------------------------------
def test_tokens_from_every_accepted_header_and_nothing_else():
    auth = Auth(("a" * 20, "b" * 20))
    basic = base64.b64encode(b"anyone:" + b"b" * 20).decode()
    assert auth.allows({"Authorization": "Bearer " + "a" * 20})
    assert auth.allows({"X-Analyzer-Token": "b" * 20})
    assert auth.allows({"Authorization": "Basic " + basic})
    assert not auth.allows({"Authorization": "Bearer " + "a" * 19})
    assert not auth.allows({"Authorization": "Basic !!"})
    assert not auth.allows({})
    assert auth.syslog_message(b"a" * 20 + b" <1>1 x") == b"<1>1 x"
    assert auth.syslog_message(b"<1>1 x") is None


def test_rate_limit_allows_the_burst_then_says_when():
    limit = RateLimit(rate=2, burst=3)
    assert [limit.take("c") for _ in range(3)] == [0, 0, 0]
    assert 0 < limit.take("c") <= 0.5
    assert limit.take("other") == 0


# --- HTTP limits on a real aiohttp server ------------------------------------------------------
def run_http(engine_queue: int, checks, **options):
    from aiohttp.test_utils import TestClient, TestServer

    from analyzer.serve.engine import Engine, EngineOptions
    from analyzer.serve.http import HttpOptions, make_app
    from analyzer.serve.metrics import Metrics

    metrics = Metrics()
    engine = Engine(None, EngineOptions(state=":memory:", queue_batches=engine_queue),  # type: ignore[arg-type]
                    metrics, lambda alerts: None)  # never started: nothing drains the queue
    app = make_app(engine, metrics, Auth(("t" * 20,)), HttpOptions(**options))

    async def main():
        async with TestClient(TestServer(app)) as client:
            return await checks(client), metrics
    return asyncio.run(main())


HEADERS = {"Authorization": "Bearer " + "t" * 20}


def test_a_full_queue_answers_503_with_retry_after():
    async def checks(client):
        first = await client.post("/ingest/ndjson", data=b'{"msg": "x"}\n', headers=HEADERS)
        second = await client.post("/ingest/ndjson", data=b'{"msg": "y"}\n', headers=HEADERS)
        return first.status, second.status, second.headers.get("Retry-After")
    (first, second, retry), metrics = run_http(1, checks)
    assert (first, second, retry) == (202, 503, "1")
    assert b'analyzer_events_rejected_total{receiver="http:ndjson"} 1.0' in metrics.text()


def test_bodies_over_the_limit_are_413_even_when_gzip_hides_them():
    import gzip

    async def checks(client):
        plain = await client.post("/ingest/ndjson", data=b"x" * 5000, headers=HEADERS)
        bomb = await client.post("/ingest/ndjson", data=gzip.compress(b"\n" * 100_000),
                                 headers={**HEADERS, "Content-Encoding": "gzip"})
        return plain.status, bomb.status
    (plain, bomb), _ = run_http(8, checks, max_body=4096)
    assert (plain, bomb) == (413, 413)


def test_a_client_over_its_rate_gets_429():
    async def checks(client):
        statuses = [(await client.post("/ingest/ndjson", data=b"{}\n", headers=HEADERS)).status
                    for _ in range(4)]
        return statuses
    statuses, _ = run_http(16, checks, rate=1, burst=2)
    assert statuses[:2] == [202, 202] and statuses[2:] == [429, 429]


# --- notifications -----------------------------------------------------------------------
def alert(ident: str, kind: str = "new", severity: str = "critical",
          table: str = "sessions") -> Alert:
    diagnosis = Diagnosis(kind="case_style", summary="wanted session_id, found sessionId",
                          wanted="session_id", found="sessionId", confidence=0.9,
                          evidence=(), fixes=("set `underscored: false`",))
    base = incident(ident, 3, 0, severity)
    from dataclasses import replace
    return Alert(kind, replace(base, entities=frozen_map({"table": table}),
                               diagnosis=diagnosis))


def test_a_message_carries_diagnosis_fix_and_link_and_no_secrets_or_markup():
    hostile = "t postgresql://app:hunter2@db/x **bold** [x](http://evil)"
    message = compose([alert("a1", table=hostile)], link_base="https://an.example/",
                      clean=redact)
    assert "hunter2" not in message.body and "hunter2" not in json.dumps(message.payload)
    assert "**bold**" not in message.body and "[x](http" not in message.body
    assert "diagnosis: wanted session\\_id" in message.body
    assert "fix: set \\`underscored: false\\`" in message.body
    assert "https://an.example/incidents/a1" in message.body
    assert message.payload["alerts"][0]["fix"] == "set `underscored: false`"


class Recorder:
    name = "recorder"

    def __init__(self):
        self.messages = []

    def send(self, message):
        self.messages.append(message)
        return True


def test_bursts_are_grouped_deduplicated_filtered_and_rate_limited():
    sender = Recorder()
    policy = NotifyPolicy(min_severity="high", burst_s=0.2, min_interval_s=0.6, dedupe_s=60)
    notifier = Notifier([sender], policy, clean=str)
    notifier.submit([alert("a"), alert("b"), alert("a"), alert("low", severity="low")])
    time.sleep(0.4)
    assert len(sender.messages) == 1  # one message for the burst
    assert [a["id"] for a in sender.messages[0].payload["alerts"]] == ["a", "b"]
    notifier.submit([alert("c"), alert("a"), alert("a", kind="escalated")])
    time.sleep(0.2)
    assert len(sender.messages) == 1  # rate-limited: the next one waits
    notifier.close()
    assert len(sender.messages) == 2
    assert [(a["id"], a["kind"]) for a in sender.messages[1].payload["alerts"]] == [
        ("c", "new"), ("a", "escalated")]


def test_notify_options_are_checked_before_anything_runs(monkeypatch):
    from analyzer.errors import UsageError

    with pytest.raises(UsageError, match="apprise"):
        open_senders(["nonsense-scheme://x"])
    monkeypatch.delenv("ANALYZER_WEBHOOK_SECRET", raising=False)
    with pytest.raises(UsageError, match="secret"):
        open_senders(["hmac+https://hooks.example/x"])
    with pytest.raises(UsageError, match="--notify-on"):
        parse_notify_on(["new,sometimes"])
    hook = SignedWebhook("hmac+https://hooks.example/x?secret=s3cret&a=1")
    assert hook.target == "https://hooks.example/x?a=1" and "s3cret" not in hook.name
