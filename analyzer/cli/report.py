"""`analyzer report`: a scheduled report over a time window, remembered in a state database."""

from __future__ import annotations

import time
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
    PathsArg,
    PublicUrlOpt,
    RedactEmailsOpt,
    RulesOpt,
    SchemaOpt,
    StateOpt,
    format_option,
    notify_of,
    settings_of,
)
from analyzer.cli.scan import print_report

REPORT_FORMATS = ("table", "json", "markdown", "html")
FormatOpt = Annotated[str | None, format_option(
    "report", REPORT_FORMATS, "Output on stdout: table (the default), json, markdown or html "
    "(with --out: the files' suffixes choose).")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", metavar="WHEN",
    help="Window start: a duration back from now (24h, 90m, 7d) or an RFC3339 "
    "time. Default: everything.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", metavar="WHEN", help="Window end (exclusive), same forms as --since. Default: now.")]
OutOpt = Annotated[list[str] | None, typer.Option(
    "--out", "-o", metavar="FILE",
    help="Write the report here; the suffix picks the format: .md, .html, "
    ".json (.txt: the terminal table). Repeatable; - for Markdown on stdout. Default: the "
    "terminal table on stdout.", show_default=False)]
FailOnOpt = Annotated[list[str] | None, typer.Option(
    "--fail-on", metavar="CONDITION",
    help="Exit 1 when an incident matches: new, regressed, and/or a severity "
    "threshold; comma-separated or repeated. `new,regressed,critical` = a new or regressed "
    "critical incident.", show_default=False)]
DryRunOpt = Annotated[bool, typer.Option(
    "--dry-run", help="Report statuses without recording this run in the state.")]


@console.command
def report(paths: PathsArg = None, since: SinceOpt = None, until: UntilOpt = None,
           state: StateOpt = None, out: OutOpt = None, fail_on: FailOnOpt = None,
           dry_run: DryRunOpt = False, schema: SchemaOpt = None, rules: RulesOpt = None,
           input_format: InputFormatOpt = None, no_redact: NoRedactOpt = False,
           redact_emails: RedactEmailsOpt = False, output_format: FormatOpt = None,
           notify: NotifyOpt = None, notify_on: NotifyOnOpt = "new,regressed",
           min_severity: MinSeverityOpt = "high", public_url: PublicUrlOpt = None,
           config: ConfigOpt = None) -> None:
    """Scheduled report: analyse a time window, remember incidents in a state database, and
    mark each one NEW, ONGOING, REGRESSED or RESOLVED."""
    from analyzer.notify import alerts_of_run, notify_once
    from analyzer.pipeline import parse_when, scheduled_report
    from analyzer.report.common import cleaner
    from analyzer.report.outputs import check_outputs, write_outputs
    from analyzer.store import default_state_path, parse_fail_on

    if output_format is not None:
        output_format = console.choice("--format", output_format, REPORT_FORMATS)
    settings = settings_of(config, command="report", schema=schema, rules=rules,
                           input_format=input_format,
                           no_redact=no_redact, redact_emails=redact_emails)
    condition = parse_fail_on(fail_on or [])
    senders, policy = notify_of(notify, notify_on, min_severity, public_url)
    now = time.time_ns()
    window = (parse_when(since, now) if since else None,
              parse_when(until, now, "--until") if until else None)
    files = [target for target in out or [] if target != "-"]
    check_outputs(files)
    inputs = console.input_paths(paths)
    with console.progress() as bar:
        found, result = scheduled_report(inputs, settings,
                                         state=state or str(default_state_path()),
                                         window=window, progress=bar, dry_run=dry_run)
    options = {"history": result, "redact": settings.redact, "emails": settings.redact_emails}
    write_outputs(files, found, width=100, **options)
    if not out or "-" in out:
        print_report(found, output_format or ("markdown" if out else "table"), **options)
    if console.report_problems(found.problems):
        raise typer.Exit(console.EXIT_USAGE)
    if not dry_run:
        count, failed = notify_once(senders, policy, alerts_of_run(result),
                                    cleaner(settings.redact, settings.redact_emails))
        for name in failed:
            console.warn(f"--notify {name}: the alert about {count} incident(s) could not "
                         "be sent")
    hits = condition.triggered(result) if condition else []
    for item in hits:
        console.error_line(f"--fail-on: {item.status} {item.incident.severity} incident "
                           f"{item.id} ({item.incident.rule})")
    raise typer.Exit(console.EXIT_FAIL_ON if hits else console.EXIT_OK)
