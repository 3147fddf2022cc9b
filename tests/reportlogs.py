"""Real-shaped Render log lines at chosen times, for the report/store/watch/postmortem tests."""

from __future__ import annotations

import time

from analyzer.model import format_ts

MINUTE = 60 * 10**9
HOUR = 60 * MINUTE

# The seed incident's messages (samples/seed/render.log), one logical event each.
CREATED_AT = ("❌ Failed to create session in Supabase:\n"
              "    Could not find the 'created_at' column of 'sessions' in the schema cache")
SESSION_ID = ("❌ [CRITICAL] Failed to fetch session from Supabase:\n"
              "    Error: column sessions.session_id does not exist")
REPORT_ID = '❌ column "reportId" does not exist'
HEALTHY = "GET /health 200 1.2 ms"

SCHEMA_SQL = """CREATE TABLE "sessions" (
  "id" SERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL UNIQUE,
  "userId" VARCHAR(64) NOT NULL,
  "createdAt" TIMESTAMP WITH TIME ZONE
);
"""


def line(ts_ns: int, message: str) -> str:
    """A Render dashboard event: every physical line carries the timestamp."""
    stamp = format_ts(ts_ns)
    return "".join(f"{stamp} {part}\n" for part in message.split("\n"))


def render_log(events: list[tuple[int, str]], healthy_every: int = 0) -> str:
    out = []
    for index, (ts, message) in enumerate(events):
        if healthy_every and index % healthy_every == 0:
            out.append(line(ts - 1000, HEALTHY))
        out.append(line(ts, message))
    return "".join(out)


def hours_ago(hours: float) -> int:
    return time.time_ns() - int(hours * HOUR)
