"""Serve stage, the syslog receiver: TCP (plain or TLS) connections -> framed RFC 5424
messages (Render log streams, Supabase's syslog drain) -> batches for the engine.

asyncio streams do the sockets and TLS; `framing.Framer` cuts messages (RFC 6587). Messages
are batched per connection (up to BATCH_EVENTS, or what arrived within BATCH_SECONDS) and handed
to the engine; while its queue is full the connection is not read, so TCP pushes back on the
sender instead of memory growing. Each message must start with the token unless the receiver
is open (`--syslog-open`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time

from analyzer.serve import RECEIVERS
from analyzer.serve.auth import Auth
from analyzer.serve.engine import Batch, Engine
from analyzer.serve.framing import Framer
from analyzer.serve.metrics import Metrics

RECEIVER = "syslog"
FORMAT = RECEIVERS[RECEIVER]
BATCH_EVENTS = 5_000
BATCH_BYTES = 1 << 20  # a batch is handed over at this size too (64 KiB messages add up)
BATCH_SECONDS = 0.05
READ_BYTES = 256 * 1024
MAX_CONNECTIONS = 512
IDLE_TIMEOUT = 600.0  # a connection silent this long is closed


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


class SyslogReceiver:
    def __init__(self, engine: Engine, metrics: Metrics, auth: Auth | None) -> None:
        self.engine, self.metrics, self.auth = engine, metrics, auth  # auth None: open
        self.connections: set[asyncio.Task[None]] = set()
        self.receiver = RECEIVER

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if len(self.connections) >= MAX_CONNECTIONS or task is None:
            self.metrics.errors.labels(self.receiver, "too_many_connections").inc()
            writer.close()
            return
        self.connections.add(task)
        framer = Framer()
        pending: list[bytes] = []
        size = 0
        started = time.monotonic()
        try:
            while True:
                timeout = IDLE_TIMEOUT if not pending else BATCH_SECONDS
                try:
                    data = await asyncio.wait_for(reader.read(READ_BYTES), timeout)
                except TimeoutError:
                    if not pending:
                        break
                    data = None
                if data == b"":
                    pending += framer.close()
                    await self._hand_over(pending)
                    pending = []
                    break
                if data:
                    accepted = self._accepted(framer.feed(data))
                    pending += accepted
                    size += sum(len(m) for m in accepted)
                if pending and (data is None or len(pending) >= BATCH_EVENTS
                                or size >= BATCH_BYTES
                                or time.monotonic() - started >= BATCH_SECONDS):
                    await self._hand_over(pending)
                    pending, size, started = [], 0, time.monotonic()
        except (ConnectionError, ssl.SSLError, OSError):
            self.metrics.errors.labels(self.receiver, "connection").inc()
        finally:
            if pending:
                await self._hand_over(pending)
            self._count_framing(framer)
            self.connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _accepted(self, messages: list[bytes]) -> list[bytes]:
        if self.auth is None:
            return messages
        kept = []
        for message in messages:
            rest = self.auth.syslog_message(message)
            if rest is None:
                self.metrics.errors.labels(self.receiver, "unauthorized").inc()
            else:
                kept.append(rest)
        return kept

    async def _hand_over(self, messages: list[bytes]) -> None:
        """Offer the batch; while the engine is full, wait (the socket is not read)."""
        if not messages:
            return
        # a message spanning lines (octet counting allows it) stays one event's lines
        data = b"\n".join(messages) + b"\n"
        batch = Batch(self.receiver, FORMAT, data, len(messages))
        delay = 0.005
        while not self.engine.offer(batch, count_rejected=False):
            await asyncio.sleep(delay)
            delay = min(0.2, delay * 2)

    def _count_framing(self, framer: Framer) -> None:
        if framer.oversized:
            self.metrics.errors.labels(self.receiver, "oversized").inc(framer.oversized)
        if framer.malformed:
            self.metrics.errors.labels(self.receiver, "malformed_frame").inc(framer.malformed)


async def start_syslog(receiver: SyslogReceiver, host: str, port: int,
                       context: ssl.SSLContext | None) -> asyncio.Server:
    return await asyncio.start_server(receiver.handle, host, port, ssl=context,
                                      limit=READ_BYTES, backlog=256)
