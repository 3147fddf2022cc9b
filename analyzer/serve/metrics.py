"""Serve stage, the metrics `GET /metrics` exposes (Prometheus text format via
prometheus_client, on a registry of our own so nothing global leaks in)."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.events = Counter("analyzer_events", "Log events accepted, by receiver",
                              ["receiver"], registry=registry)
        self.rejected = Counter("analyzer_events_rejected",
                                "Log events refused under backpressure, by receiver",
                                ["receiver"], registry=registry)
        self.errors = Counter("analyzer_receiver_errors",
                              "Receiver errors (bad requests, auth, framing, parse), by kind",
                              ["receiver", "kind"], registry=registry)
        self.queue_depth = Gauge("analyzer_queue_depth", "Accepted events waiting for analysis",
                                 registry=registry)
        self.flushed = Gauge("analyzer_flushed_events",
                             "Events whose incidents are flushed to the state",
                             registry=registry)
        self.incidents = Gauge("analyzer_incidents", "Incidents in the state, by status and "
                               "severity", ["status", "severity"], registry=registry)
        self.latency = Histogram("analyzer_batch_seconds",
                                 "Time from a batch's arrival to its analysis",
                                 registry=registry,
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
        self.alerts = Counter("analyzer_alerts", "Alert messages sent, by outcome",
                              ["outcome"], registry=registry)

    def set_incidents(self, counts: Mapping[tuple[str, str], int]) -> None:
        self.incidents.clear()
        for (status, severity), count in counts.items():
            self.incidents.labels(status, severity).set(count)

    def text(self) -> bytes:
        return generate_latest(self.registry)


__all__ = ["CONTENT_TYPE", "Metrics"]
