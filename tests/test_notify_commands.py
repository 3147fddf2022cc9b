"""The same --notify for cron (`analyzer report`) and `analyzer watch`: a local webhook
receiver checks the HMAC signature and what each message names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED_LOG, SEED_SCHEMA
from tests.serve_support import SECRET, MailReceiver, WebhookReceiver

pytest.importorskip("apprise")
ENV = {"ANALYZER_WEBHOOK_SECRET": SECRET, "PATH": "/usr/bin:/bin", "COLUMNS": "120"}


@pytest.fixture
def hook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


def analyzer(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], input=input,
                          capture_output=True, env=ENV, cwd=ROOT, timeout=120)


def test_report_alerts_new_incidents_once_then_stays_quiet(tmp_path, hook):
    args = ["report", str(SEED_LOG), "--schema", str(SEED_SCHEMA), "--state",
            str(tmp_path / "s.db"), "--out", str(tmp_path / "r.md"), "--notify", hook.url,
            "--min-severity", "critical", "--public-url", "https://an.example"]
    assert analyzer(*args).returncode == 0
    assert hook.bad_signatures == 0 and len(hook.received) == 1
    alerts = hook.received[0]["alerts"]
    assert alerts and {a["kind"] for a in alerts} == {"new"}
    assert {a["severity"] for a in alerts} == {"critical"}
    assert any(a["diagnosis"] and "sessionId" in a["diagnosis"] for a in alerts)
    assert all(a["link"] == f"https://an.example/incidents/{a['id']}" for a in alerts)
    assert analyzer(*args).returncode == 0  # the same incidents are ONGOING now
    assert len(hook.received) == 1


def test_watch_alerts_through_mail_and_webhook(tmp_path, hook):
    mail = MailReceiver()
    try:
        result = analyzer("watch", "--notify", hook.url, "--notify", mail.url,
                          "--min-severity", "critical", input=SEED_LOG.read_bytes())
    finally:
        mail.close()
    assert result.returncode == 0, result.stderr
    ids = {a["id"] for m in hook.received for a in m["alerts"]}
    assert len(ids) >= 3 and len(hook.received) == 1  # one burst, one message
    assert len(mail.messages) == 1 and b"Subject: analyzer:" in mail.messages[0][1]


def test_a_bad_notify_url_fails_before_reading(tmp_path):
    result = analyzer("report", str(SEED_LOG), "--state", str(tmp_path / "s.db"),
                      "--notify", "not-a-service://x")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("analyzer: error: --notify not-a-service://")
    assert not (tmp_path / "s.db").exists()
