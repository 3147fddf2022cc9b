"""`analyzer scan`: analyse logs once and report the incidents found."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    InputFormatOpt,
    NoBuiltinRulesOpt,
    NoRedactOpt,
    PathsArg,
    RedactEmailsOpt,
    RulesOpt,
    SchemaOpt,
    format_option,
    settings_of,
)
from analyzer.errors import UsageError

if TYPE_CHECKING:
    from analyzer.model import Incident, Report

SCAN_FORMATS = ("table", "json", "markdown", "html")
SEVERITY_CHOICES = ("critical", "high", "medium", "low", "info")
FormatOpt = Annotated[str, format_option(
    "scan", SCAN_FORMATS, "Output: table (for a terminal), json, markdown or html.")]
FailOnOpt = Annotated[str | None, typer.Option(
    "--fail-on", metavar="[critical|high|medium|low|info]", help="Exit 1 when an incident is "
    "at or above this severity; the incidents that tripped it are named on stderr.")]
MaxSamplesOpt = Annotated[int | None, typer.Option(
    "--max-samples", metavar="N", help="Sample lines kept per incident (default 5).")]
JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", metavar="N", help="Worker processes reading a large file (default: the usable "
    "cores; 1: one process). Same report either way.", show_default=False)]
BriefOpt = Annotated[bool, typer.Option(
    "--brief", help="table: the incidents and the root causes with their fix only.")]
EmitSummaryOpt = Annotated[str | None, typer.Option(
    "--emit-summary", metavar="FILE", help="Also write the run's mergeable summary (JSON) to "
    "this file, for `analyzer merge`.", show_default=False)]


@console.command
def scan(paths: PathsArg = None, schema: SchemaOpt = None, rules: RulesOpt = None,
         no_builtin_rules: NoBuiltinRulesOpt = False, output_format: FormatOpt = "table",
         brief: BriefOpt = False, input_format: InputFormatOpt = None,
         fail_on: FailOnOpt = None, no_redact: NoRedactOpt = False,
         redact_emails: RedactEmailsOpt = False, max_samples: MaxSamplesOpt = None,
         emit_summary: EmitSummaryOpt = None, jobs: JobsOpt = None,
         config: ConfigOpt = None) -> None:
    """Analyse logs once and report the incidents found. Inputs may also be engine sources:
    parquet:GLOB, json:GLOB, duckdb:///FILE?table=T, chdb:GLOB,
    clickhouse://HOST:PORT/DB?table=T."""
    from analyzer.pipeline import analysis_session

    output_format = console.choice("--format", output_format, SCAN_FORMATS)
    if fail_on is not None:
        fail_on = console.choice("--fail-on", fail_on, SEVERITY_CHOICES)
    settings = settings_of(config, command="scan", schema=schema, rules=rules,
                           input_format=input_format, no_redact=no_redact,
                           redact_emails=redact_emails, fail_on=fail_on,
                           max_samples=max_samples, jobs=jobs,
                           builtin_rules=False if no_builtin_rules else None)
    if settings.builtin_rules is False and not settings.rules_dirs:
        raise UsageError("--no-builtin-rules needs at least one --rules")
    inputs = console.input_paths(paths)
    with console.progress() as bar:
        session = analysis_session(inputs, settings, progress=bar)
    if emit_summary:
        from analyzer.summary import write_summary

        write_summary(session, emit_summary)
    report = session.report()
    print_report(report, output_format, redact=settings.redact, emails=settings.redact_emails,
                 brief=brief)
    console.report_problems(report.problems)
    raise typer.Exit(exit_status(report, settings.fail_on))


def print_report(report: Report, fmt: str, **options: Any) -> None:
    """Render to stdout; options (history=, redact=, emails=, brief=) go to the reporter.
    Nothing for the human formats when the report is inconclusive (no false "No
    incidents"); the problems on stderr say why. JSON carries its problems: always written."""
    from analyzer.report import REPORTERS

    if report.inconclusive and fmt != "json":
        return
    REPORTERS[fmt](report, console.stdout(), width=console.width(), color=console.color(),
                   wrap=console.wrap(), **options)


def tripped(report: Report, fail_on: str | None) -> list[Incident]:
    from analyzer.model import severity_rank

    if not fail_on:
        return []
    return [i for i in report.incidents if severity_rank(i.severity) <= severity_rank(fail_on)]


def exit_status(report: Report, fail_on: str | None) -> int:
    """2 on a fatal input problem; 1 when --fail-on trips (each incident named on stderr)."""
    if any(p.fatal for p in report.problems):
        return console.EXIT_USAGE
    hits = tripped(report, fail_on)
    for incident in hits:
        console.error_line(f"--fail-on {fail_on}: {incident.severity} incident {incident.id} "
                           f"({incident.rule}) ×{incident.count}")
    return console.EXIT_FAIL_ON if hits else console.EXIT_OK
