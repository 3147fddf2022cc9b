"""Benchmark: `analyzer serve` under a sustained syslog load, bounded and loopback only.

Starts a real `python -m analyzer serve` on 127.0.0.1 (ephemeral ports, a temporary state),
then for --seconds sends --rate RFC 5424 messages a second over --connections TCP
connections (octet-counted frames, 1% errors of 20 known incidents, the rest healthy traffic).
Every half second one message carries an error never seen before (a new incident); a poller
reads /api/incidents every 50 ms and records when each one appears. Prints the events/s the
server analysed (its own counter), the p50/p99 arrival -> incident latency on /api/incidents,
RSS after the first tenth and at the end, and peak RSS (VmHWM). The send rate is capped, the
run is bounded in time, and nothing leaves the machine.

    python benchmarks/serve_load.py [--rate 50000] [--seconds 60] [--connections 4]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token-0123456789abcdef"
HEALTHY = ["GET /api/sessions/{n} 200 12.4 ms - 512", "POST /api/messages 201 31.9 ms - 88",
           "✅ WebSocket connection established for user u_{n}",
           "[emotion] analysed 3 utterances in 41 ms"]
KNOWN = 'error: column "col_{k}" does not exist'
FRESH = 'ERROR:  relation "fresh_{k}" does not exist'


def frame(text: str, n: int) -> bytes:
    ts = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    pri = 11 if "rror" in text else 14
    body = (f"{TOKEN} <{pri}>1 {ts} acme-api web srv-bench-{n % 3} srv-bench - "
            f"{text}").encode()
    return str(len(body)).encode() + b" " + body


def block(size: int, start: int) -> bytes:
    parts = []
    for n in range(start, start + size):
        text = (KNOWN.format(k=n % 20) if n % 100 == 0
                else HEALTHY[n % len(HEALTHY)].format(n=n))
        parts.append(frame(text, n))
    return b"".join(parts)


def rss_kb(pid: int, key: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def get_json(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=50_000, help="messages per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    rate, seconds = min(args.rate, 200_000), min(args.seconds, 600.0)

    tmp = Path(tempfile.mkdtemp(prefix="serve-load-"))
    (tmp / "tokens").write_text(TOKEN + "\n")
    err = open(tmp / "serve.err", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "analyzer", "serve", "--syslog",
                             "127.0.0.1:0", "--http", "127.0.0.1:0", "--token-file",
                             str(tmp / "tokens"), "--state", str(tmp / "state.db")],
                            cwd=ROOT, stderr=err, stdout=subprocess.DEVNULL)
    try:
        run(proc, tmp, rate, seconds, args.connections)
    finally:
        proc.terminate()
        proc.wait(60)


def run(proc: subprocess.Popen, tmp: Path, rate: int, seconds: float,
        connections: int) -> None:
    while not (found := re.search(r"syslog://([\d.]+):(\d+) http://([\d.:]+)",
                                  (tmp / "serve.err").read_text())):
        if proc.poll() is not None:
            sys.exit((tmp / "serve.err").read_text())
        time.sleep(0.1)
    syslog = (found.group(1), int(found.group(2)))
    http = f"http://{found.group(3)}"
    per_tick = max(1, rate // connections // 20)  # 20 ticks a second per connection
    payload = block(per_tick, 0)
    sent = [0] * connections
    fresh_sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()
    stop_polling = threading.Event()

    def sender(index: int) -> None:
        with socket.create_connection(syslog) as conn:
            next_at = time.monotonic()
            fresh_at = next_at
            k = 0
            while not stop.is_set():
                conn.sendall(payload)
                sent[index] += per_tick
                if index == 0 and time.monotonic() >= fresh_at:
                    name = f"fresh_{k}"
                    fresh_sent[name] = time.monotonic()
                    conn.sendall(frame(FRESH.format(k=k), k))
                    sent[index] += 1
                    k += 1
                    fresh_at += 0.5
                next_at += 0.05
                delay = next_at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)

    def poller() -> None:
        while not stop_polling.is_set():
            try:
                data = get_json(f"{http}/api/incidents")
            except OSError:
                continue
            now = time.monotonic()
            for incident in data["incidents"]:
                table = incident["entities"].get("table", "")
                if table.startswith("fresh_") and table not in seen:
                    seen[table] = now
            time.sleep(0.05)

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(connections)]
    threads.append(threading.Thread(target=poller))
    started = time.monotonic()
    health0 = get_json(f"{http}/healthz")["events"]
    for thread in threads:
        thread.start()
    early_rss = 0
    while time.monotonic() - started < seconds:
        time.sleep(0.5)
        if not early_rss and time.monotonic() - started >= seconds / 10:
            early_rss = rss_kb(proc.pid)
    processed = get_json(f"{http}/healthz")["events"] - health0
    elapsed = time.monotonic() - started
    end_rss, peak = rss_kb(proc.pid), rss_kb(proc.pid, "VmHWM")
    stop.set()
    time.sleep(3)  # the last fresh incidents may still be on their way
    stop_polling.set()
    for thread in threads:
        thread.join(30)
    latencies = sorted(seen[n] - fresh_sent[n] for n in fresh_sent if n in seen)
    missing = len(fresh_sent) - len(latencies)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0
    print(f"offered {sum(sent) / elapsed:,.0f} events/s over {connections} connection(s) for "
          f"{elapsed:.0f}s; analysed {processed / elapsed:,.0f} events/s")
    print(f"arrival -> incident on /api/incidents: p50 {pct(0.5) * 1000:.0f} ms, p99 "
          f"{pct(0.99) * 1000:.0f} ms over {len(latencies)} new incidents ({missing} not seen)")
    print(f"RSS after {seconds / 10:.0f}s {early_rss / 1024:.0f} MB, at the end "
          f"{end_rss / 1024:.0f} MB, peak {peak / 1024:.0f} MB; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
