"""`analyzer report`: a scheduled report over a time window, remembered in a state database."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    InputFormatOpt,
    NoRedactOpt,
    PathsArg,
    RedactEmailsOpt,
    RulesOpt,
    SchemaOpt,
    StateOpt,
    settings_of,
)
from analyzer.cli.scan import print_report
from analyzer.pipeline import parse_when, scheduled_report
from analyzer.report.outputs import check_outputs, write_outputs
from analyzer.store import default_state_path, parse_fail_on

SinceOpt = Annotated[str | None, typer.Option(
    "--since", help="Window start: a duration back from now (24h, 90m, 7d) or an RFC3339 "
    "time. Default: everything.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", help="Window end (exclusive), same forms as --since. Default: now.")]
OutOpt = Annotated[list[str] | None, typer.Option(
    "--out", "-o", help="Write the report here; the suffix picks the format: .md, .html, "
    ".json (.txt: the terminal table). Repeatable; - for Markdown on stdout. Default: the "
    "terminal table on stdout.", show_default=False)]
FailOnOpt = Annotated[list[str] | None, typer.Option(
    "--fail-on", help="Exit 1 when an incident matches: new, regressed, and/or a severity "
    "threshold; comma-separated or repeated. `new,regressed,critical` = a new or regressed "
    "critical incident.", show_default=False)]
DryRunOpt = Annotated[bool, typer.Option(
    "--dry-run", help="Report statuses without recording this run in the state.")]


@console.command
def report(paths: PathsArg = None, since: SinceOpt = None, until: UntilOpt = None,
           state: StateOpt = None, out: OutOpt = None, fail_on: FailOnOpt = None,
           dry_run: DryRunOpt = False, schema: SchemaOpt = None, rules: RulesOpt = None,
           input_format: InputFormatOpt = None, no_redact: NoRedactOpt = False,
           redact_emails: RedactEmailsOpt = False, config: ConfigOpt = None) -> None:
    """Scheduled report: analyse a time window, remember incidents in a state database, and
    mark each one NEW, ONGOING, REGRESSED or RESOLVED."""
    settings = settings_of(config, schema=schema, rules=rules, input_format=input_format,
                           no_redact=no_redact, redact_emails=redact_emails)
    condition = parse_fail_on(fail_on or [])
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
        print_report(found, "markdown" if out else "table", **options)
    if console.report_problems(found.problems):
        raise typer.Exit(console.EXIT_USAGE)
    hits = condition.triggered(result) if condition else []
    for item in hits:
        console.warn(f"--fail-on: {item.status} {item.incident.severity} incident {item.id} "
                     f"({item.incident.rule})")
    raise typer.Exit(console.EXIT_FAIL_ON if hits else console.EXIT_OK)
