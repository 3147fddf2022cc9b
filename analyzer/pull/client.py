"""Pull stage, the HTTP client: GET a JSON document with a bearer key; rate limits (429) and
server errors (5xx) are retried after the Retry-After the server gives (or an exponential
backoff), a bounded number of times. urllib from the standard library: one GET per page needs
no more, and the core install stays lean."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from analyzer.errors import AnalyzerError

RETRIES = 6
MAX_WAIT = 120.0
TIMEOUT = 60.0


class PullError(AnalyzerError):
    """The API refused or failed; names the URL (without secrets) and the status."""


class ApiClient:
    def __init__(self, base: str, key: str, *, sleep: Callable[[float], None] = time.sleep,
                 retries: int = RETRIES) -> None:
        self.base, self.key, self.sleep, self.retries = base.rstrip("/"), key, sleep, retries
        self.requests = 0
        self.waited = 0.0

    def get(self, path: str, params: Mapping[str, Any] | list[tuple[str, Any]]) -> Any:
        query = urlencode(list(params.items()) if isinstance(params, Mapping) else params,
                          doseq=True)
        url = f"{self.base}{path}?{query}"
        request = urllib.request.Request(url, headers={
            "Authorization": f"Bearer {self.key}", "Accept": "application/json",
            "User-Agent": "analyzer-pull"})
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                    return self._json(response.read(), path)
            except urllib.error.HTTPError as exc:
                if exc.code in (429, 500, 502, 503, 504) and attempt < self.retries:
                    self._wait(exc.headers.get("Retry-After"), attempt)
                    continue
                raise PullError(f"{self.base}{path}: HTTP {exc.code} "
                                f"{_reason(exc)}") from None
            except (urllib.error.URLError, OSError) as exc:
                if attempt < self.retries:
                    self._wait(None, attempt)
                    continue
                reason = getattr(exc, "reason", exc)
                raise PullError(f"{self.base}{path}: cannot connect: {reason}") from None
        raise PullError(f"{self.base}{path}: gave up after {self.retries} retries")

    def _wait(self, retry_after: str | None, attempt: int) -> None:
        seconds = _retry_after(retry_after)
        if seconds is None:
            seconds = min(MAX_WAIT, 0.5 * 2 ** attempt)
        seconds = min(MAX_WAIT, max(0.0, seconds))
        self.waited += seconds
        self.sleep(seconds)

    @staticmethod
    def _json(body: bytes, path: str) -> Any:
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise PullError(f"{path}: the response is not JSON") from None


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


def _reason(exc: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        return exc.reason or ""
    message = data.get("message") or data.get("error") if isinstance(data, dict) else None
    return str(message or exc.reason or "")[:200]
