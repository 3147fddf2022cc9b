"""`analyzer pull supabase|render`: logs from the platforms' APIs as JSON lines."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from analyzer.cli import console
from analyzer.cli.options import RedactEmailsOpt
from analyzer.errors import UsageError

if TYPE_CHECKING:  # the library is imported when a command runs, not for --help
    from analyzer.pull import ApiClient

pull_app = typer.Typer(help="Fetch logs from the platforms' APIs as JSON lines.",
                       no_args_is_help=True, rich_markup_mode=None,
                       pretty_exceptions_enable=False)

SinceOpt = Annotated[str, typer.Option(
    "--since", metavar="WHEN",
    help="Window start: a duration back from now (24h, 90m) or an RFC3339 time.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", metavar="WHEN", help="Window end, same forms as --since. Default: now.")]
OutOpt = Annotated[str | None, typer.Option(
    "--out", "-o", metavar="FILE", help="Write the JSON lines here instead of stdout.")]
NoRedactOpt = Annotated[bool, typer.Option(
    "--no-redact", help="Write the rows as the API returned them, secrets included.")]
Rows = Callable[["ApiClient", int, int], Iterator[dict[str, Any]]]


@pull_app.command("supabase")
@console.command
def supabase(
    project_ref: Annotated[str, typer.Option(
        "--project-ref", metavar="REF",
        help="The project's reference id (the subdomain of its URL).")],
    since: SinceOpt = "1h", until: UntilOpt = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", metavar="NAME", help="Log sources (tables) to query; repeatable. Default: all.",
        show_default=False)] = None,
    api: Annotated[str | None, typer.Option(
        "--api", metavar="URL", envvar="ANALYZER_SUPABASE_API",
        help="Management API base URL.")] = None,
    out: OutOpt = None, no_redact: NoRedactOpt = False, redact_emails: RedactEmailsOpt = False,
) -> None:
    """Supabase logs through the Management API (a personal access token in
    $SUPABASE_ACCESS_TOKEN), each log source queried by SQL, as JSON lines."""
    from analyzer.pull import SUPABASE_API, SUPABASE_SOURCES, pull_supabase

    sources = tuple(source or SUPABASE_SOURCES)
    _pull(api or SUPABASE_API, "SUPABASE_ACCESS_TOKEN", since, until, out,
          _cleaner(no_redact, redact_emails),
          lambda client, start, end: pull_supabase(client, project_ref, start, end, sources))


@pull_app.command("render")
@console.command
def render(
    resource: Annotated[list[str], typer.Option(
        "--resource", metavar="ID", help="Render resource id (srv-…, crn-…); repeatable.")],
    since: SinceOpt = "1h", until: UntilOpt = None,
    owner: Annotated[str | None, typer.Option(
        "--owner", metavar="ID",
        help="Workspace id (default: read from the first resource).")] = None,
    api: Annotated[str | None, typer.Option(
        "--api", metavar="URL", envvar="ANALYZER_RENDER_API", help="Render API base URL.")] = None,
    out: OutOpt = None, no_redact: NoRedactOpt = False, redact_emails: RedactEmailsOpt = False,
) -> None:
    """Render logs through the logs API (an API key in $RENDER_API_KEY), as JSON lines."""
    from analyzer.pull import RENDER_API, pull_render

    _pull(api or RENDER_API, "RENDER_API_KEY", since, until, out,
          _cleaner(no_redact, redact_emails),
          lambda client, start, end: pull_render(client, resource, start, end, owner))


def _cleaner(no_redact: bool, redact_emails: bool) -> Callable[[str], str] | None:
    """Secrets (and with --redact-emails, addresses) out of every string of a row; None keeps
    the rows as the API returned them."""
    from analyzer.textsafe import redact

    if no_redact:
        return None
    return lambda text: redact(text, emails=redact_emails)


def _pull(base: str, key_env: str, since: str, until: str | None, out: str | None,
          clean: Callable[[str], str] | None, rows: Rows) -> None:
    from analyzer.pipeline import parse_when
    from analyzer.pull import ApiClient

    key = os.environ.get(key_env, "").strip()
    if not key:
        raise UsageError(f"pull: set ${key_env} to an API key")
    now = time.time_ns()
    start = parse_when(since, now)
    end = parse_when(until, now, "--until") if until else now
    if end <= start:
        raise UsageError("--until must be after --since")
    client = ApiClient(base, key)
    if out:
        with open(out, "w", encoding="utf-8") as stream:
            count = _write(rows(client, start, end), stream, clean)
    else:
        count = _write(rows(client, start, end), console.stdout(), clean)
    waited = f", waited {client.waited:.0f}s for rate limits" if client.waited else ""
    typer.echo(f"analyzer: pulled {count} log row(s) in {client.requests} request(s)"
               f"{waited}", err=True)


def _write(rows: Iterator[dict[str, Any]], stream: IO[str],
           clean: Callable[[str], str] | None) -> int:
    from analyzer.textsafe import scrubbed

    count = 0
    for row in rows:
        if clean is not None:
            row = scrubbed(row, clean)
        stream.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    stream.flush()
    return count
