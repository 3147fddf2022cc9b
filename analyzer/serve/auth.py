"""Serve stage, who may send and look: shared tokens compared in constant time, and a token
bucket per client address for the rate limit. No I/O beyond reading the token file once."""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from analyzer.errors import UsageError

TOKEN_ENV = "ANALYZER_SERVE_TOKEN"
TOKEN_HEADER = "X-Analyzer-Token"
MIN_TOKEN_CHARS = 16
MAX_CLIENTS = 10_000  # rate-limit buckets kept; the idlest are forgotten beyond that


def load_tokens(token_file: str | None) -> tuple[str, ...]:
    """The accepted tokens: one per line of --token-file (blank lines and `#` comments
    skipped), else $ANALYZER_SERVE_TOKEN. None is a usage error: serve never runs open."""
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError as exc:
            raise UsageError(f"--token-file {token_file}: cannot read: {exc.strerror}") from None
        tokens = tuple(t.strip() for t in lines if t.strip() and not t.startswith("#"))
        where = f"--token-file {token_file}"
    else:
        value = os.environ.get(TOKEN_ENV, "").strip()
        tokens = (value,) if value else ()
        where = f"${TOKEN_ENV}"
    if not tokens:
        raise UsageError(f"serve needs a token: --token-file FILE or ${TOKEN_ENV}")
    short = [t for t in tokens if len(t) < MIN_TOKEN_CHARS]
    if short:
        raise UsageError(f"{where}: tokens must be at least {MIN_TOKEN_CHARS} characters")
    return tokens


@dataclass(frozen=True, slots=True)
class Auth:
    tokens: tuple[str, ...]

    def check(self, candidate: str | None) -> bool:
        """Constant time in the candidate: every token is compared, always."""
        if not candidate:
            return False
        given = candidate.encode()
        ok = False
        for token in self.tokens:
            ok |= hmac.compare_digest(given, token.encode())
        return ok

    def request_token(self, headers: Mapping[str, str]) -> str | None:
        """The token of a request: `Authorization: Bearer T`, the shared header, or HTTP
        Basic with the token as the password (what a browser can send to the pages)."""
        shared = headers.get(TOKEN_HEADER)
        if shared:
            return shared.strip()
        scheme, _, value = headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None
            return decoded.partition(":")[2]
        return None

    def allows(self, headers: Mapping[str, str]) -> bool:
        return self.check(self.request_token(headers))

    def syslog_message(self, message: bytes) -> bytes | None:
        """A syslog message without its token (the leading word, as log streams prepend
        it), or None when it does not start with an accepted one."""
        word, space, rest = message.partition(b" ")
        if space and self.check(word.decode("utf-8", "replace")):
            return rest
        return None


@dataclass(slots=True)
class RateLimit:
    """Requests per second per client, with bursts up to `burst`."""

    rate: float
    burst: float
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, client: str) -> float:
        """0 when the request may go; else the seconds until it may."""
        now = time.monotonic()
        tokens, at = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate
        self._buckets[client] = (tokens - 1, now)
        if len(self._buckets) > MAX_CLIENTS:
            oldest = sorted(self._buckets, key=lambda c: self._buckets[c][1])
            for gone in oldest[: MAX_CLIENTS // 2]:
                del self._buckets[gone]
        return 0.0
