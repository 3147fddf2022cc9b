"""Benchmark: `analyzer watch` memory stays flat however long it runs.

Streams N Render-format lines (default 10M; ~1% errors of 20 distinct incidents, the rest
healthy traffic, log time advancing 1 ms a line) into `python -m analyzer watch --format json`
through a pipe, samples the watcher's RSS from /proc twice a second, and prints lines/s, MB/s,
RSS after the first tenth of the input, at the end, the peak (VmHWM) and at each tenth (RSS over
time), and the watcher's CPU seconds (a figure that holds on a loaded machine, unlike lines/s
of wall time).

    python benchmarks/watch_memory.py [--lines 10000000]

Memory is bounded when the RSS at the end is within a few MB of the RSS after the first tenth.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


PLACEHOLDER = "\x00" * 19  # one `YYYY-MM-DDTHH:MM:SS` per block: filled in by bytes.replace
_SHAPES: dict[int, list[bytes]] = {}


def block_shape(variant: int) -> bytes:
    """Block `variant` (0-9: which error columns it names) with a placeholder for its second."""
    lines = []
    for n in range(BLOCK):
        if n % 100 == 7:
            message = ERRORS[(n // 100) % 2].format(k=(variant + n // 100) % 10)
        else:
            message = HEALTHY[n % len(HEALTHY)].format(n=n)
        lines.append(f"{PLACEHOLDER}.{n % 1000:03d}000000Z {message}\n")
    return "".join(lines).encode()


def block_bytes(index: int) -> bytes:
    """Block `index` of the stream (deterministic; > 5M lines/s, so the feeder never bounds the
    figure: formatting each line in Python would cap it near 1M lines/s on one core)."""
    shape = _SHAPES.get(index % 10)
    if shape is None:
        shape = _SHAPES[index % 10] = block_shape(index % 10).split(PLACEHOLDER.encode())
    second = START + index * BLOCK // 1000
    prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return prefix.encode().join(shape)


def rss_kb(pid: int, field: str = "VmRSS", table: str = "status") -> int:
    """A kB field of /proc/PID/TABLE (`status`: VmRSS, VmHWM; `smaps_rollup`: Pss); 0 once the
    process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{table}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_by_tenth(samples: list[tuple[float, int, int]], lines: int) -> str:
    """The RSS when each tenth of the input had been written (MB), oldest first."""
    marks = []
    for tenth in range(1, 11):
        sample = next((s for s in samples if s[1] >= lines * tenth / 10), samples[-1])
        marks.append(f"{sample[2] / 1024:.0f}")
    return " ".join(marks) + " MB (each tenth of the input)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000_000)
    args = parser.parse_args()
    blocks = max(1, args.lines // BLOCK)
    env = {**os.environ, "NO_COLOR": "1"}
    watch = subprocess.Popen([sys.executable, "-m", "analyzer", "watch", "--format", "json",
                              "--summary"], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
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
    errors: list[bytes] = []
    readers = [threading.Thread(target=lambda: output.append(watch.stdout.read()), daemon=True),
               threading.Thread(target=lambda: errors.append(watch.stderr.read()), daemon=True)]
    for reader in readers:
        reader.start()
    peak = 0
    while watch.poll() is None:
        samples.append((time.monotonic() - started, written[0], rss_kb(watch.pid)))
        peak = max(peak, rss_kb(watch.pid, "VmHWM"))
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    for reader in readers:
        reader.join()
    events = [json.loads(line) for line in b"".join(output).decode().splitlines()]
    # piped, the summary (--summary) is the last JSON line on stderr
    summary = json.loads(b"".join(errors).decode().strip().splitlines()[-1])["report"]
    lines = summary["input"]["lines"]
    tenth = next((s for s in samples if s[1] >= lines / 10), samples[0])
    late = [s[2] for s in samples if s[1] >= lines * 0.9] or [samples[-1][2]]
    print(f"lines read by watch     {lines:,} ({written[1] / 1e6:,.0f} MB)")
    print(f"incidents / events      {len(summary['incidents'])} / {len(events)}")
    print(f"elapsed                 {elapsed:,.1f} s")
    print(f"throughput              {lines / elapsed:,.0f} lines/s, "
          f"{written[1] / 1e6 / elapsed:,.1f} MB/s")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the watcher is the only child
    cpu = usage.ru_utime + usage.ru_stime
    print(f"watcher CPU (user+sys)  {cpu:,.1f} s: {lines / cpu:,.0f} lines per CPU second")
    print(f"RSS after first 10%     {tenth[2] / 1024:,.1f} MB")
    print(f"RSS over the last 10%   {min(late) / 1024:,.1f}–{max(late) / 1024:,.1f} MB")
    print(f"peak RSS (VmHWM)        {peak / 1024:,.1f} MB")
    print(f"RSS over time           {rss_by_tenth(samples, lines)}")
    print(f"exit status             {watch.returncode}")


if __name__ == "__main__":
    main()
