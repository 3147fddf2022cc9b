"""Notify stage, the dispatcher for long-running commands (`serve`, `watch`): alerts are
filtered (kind, severity), deduplicated by incident id and kind for `dedupe_s`, grouped into one
message per burst (sent `burst_s` after the first alert of the burst), and rate-limited (at most
one message per `min_interval_s`; what arrives meanwhile joins the next one). Sending happens on
a thread of its own so a slow mail server never stalls the analysis."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.errors import UsageError
from analyzer.model import SEVERITIES, severity_rank
from analyzer.notify.message import KINDS, Alert, Message, compose
from analyzer.notify.senders import Sender
from analyzer.store import RunResult

MAX_PENDING = 1_000  # alerts waiting for the next message; beyond that they are counted


def parse_notify_on(values: Iterable[str]) -> frozenset[str]:
    kinds = {w.strip().lower() for v in values for w in v.split(",") if w.strip()}
    unknown = kinds - set(KINDS)
    if unknown:
        raise UsageError(f"--notify-on: expected {', '.join(KINDS)}, got "
                         f"{', '.join(sorted(unknown))}")
    return frozenset(kinds or KINDS)


@dataclass(frozen=True, slots=True)
class NotifyPolicy:
    kinds: frozenset[str] = frozenset(KINDS)
    min_severity: str = "high"
    burst_s: float = 2.0
    min_interval_s: float = 30.0
    dedupe_s: float = 3600.0
    link_base: str | None = None

    def __post_init__(self) -> None:
        if self.min_severity not in SEVERITIES:
            raise UsageError(f"--min-severity: expected one of {', '.join(SEVERITIES)}, got "
                             f"{self.min_severity!r}")

    def wants(self, alert: Alert) -> bool:
        return (alert.kind in self.kinds
                and severity_rank(alert.incident.severity) <= severity_rank(self.min_severity))


class Notifier:
    def __init__(self, senders: Sequence[Sender], policy: NotifyPolicy,
                 clean: Callable[[str], str],
                 on_sent: Callable[[bool], None] = lambda ok: None) -> None:
        self.senders, self.policy, self.clean, self.on_sent = senders, policy, clean, on_sent
        self._pending: list[Alert] = []
        self._seen: dict[tuple[str, str], float] = {}
        self._first: float | None = None
        self._last_sent = float("-inf")
        self.dropped = 0
        self._lock = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="notify", daemon=True)
        if senders:
            self._thread.start()

    def submit(self, alerts: Iterable[Alert]) -> None:
        now = time.monotonic()
        with self._lock:
            for alert in alerts:
                if not self.policy.wants(alert) or self._duplicate(alert, now):
                    continue
                if len(self._pending) >= MAX_PENDING:
                    self.dropped += 1
                    continue
                self._pending.append(alert)
                self._first = self._first or now
            self._lock.notify()

    def submit_events(self, events: Iterable[Any]) -> None:
        """`watch`'s events (new / escalated, with the incident and previous severity)."""
        self.submit(Alert(e.kind, e.incident, e.previous) for e in events)

    def _duplicate(self, alert: Alert, now: float) -> bool:
        key = (alert.incident.id, alert.kind)
        seen = self._seen.get(key)
        if seen is not None and now - seen < self.policy.dedupe_s:
            return True
        self._seen[key] = now
        if len(self._seen) > 10 * MAX_PENDING:  # forget the oldest half
            for old in sorted(self._seen, key=self._seen.__getitem__)[: len(self._seen) // 2]:
                del self._seen[old]
        return False

    def close(self, timeout: float = 15.0) -> None:
        """Send what is pending now (rate limit or not) and stop."""
        with self._lock:
            self._closing = True
            self._lock.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _due(self, now: float) -> float | None:
        """Seconds until the pending burst may go; None: nothing pending."""
        if not self._pending or self._first is None:
            return None
        if self._closing:
            return 0.0
        return max(self._first + self.policy.burst_s,
                   self._last_sent + self.policy.min_interval_s) - now

    def _run(self) -> None:
        while True:
            with self._lock:
                wait = self._due(time.monotonic())
                while not (self._closing and not self._pending) and (wait is None or wait > 0):
                    self._lock.wait(timeout=wait)
                    wait = self._due(time.monotonic())
                if self._closing and not self._pending:
                    return
                batch, self._pending, self._first = self._pending, [], None
                self._last_sent = time.monotonic()
            self._send(sorted(batch, key=lambda a: severity_rank(a.incident.severity)))

    def _send(self, alerts: list[Alert]) -> None:
        message = compose(alerts, link_base=self.policy.link_base, clean=self.clean)
        send_all(self.senders, message, self.on_sent)


def send_all(senders: Sequence[Sender], message: Message,
             on_sent: Callable[[bool], None] = lambda ok: None) -> list[str]:
    """Deliver to every sender; the names of those that failed."""
    failed = []
    for sender in senders:
        ok = False
        try:
            ok = sender.send(message)
        except Exception:  # a broken plugin must not end the service
            ok = False
        on_sent(ok)
        if not ok:
            failed.append(sender.name)
    return failed


def alerts_of_run(result: RunResult) -> list[Alert]:
    """`analyzer report`: the run's NEW and REGRESSED incidents as alerts."""
    kinds = {"NEW": "new", "REGRESSED": "regressed"}
    return [Alert(kinds[h.status], h.incident) for h in result.history.values()
            if h.status in kinds]


def notify_once(senders: Sequence[Sender], policy: NotifyPolicy, alerts: Iterable[Alert],
                clean: Callable[[str], str]) -> tuple[int, list[str]]:
    """One message now (cron): the alerts the policy wants, one per incident. Returns how
    many incidents it named and the senders that failed."""
    wanted: dict[str, Alert] = {}
    for alert in alerts:
        if policy.wants(alert):
            wanted.setdefault(alert.incident.id, alert)
    if not wanted or not senders:
        return 0, []
    listed = sorted(wanted.values(), key=lambda a: severity_rank(a.incident.severity))
    message = compose(listed, link_base=policy.link_base, clean=clean)
    return len(listed), send_all(senders, message)
