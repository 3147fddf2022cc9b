"""Write a deterministic Render log for the scan and rule benchmarks (not a test).

    python benchmarks/generate_render_log.py benchmarks/out/render-2m.log [--lines 2000000]
    python benchmarks/generate_render_log.py benchmarks/out/render-2m-healthy.log --error-share 0
    python benchmarks/generate_render_log.py out.log --style text   # `render logs` text output

Styles: `dashboard` (a dashboard download: `<RFC3339 with ns>Z <message>`) or `text` (what
`render logs` prints to a pipe: `YYYY-MM-DD HH:MM:SS`, two spaces, the message).

About 1% of the lines belong to error events (multi-line stack traces and util.inspect blocks
included), drawn from every family the built-in pack covers; the rest is healthy traffic:
access-log lines, heartbeats, info messages. Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ERRORS = [
    ["❌ Failed to create session in Supabase:",
     "    Could not find the 'created_at' column of 'sessions' in the schema cache"],
    ["❌ [CRITICAL] Failed to fetch session from Supabase:",
     "    Error: column sessions.session_id does not exist",
     "    at SessionService.getSession (/opt/render/project/src/services/sessionService.js:72:15)",
     "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"],
    ['❌ Error loading active session: SequelizeDatabaseError: relation "counseling_sessions" '
     "does not exist",
     "    at Query.formatError (/opt/render/project/src/node_modules/sequelize/lib/dialects/"
     "postgres/query.js:386:16)",
     "  parent: error: relation \"counseling_sessions\" does not exist",
     "    code: '42P01',",
     "}"],
    ['error: duplicate key value violates unique constraint "users_email_key"',
     "    at /opt/render/project/src/node_modules/pg/lib/client.js:535:17 {",
     "  code: '23505',", "}"],
    ["Error: connect ECONNREFUSED 10.0.3.7:5432",
     "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)"],
    ["PrismaClientKnownRequestError: ",
     "Invalid `prisma.session.findMany()` invocation:",
     "The column `sessions.started_at` does not exist in the current database.",
     "    at Xn.handleRequestError (/app/node_modules/@prisma/client/runtime/library.js:121:7315)"],
    ["GET /api/sessions/sess_{sid} 500 {ms} ms - 64"],
    ['{"code":"PGRST116","details":"The result contains 0 rows","hint":null,'
     '"message":"Cannot coerce the result to a single JSON object"}'],
    ["error: canceling statement due to statement timeout"],
    ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"],
    ["==> Exited with status 1"],
]

PATHS = ["/", "/api/health", "/api/users/me", "/api/counselors", "/api/auth/refresh",
         "/api/sessions", "/api/reports/42", "/api/messages?limit=20"]


def healthy(rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.6:
        method = "HEAD" if r < 0.15 else rnd.choice(["GET", "GET", "POST", "PATCH"])
        status = rnd.choice([200, 200, 200, 201, 204, 304, 401, 404])
        return (f"{method} {rnd.choice(PATHS)} {status} {rnd.uniform(0.8, 45):.3f} ms - "
                f"{rnd.randint(12, 900)}")
    if r < 0.75:
        return (f"💓 heartbeat: {rnd.randint(1, 9)} sockets open, "
                f"rss={rnd.randint(88, 140)}MB")
    if r < 0.9:
        return (f"📨 [{rnd.randbytes(8).hex()}] message from user_{rnd.randint(1000, 9999)} "
                f"processed in {rnd.randint(3, 900)}ms")
    return (f"Executing (default): SELECT \"id\", \"status\" FROM \"sessions\" AS \"Session\" "
            f"WHERE \"Session\".\"id\" = '{rnd.randbytes(6).hex()}' LIMIT 1;")


def timestamp(ns: int) -> str:
    seconds, frac = divmod(ns, 1_000_000_000)
    day, rest = divmod(seconds, 86_400)
    hour, rest = divmod(rest, 3600)
    minute, second = divmod(rest, 60)
    digits = f"{frac:09d}".rstrip("0")
    return (f"2025-11-{13 + day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
            + (f".{digits}" if digits else "") + "Z")


def text_timestamp(ns: int) -> str:
    return timestamp(ns)[:19].replace("T", " ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--error-share", type=float, default=0.01)
    parser.add_argument("--style", choices=["dashboard", "text"], default="dashboard")
    args = parser.parse_args()
    prefix = (lambda ns: timestamp(ns) + " ") if args.style == "dashboard" \
        else (lambda ns: text_timestamp(ns) + "  ")
    rnd = random.Random(20251113)
    ns = 6 * 3600 * 1_000_000_000
    written = 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    event_share = args.error_share / 2.5  # an error event is ~2.5 lines on average
    with args.out.open("w", encoding="utf-8") as out:
        while written < args.lines:
            ns += rnd.randint(1_000_000, 400_000_000)
            if rnd.random() < event_share:
                sid, ms = rnd.randbytes(8).hex(), f"{rnd.uniform(1, 40):.3f}"
                block = [line.replace("{sid}", sid).replace("{ms}", ms)
                         for line in rnd.choice(ERRORS)]
            else:
                block = [healthy(rnd)]
            for line in block:
                ns += rnd.randint(1_000, 40_000)
                out.write(f"{prefix(ns)}{line}\n")
            written += len(block)


if __name__ == "__main__":
    main()
