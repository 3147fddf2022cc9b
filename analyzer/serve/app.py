"""Serve stage, the process: the receivers, the engine and the notifier started together, and
stopped in order on SIGTERM/SIGINT: stop accepting (listeners closed, open connections read
to the end of what they sent for up to `drain_s`), drain the engine's queue, flush the state,
send the pending alerts. Prints nothing; `on_ready` is told the addresses bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from aiohttp import web

from analyzer.errors import UsageError
from analyzer.notify import Alert, Notifier
from analyzer.serve.analysis import LiveAnalysis
from analyzer.serve.auth import Auth
from analyzer.serve.engine import Engine, EngineOptions
from analyzer.serve.http import HttpOptions, make_app
from analyzer.serve.metrics import Metrics
from analyzer.serve.syslog import SyslogReceiver, start_syslog, tls_context

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ServeOptions:
    engine: EngineOptions
    http: HttpOptions = field(default_factory=HttpOptions)
    syslog: tuple[str, int] | None = None
    http_at: tuple[str, int] | None = None
    tls: tuple[str, str] | None = None  # (cert file, key file) for syslog
    syslog_open: bool = False
    drain_s: float = 5.0


def parse_address(text: str, option: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise UsageError(f"{option}: expected HOST:PORT, got {text!r}")
    return host.strip("[]") or "0.0.0.0", int(port)


def serve_forever(analysis: LiveAnalysis, options: ServeOptions, auth: Auth, notifier: Notifier,
          on_ready: Callable[[Sequence[str]], None] = lambda addresses: None) -> None:
    """Run until SIGTERM or SIGINT; raises UsageError when a port or certificate is bad."""
    if options.syslog is None and options.http_at is None:
        raise UsageError("serve: give --syslog HOST:PORT and/or --http HOST:PORT")
    metrics = Metrics()
    notifier.on_sent = lambda ok: metrics.alerts.labels("sent" if ok else "failed").inc()

    def on_alerts(alerts: list[Alert]) -> None:
        notifier.submit(alerts)

    engine = Engine(analysis, options.engine, metrics, on_alerts)
    engine.start()
    try:
        asyncio.run(_main(engine, metrics, options, auth, on_ready))
    finally:
        engine.stop()
        notifier.close()


async def _main(engine: Engine, metrics: Metrics, options: ServeOptions, auth: Auth,
                on_ready: Callable[[Sequence[str]], None]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    addresses: list[str] = []
    syslog_server, receiver = None, None
    try:
        context = tls_context(*options.tls) if options.tls else None
    except (OSError, ValueError) as exc:
        raise UsageError(f"--tls-cert/--tls-key: cannot load: {exc}") from None
    if options.syslog is not None:
        receiver = SyslogReceiver(engine, metrics, None if options.syslog_open else auth)
        syslog_server = await _bind(start_syslog(receiver, *options.syslog, context),
                                    "--syslog")
        scheme = "syslog+tls" if context else "syslog"
        addresses += [f"{scheme}://{_where(s)}" for s in syslog_server.sockets]
    runner = None
    if options.http_at is not None:
        runner = web.AppRunner(make_app(engine, metrics, auth, options.http),
                               access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, *options.http_at, backlog=256)
        await _bind(site.start(), "--http")
        server = site._server  # the bound sockets (port 0 picks one)
        sockets = getattr(server, "sockets", None) or ()
        addresses += [f"http://{_where(s)}" for s in sockets]
    on_ready(addresses)
    await stop.wait()
    # stop accepting, then let open connections hand over what they already sent
    if syslog_server is not None:
        syslog_server.close()
    if runner is not None:
        await runner.cleanup()
    if receiver is not None and receiver.connections:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*receiver.connections,
                                                  return_exceptions=True), options.drain_s)


async def _bind(starting: Awaitable[T], option: str) -> T:
    try:
        return await starting
    except OSError as exc:
        raise UsageError(f"{option}: cannot listen: {exc.strerror or exc}") from None


def _where(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
