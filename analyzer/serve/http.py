"""Serve stage, the HTTP side (aiohttp): drains POST batches to /ingest/…, people and
Prometheus GET the pages. aiohttp parses HTTP (and gunzips bodies sent with
`Content-Encoding: gzip`), enforces the body limit after decompression (413) and serves
keep-alive connections; the handlers only check the token, the rate and the body, and offer
the batch to the engine (202, or 503 with Retry-After when its queue is full)."""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, replace

from aiohttp import web

from analyzer.model import Report
from analyzer.report import html, jsonout
from analyzer.serve import RECEIVERS
from analyzer.serve.auth import Auth, RateLimit
from analyzer.serve.engine import Batch, Engine, View
from analyzer.serve.metrics import CONTENT_TYPE, Metrics

# POST /ingest/{name} -> how its body is counted: a JSON document or JSON lines
BODIES = {"supabase": "json", "ndjson": "lines", "render": "json"}
INCIDENT_ID_RE = re.compile(r"[0-9a-z][0-9a-z._-]{0,63}")


@dataclass(frozen=True, slots=True)
class HttpOptions:
    max_body: int = 8 << 20  # decompressed bytes per request
    rate: float = 50.0  # requests per second per client
    burst: float = 200.0
    refresh: int = 10  # seconds between dashboard reloads
    open_pages: bool = False  # pages without the token (behind a private network)
    redact: bool = True
    redact_emails: bool = False


def make_app(engine: Engine, metrics: Metrics, auth: Auth, options: HttpOptions) -> web.Application:
    app = web.Application(client_max_size=options.max_body)
    handlers = _Handlers(engine, metrics, auth, options)
    app.router.add_post("/ingest/{receiver}", handlers.ingest)
    app.router.add_get("/", handlers.dashboard)
    app.router.add_get("/incidents/{id}", handlers.incident)
    app.router.add_get("/api/incidents", handlers.api)
    app.router.add_get("/metrics", handlers.metrics_text)
    app.router.add_get("/healthz", handlers.health)
    return app


class _Handlers:
    def __init__(self, engine: Engine, metrics: Metrics, auth: Auth,
                 options: HttpOptions) -> None:
        self.engine, self.metrics, self.auth, self.options = engine, metrics, auth, options
        self.limit = RateLimit(options.rate, options.burst)

    # --- ingest ---------------------------------------------------------------------------
    async def ingest(self, request: web.Request) -> web.Response:
        receiver = request.match_info["receiver"]
        if receiver not in BODIES:
            raise web.HTTPNotFound(text="unknown receiver\n")
        name = f"http:{receiver}"
        if not self.auth.allows(request.headers):
            self.metrics.errors.labels(name, "unauthorized").inc()
            raise web.HTTPUnauthorized(text="token required\n",
                                       headers={"WWW-Authenticate": "Bearer"})
        wait = self.limit.take(request.remote or "-")
        if wait:
            self.metrics.errors.labels(name, "rate_limited").inc()
            raise web.HTTPTooManyRequests(text="rate limited\n",
                                          headers={"Retry-After": str(max(1, round(wait)))})
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            self.metrics.errors.labels(name, "too_large").inc()
            raise
        fmt, kind = RECEIVERS[name], BODIES[receiver]
        events = _count_events(body, kind)
        if events is None:
            self.metrics.errors.labels(name, "bad_body").inc()
            raise web.HTTPBadRequest(text="the body is not a JSON array or object\n")
        if events and not self.engine.offer(Batch(name, fmt, _lines(body, kind), events)):
            raise web.HTTPServiceUnavailable(text="busy, retry later\n",
                                             headers={"Retry-After": "1"})
        return web.json_response({"accepted": events}, status=202)

    # --- pages ----------------------------------------------------------------------------
    def _view(self, request: web.Request) -> View:
        if not self.options.open_pages and not self.auth.allows(request.headers):
            raise web.HTTPUnauthorized(text="token required\n", headers={
                "WWW-Authenticate": 'Basic realm="analyzer", charset="UTF-8"'})
        view = self.engine.view
        if view is None:
            raise web.HTTPServiceUnavailable(text="starting\n", headers={"Retry-After": "1"})
        return view

    async def dashboard(self, request: web.Request) -> web.Response:
        view = self._view(request)
        return self._html(view, view.report)

    async def incident(self, request: web.Request) -> web.Response:
        view = self._view(request)
        wanted = request.match_info["id"]
        found = [i for i in view.report.incidents if i.id == wanted]
        if not INCIDENT_ID_RE.fullmatch(wanted) or not found:
            raise web.HTTPNotFound(text="no such incident\n")
        causes = tuple(c for c in view.report.root_causes if wanted in c.incidents)
        return self._html(view, replace(view.report, incidents=tuple(found),
                                        root_causes=causes), refresh=True)

    def _html(self, view: View, report: Report, refresh: bool = True) -> web.Response:
        out = io.StringIO()
        html.render(report, out, history=view.result, redact=self.options.redact,
                    emails=self.options.redact_emails,
                    refresh=self.options.refresh if refresh else None)
        return web.Response(text=out.getvalue(), content_type="text/html", headers={
            "Content-Security-Policy": html.CSP, "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store"})

    async def api(self, request: web.Request) -> web.Response:
        view = self._view(request)
        out = io.StringIO()
        jsonout.render(view.report, out, history=view.result, redact=self.options.redact,
                       emails=self.options.redact_emails)
        return web.Response(text=out.getvalue(), content_type="application/json",
                            headers={"Cache-Control": "no-store"})

    async def metrics_text(self, request: web.Request) -> web.Response:
        if not self.options.open_pages and not self.auth.allows(request.headers):
            raise web.HTTPUnauthorized(text="token required\n")
        return web.Response(body=self.metrics.text(),
                            headers={"Content-Type": CONTENT_TYPE})

    async def health(self, request: web.Request) -> web.Response:
        view = self.engine.view
        alive = self.engine.alive and view is not None
        body = {"ok": alive, "events": self.engine.events,
                "flushed_events": view.flushed_events if view else 0,
                "flushed_at": view.flushed_at if view else None, "time": time.time()}
        return web.json_response(body, status=200 if alive else 503)


def _count_events(body: bytes, kind: str) -> int | None:
    """Events in a body; None when a JSON body is not JSON."""
    if kind == "lines":
        return sum(1 for line in body.splitlines() if line.strip())
    if not body.strip():
        return 0
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        rows = data.get("result")
        return len(rows) if isinstance(rows, list) else 1
    return None


def _lines(body: bytes, kind: str) -> bytes:
    return body if body.endswith(b"\n") else body + b"\n"
