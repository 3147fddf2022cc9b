"""Write a large, realistic Render dashboard log (deterministic): healthy request and app lines
with ~1% error events (the seed incident's shapes, several of them multi-line).

    python benchmarks/generate_render_log.py --lines 2000000 --out benchmarks/out/render-2m.log
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

HEALTHY = (
    "GET /api/health 200 {ms} ms - 15",
    "HEAD / 200 {ms} ms - -",
    "GET /api/users/me 200 {ms} ms - {size}",
    "GET /api/sessions/{sid} 200 {ms} ms - {size}",
    "POST /api/messages 201 {ms} ms - {size}",
    "💓 heartbeat: {n} sockets open, rss={rss}MB",
    "🔌 Client connected: {sock}",
    "📨 [{sock}] message user=user_{user} len={n}",
    "🧠 [emotion] analyzed {n} utterances in {ms} ms",
    "Executing (default): SELECT \"id\", \"sessionId\" FROM \"sessions\" "
    "WHERE \"userId\" = 'user_{user}';",
)
ERRORS = (
    ("❌ Failed to create session in Supabase:",
     "    Could not find the 'created_at' column of 'sessions' in the schema cache"),
    ("❌ [CRITICAL] Failed to fetch session from Supabase:",
     "    Error: column sessions.session_id does not exist",
     "    at SessionService.getSession (/opt/render/project/src/services/sessionService.js:72:15)",
     "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"),
    ('❌ column "reportId" does not exist',),
    ('❌ column "counters" does not exist',),
)


def ts_text(ns: int) -> str:
    seconds, frac = divmod(ns, 1_000_000_000)
    days, rem = divmod(seconds, 86400)
    hour, rem = divmod(rem, 3600)
    minute, second = divmod(rem, 60)
    digits = f"{frac:09d}".rstrip("0")
    return f"2025-11-{13 + days:02d}T{hour:02d}:{minute:02d}:{second:02d}" + \
        (f".{digits}" if digits else "") + "Z"


def generate(lines: int, seed: int, error_rate: float):
    rnd = random.Random(seed)
    ns = 6 * 3600 * 1_000_000_000
    written = 0
    while written < lines:
        ns += rnd.randint(1_000_000, 40_000_000)
        if rnd.random() < error_rate:
            event = rnd.choice(ERRORS)
        else:
            event = (rnd.choice(HEALTHY).format(
                ms=f"{rnd.uniform(0.5, 80):.3f}", size=rnd.randint(15, 900),
                sid=f"sess_{rnd.getrandbits(40):010x}", n=rnd.randint(1, 40),
                rss=rnd.randint(80, 400), sock=f"{rnd.getrandbits(60):015x}",
                user=rnd.randint(1000, 9999)),)
        for offset, text in enumerate(event):
            yield f"{ts_text(ns + offset * 7000)} {text}\n"
            written += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--error-rate", type=float, default=0.005,
                        help="share of events that are errors (multi-line: ~1%% of lines)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/render-2m.log"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        handle.writelines(generate(args.lines, args.seed, args.error_rate))
    print(args.out)


if __name__ == "__main__":
    main()
