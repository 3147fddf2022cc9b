"""Notify stage, the senders: `--notify` URLs -> objects that deliver a Message.

Slack, Discord, Microsoft Teams, email (`mailto://`, `mailtos://`) and plain JSON webhooks
(`json://`, `jsons://`) go through apprise, which knows a hundred services and their quirks.
apprise cannot sign a request body, so `hmac+http://` / `hmac+https://` is our own small
sender: it POSTs the JSON payload with `X-Analyzer-Signature: sha256=HEX`, the HMAC-SHA256 of
`TIMESTAMP.BODY` under the secret (`?secret=` in the URL or $ANALYZER_WEBHOOK_SECRET), and the
timestamp in `X-Analyzer-Timestamp` (receivers reject old ones: no replay).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from analyzer.errors import UsageError
from analyzer.notify.message import Message
from analyzer.textsafe import redact

SIGNED_SCHEMES = ("hmac+http", "hmac+https")
TIMEOUT = 10.0


class Sender(Protocol):
    name: str

    def send(self, message: Message) -> bool: ...


def shown(url: str) -> str:
    """A URL as it may appear in messages: secrets, passwords and tokens redacted."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    path = "/…" if parts.path not in ("", "/") else parts.path
    return redact(urlunsplit((parts.scheme, netloc, path, "", "")))


class SignedWebhook:
    def __init__(self, url: str, secret: str | None = None) -> None:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        secret = secret or dict(query).get("secret") or os.environ.get("ANALYZER_WEBHOOK_SECRET")
        if not secret:
            raise UsageError(f"--notify {shown(url)}: a signed webhook needs ?secret=… or "
                             "$ANALYZER_WEBHOOK_SECRET")
        self.secret = secret.encode()
        rest = urlencode([(k, v) for k, v in query if k != "secret"])
        self.target = urlunsplit((parts.scheme.removeprefix("hmac+"), parts.netloc,
                                  parts.path, rest, ""))
        self.name = shown(url)

    def sign(self, timestamp: str, body: bytes) -> str:
        digest = hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256)
        return "sha256=" + digest.hexdigest()

    def send(self, message: Message) -> bool:
        body = json.dumps(message.payload, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        request = urllib.request.Request(self.target, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "analyzer",
            "X-Analyzer-Timestamp": stamp, "X-Analyzer-Signature": self.sign(stamp, body)})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return 200 <= response.status < 300
        except (urllib.error.URLError, OSError):
            return False


class AppriseSender:
    def __init__(self, urls: Sequence[str]) -> None:
        try:
            import apprise
        except ImportError:
            raise UsageError("--notify needs apprise: pip install "
                             "'log-incident-analyzer[serve]'") from None
        self._apprise = apprise.Apprise()
        self._format = apprise.NotifyFormat.MARKDOWN
        for url in urls:
            if not self._apprise.add(url):
                raise UsageError(f"--notify {shown(url)}: not a notification URL apprise "
                                 "knows (see https://github.com/caronc/apprise/wiki)")
        self.name = ", ".join(shown(u) for u in urls)

    def send(self, message: Message) -> bool:
        return bool(self._apprise.notify(title=message.title, body=message.body,
                                         body_format=self._format))


def open_senders(urls: Sequence[str]) -> list[Sender]:
    """Check every URL now (before any input is read) and build its sender."""
    signed = [u for u in urls if urlsplit(u).scheme.lower() in SIGNED_SCHEMES]
    others = [u for u in urls if u not in signed]
    senders: list[Sender] = [SignedWebhook(u) for u in signed]
    if others:
        senders.append(AppriseSender(others))
    return senders
