"""`analyzer watch`: a live log (stdin or --follow FILE), incidents as they happen."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    InputFormatOpt,
    MinSeverityOpt,
    NoRedactOpt,
    NotifyOnOpt,
    NotifyOpt,
    PublicUrlOpt,
    RedactEmailsOpt,
    RulesOpt,
    SchemaOpt,
    format_option,
    notify_of,
    settings_of,
)
from analyzer.errors import AnalyzerError

WATCH_FORMATS = ("text", "json")
FollowOpt = Annotated[str | None, typer.Option(
    "--follow", "-F", metavar="FILE",
    help="Follow this file like `tail -F` (rotation and truncation survive) "
    "instead of reading stdin.", show_default=False)]
FormatOpt = Annotated[str, format_option(
    "watch", WATCH_FORMATS, "Without a terminal: text (one line per event) or json (one "
    "object per line). On a terminal: the live screen.")]
SummaryOpt = Annotated[bool | None, typer.Option(
    "--summary/--no-summary", help="The final summary when the input ends or on Ctrl-C. "
    "Default: on a terminal; piped, only when asked (then on stderr, keeping stdout one "
    "event per line).", show_default=False)]


@console.command
def watch(follow: FollowOpt = None, schema: SchemaOpt = None, rules: RulesOpt = None,
          output_format: FormatOpt = "text", input_format: InputFormatOpt = None,
          no_redact: NoRedactOpt = False, redact_emails: RedactEmailsOpt = False,
          summary: SummaryOpt = None, notify: NotifyOpt = None,
          notify_on: NotifyOnOpt = "new,escalated", min_severity: MinSeverityOpt = "high",
          public_url: PublicUrlOpt = None, config: ConfigOpt = None) -> None:
    """Watch a live log (stdin or --follow FILE): incidents appear as they happen; on a
    terminal, q or Ctrl-C (or the end of input) prints the summary."""
    from analyzer.model import Problem
    from analyzer.notify import Notifier
    from analyzer.report import terminal
    from analyzer.report.common import cleaner
    from analyzer.report.keys import Keys
    from analyzer.report.live import LineView, LiveView, run_watch
    from analyzer.session import load_ruleset, load_schema
    from analyzer.stream import LiveInput, Watcher

    output_format = console.choice("--format", output_format, WATCH_FORMATS)
    senders, policy = notify_of(notify, notify_on, min_severity, public_url)
    settings = settings_of(config, command="watch", schema=schema, rules=rules,
                           input_format=input_format,
                           no_redact=no_redact, redact_emails=redact_emails)
    if follow is None:
        console.input_paths(None)  # refuses a terminal on stdin
    # A directory to follow is refused before rules and schema load.
    live = LiveInput.follow(follow, on_notice=console.warn) if follow else LiveInput.stdin()
    problems: list[Problem] = []
    watcher = Watcher(load_ruleset(settings), settings, load_schema(settings, problems))
    console.report_problems(problems)
    clean = cleaner(settings.redact, settings.redact_emails)
    source = live.start()
    as_json = output_format == "json"
    interactive = console.is_tty(console.stdout()) and not as_json
    view: LineView | LiveView
    if interactive:
        view = LiveView(watcher, terminal.console_for(console.stdout(), None, True), clean,
                        keys=Keys())
    else:
        view = LineView(console.stdout(), clean, as_json=as_json)
    failed = None
    notifier = Notifier(senders, policy, clean) if senders else None
    try:
        run_watch(watcher, source, view, settings.input_format,
                  on_events=notifier.submit_events if notifier else None)
    except AnalyzerError as exc:
        failed = exc
    finally:
        if notifier is not None:
            notifier.close()
    final = watcher.report()
    if summary if summary is not None else interactive:
        # piped, stdout stays one event per line: the summary goes to stderr
        out = console.stdout() if interactive else sys.stderr
        LineView(out, clean, as_json=as_json).summary(
            final, width=console.width(), color=interactive and console.color(),
            wrap=interactive, redact=settings.redact, emails=settings.redact_emails)
    if failed is not None:
        raise failed
    fatal = console.report_problems(p for p in final.problems if p not in problems)
    raise typer.Exit(console.EXIT_USAGE if fatal else console.EXIT_OK)
