"""Benchmark: `analyzer watch` memory stays flat however long it runs.

Streams N Render-format lines (default 10M; ~1% errors of 20 distinct incidents, the rest
healthy traffic, log time advancing 1 ms a line) into `python -m analyzer watch --format json`
through a pipe, samples the watcher's RSS from /proc twice a second, and prints lines/s, MB/s,
RSS after the first tenth of the input, at the end, and the peak (VmHWM).

    python benchmarks/watch_memory.py [--lines 10000000]

Memory is bounded when the RSS at the end is within a few MB of the RSS after the first tenth.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = 10_000
START = 1_763_014_983  # 2025-11-13T06:23:03Z

HEALTHY = [
    "GET /api/sessions/{n} 200 12.4 ms - 512",
    "POST /api/messages 201 31.9 ms - 88",
    "✅ WebSocket connection established for user u_{n}",
    "Executing (default): SELECT \"id\", \"sessionId\" FROM \"sessions\" WHERE \"id\" = {n};",
    "[emotion] analysed 3 utterances in 41 ms",
]
ERRORS = [
    "❌ Failed to fetch session from Supabase: Error: column sessions.col_{k} does not exist",
    "❌ Failed to create session in Supabase: Could not find the 'field_{k}' column of "
    "'sessions' in the schema cache",
]


def block_bytes(index: int) -> bytes:
    second = START + index * BLOCK // 1000
    prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    lines = []
    for n in range(BLOCK):
        ms = (index * BLOCK + n) % 1000
        if n % 100 == 7:
            message = ERRORS[(n // 100) % 2].format(k=(index + n // 100) % 10)
        else:
            message = HEALTHY[n % len(HEALTHY)].format(n=n)
        lines.append(f"{prefix}.{ms:03d}000000Z {message}\n")
    return "".join(lines).encode()


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000_000)
    args = parser.parse_args()
    blocks = max(1, args.lines // BLOCK)
    env = {**os.environ, "NO_COLOR": "1"}
    watch = subprocess.Popen([sys.executable, "-m", "analyzer", "watch", "--format", "json"],
                             cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    written = [0, 0]  # lines, bytes

    def feed() -> None:
        for index in range(blocks):
            data = block_bytes(index)
            watch.stdin.write(data)
            written[0] += BLOCK
            written[1] += len(data)
        watch.stdin.close()

    samples: list[tuple[float, int, int]] = []  # (seconds, lines written, rss kB)
    started = time.monotonic()
    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(watch.stdout.read()), daemon=True)
    reader.start()
    peak = 0
    while watch.poll() is None:
        samples.append((time.monotonic() - started, written[0], rss_kb(watch.pid)))
        peak = max(peak, rss_kb(watch.pid, "VmHWM"))
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    reader.join()
    events = [json.loads(line) for line in b"".join(output).decode().splitlines()]
    summary = events[-1]["report"]
    lines = summary["input"]["lines"]
    tenth = next((s for s in samples if s[1] >= lines / 10), samples[0])
    late = [s[2] for s in samples if s[1] >= lines * 0.9] or [samples[-1][2]]
    print(f"lines read by watch     {lines:,} ({written[1] / 1e6:,.0f} MB)")
    print(f"incidents / events      {len(summary['incidents'])} / {len(events) - 1}")
    print(f"elapsed                 {elapsed:,.1f} s")
    print(f"throughput              {lines / elapsed:,.0f} lines/s, "
          f"{written[1] / 1e6 / elapsed:,.1f} MB/s")
    print(f"RSS after first 10%     {tenth[2] / 1024:,.1f} MB")
    print(f"RSS over the last 10%   {min(late) / 1024:,.1f}–{max(late) / 1024:,.1f} MB")
    print(f"peak RSS (VmHWM)        {peak / 1024:,.1f} MB")
    print(f"exit status             {watch.returncode}")


if __name__ == "__main__":
    main()
