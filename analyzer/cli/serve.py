"""`analyzer serve`: the endpoint log streams and drains point at. Every option is checked
before anything listens; then one library call runs the service until SIGTERM."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    MinSeverityOpt,
    NoRedactOpt,
    NotifyOnOpt,
    NotifyOpt,
    PublicUrlOpt,
    RedactEmailsOpt,
    RulesOpt,
    SchemaOpt,
    StateOpt,
    notify_of,
    settings_of,
)
from analyzer.errors import UsageError

SyslogOpt = Annotated[str | None, typer.Option(
    "--syslog", metavar="HOST:PORT",
    help="Receive syslog over TCP here (HOST:PORT): Render log streams, Supabase "
    "syslog drains. RFC 6587 framing, RFC 5424 messages.")]
TlsCertOpt = Annotated[str | None, typer.Option(
    "--tls-cert", metavar="FILE", help="PEM certificate (chain) for syslog over TLS.")]
TlsKeyOpt = Annotated[str | None, typer.Option("--tls-key", metavar="FILE",
    help="PEM private key of --tls-cert.")]
HttpOpt = Annotated[str | None, typer.Option(
    "--http", metavar="HOST:PORT",
    help="Serve HTTP here (HOST:PORT): POST /ingest/supabase, /ingest/ndjson, "
    "/ingest/render; the dashboard, /api/incidents, /metrics, /healthz.")]
TokenFileOpt = Annotated[str | None, typer.Option(
    "--token-file", metavar="FILE",
    help="Accepted tokens, one per line (default: $ANALYZER_SERVE_TOKEN). "
    "Required for ingest and pages.")]
SyslogOpenOpt = Annotated[bool, typer.Option(
    "--syslog-open", help="Accept syslog messages that do not start with a token (a private "
    "network, a sender that cannot add one).")]
OpenPagesOpt = Annotated[bool, typer.Option(
    "--open-pages", help="Serve the dashboard, /api/incidents and /metrics without the token.")]
FlushOpt = Annotated[float, typer.Option(
    "--flush-every", metavar="SECONDS", help="Seconds between writes of the state.")]
ResolveOpt = Annotated[str, typer.Option(
    "--resolve-after", metavar="DURATION",
    help="An incident quiet this long is RESOLVED; NEW and REGRESSED "
    "settle to ONGOING after it too (30m, 2h).")]
MaxBodyOpt = Annotated[int, typer.Option(
    "--max-body", metavar="BYTES", help="Largest request body in bytes (after gunzip).")]
RateOpt = Annotated[float, typer.Option(
    "--rate", metavar="N", help="Ingest requests per second per client (bursts of 4×).")]


@console.command
def serve(syslog: SyslogOpt = None, tls_cert: TlsCertOpt = None, tls_key: TlsKeyOpt = None,
          http: HttpOpt = None, token_file: TokenFileOpt = None,
          syslog_open: SyslogOpenOpt = False, open_pages: OpenPagesOpt = False,
          state: StateOpt = None, schema: SchemaOpt = None, rules: RulesOpt = None,
          notify: NotifyOpt = None, notify_on: NotifyOnOpt = "new,regressed,escalated",
          min_severity: MinSeverityOpt = "high", public_url: PublicUrlOpt = None,
          flush_every: FlushOpt = 2.0, resolve_after: ResolveOpt = "1h",
          max_body: MaxBodyOpt = 8 << 20, rate: RateOpt = 50.0,
          no_redact: NoRedactOpt = False, redact_emails: RedactEmailsOpt = False,
          config: ConfigOpt = None) -> None:
    """Run as your log stream's endpoint: receive Render log streams and Supabase log
    drains, keep incidents in the state, alert, and serve a live dashboard."""
    from analyzer.model import Problem
    from analyzer.notify import Notifier
    from analyzer.pipeline import parse_when
    from analyzer.report.common import cleaner
    from analyzer.session import load_ruleset, load_schema
    from analyzer.store import default_state_path

    try:
        from analyzer.serve.app import ServeOptions, parse_address, serve_forever
    except ImportError:
        raise UsageError("serve needs its extra: pip install "
                         "'log-incident-analyzer[serve]'") from None
    from analyzer.serve.analysis import LiveAnalysis
    from analyzer.serve.auth import Auth, load_tokens
    from analyzer.serve.engine import EngineOptions
    from analyzer.serve.http import HttpOptions

    settings = settings_of(config, command="serve", schema=schema, rules=rules,
                           no_redact=no_redact, redact_emails=redact_emails)
    auth = Auth(load_tokens(token_file))
    if bool(tls_cert) != bool(tls_key):
        raise UsageError("--tls-cert and --tls-key go together")
    if tls_cert and not syslog:
        raise UsageError("--tls-cert/--tls-key secure --syslog; give --syslog HOST:PORT")
    now = time.time_ns()
    quiet_ns = now - parse_when(resolve_after, now, "--resolve-after")
    if quiet_ns <= 0 or flush_every <= 0 or max_body <= 0 or rate <= 0:
        raise UsageError("--resolve-after, --flush-every, --max-body and --rate must be > 0")
    senders, policy = notify_of(notify, notify_on, min_severity, public_url)
    options = ServeOptions(
        engine=EngineOptions(state=state or str(default_state_path()),
                             flush_every=flush_every, settle_ns=quiet_ns,
                             resolve_after_ns=quiet_ns),
        http=HttpOptions(max_body=max_body, rate=rate, burst=4 * rate, open_pages=open_pages,
                         redact=settings.redact, redact_emails=settings.redact_emails),
        syslog=parse_address(syslog, "--syslog") if syslog else None,
        http_at=parse_address(http, "--http") if http else None,
        tls=(tls_cert, tls_key) if tls_cert and tls_key else None, syslog_open=syslog_open)
    problems: list[Problem] = []
    catalog = load_schema(settings, problems)
    console.report_problems(problems)
    analysis = LiveAnalysis(load_ruleset(settings), settings, catalog)
    notifier = Notifier(senders, policy, cleaner(settings.redact, settings.redact_emails))

    def ready(addresses: Sequence[str]) -> None:
        typer.echo("analyzer serve: listening on " + " ".join(addresses), err=True)

    serve_forever(analysis, options, auth, notifier, on_ready=ready)
    typer.echo("analyzer serve: stopped; state flushed", err=True)
