"""Serve stage: `analyzer serve`, the long-running endpoint log streams and drains point at.

receivers (syslog.py over TCP/TLS, http.py over aiohttp) -> engine.py (a bounded queue, one
worker) -> analysis.py (the same route as scan/watch) -> book.py (statuses, merged with the
state) -> the SQLite state (store.live), the pages (http.py) and alerts (analyzer.notify).

RECEIVERS names each receiver and the format its messages are parsed as (None: detected).
"""

from __future__ import annotations

RECEIVERS: dict[str, str | None] = {
    "syslog": "render_syslog",  # Render log streams, Supabase syslog drains (RFC 5424)
    "http:supabase": "supabase_json",  # Supabase HTTP log drains (JSON arrays of events)
    "http:render": "render_json",  # Render's JSON log objects
    "http:ndjson": None,  # any JSON lines a format reads
}

__all__ = ["RECEIVERS"]
