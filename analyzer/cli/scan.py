"""`analyzer scan`: analyse logs once and report the incidents found."""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    InputFormatOpt,
    NoBuiltinRulesOpt,
    NoRedactOpt,
    PathsArg,
    RulesOpt,
    SchemaOpt,
    settings_of,
)
from analyzer.errors import UsageError
from analyzer.model import Report, severity_rank
from analyzer.pipeline import analyze
from analyzer.report import REPORTERS

FormatOpt = Annotated[str, typer.Option(
    "--format", "-f", help="Output: table (rich terminal table), json, markdown or html.")]
FailOnOpt = Annotated[str | None, typer.Option(
    "--fail-on", help="Exit 1 when an incident is at or above this severity (critical, high, "
    "medium, low, info).")]
MaxSamplesOpt = Annotated[int | None, typer.Option(
    "--max-samples", help="Sample lines kept per incident (default 5).")]


@console.command
def scan(paths: PathsArg = None, schema: SchemaOpt = None, rules: RulesOpt = None,
         no_builtin_rules: NoBuiltinRulesOpt = False, output_format: FormatOpt = "table",
         input_format: InputFormatOpt = None, fail_on: FailOnOpt = None,
         no_redact: NoRedactOpt = False, max_samples: MaxSamplesOpt = None,
         config: ConfigOpt = None) -> None:
    """Analyse logs once and report the incidents found."""
    console.choice("--format", output_format, list(REPORTERS))
    settings = settings_of(config, schema=schema, rules=rules, input_format=input_format,
                           no_redact=no_redact, fail_on=fail_on, max_samples=max_samples,
                           builtin_rules=False if no_builtin_rules else None)
    if settings.builtin_rules is False and not settings.rules_dirs:
        raise UsageError("--no-builtin-rules needs at least one --rules")
    inputs = console.input_paths(paths)
    with console.progress() as bar:
        report = analyze(inputs, settings, progress=bar)
    print_report(report, output_format, redact=settings.redact, emails=settings.redact_emails)
    console.report_problems(report.problems)
    raise typer.Exit(exit_status(report, settings.fail_on))


def print_report(report: Report, fmt: str, **options: object) -> None:
    """Render to stdout; options (history=, redact=, emails=) go to the reporter."""
    REPORTERS[fmt](report, console.stdout(), width=console.width(), color=console.color(),
                   **options)


def exit_status(report: Report, fail_on: str | None) -> int:
    if any(p.fatal for p in report.problems):
        return console.EXIT_USAGE
    if fail_on and any(severity_rank(i.severity) <= severity_rank(fail_on)
                       for i in report.incidents):
        return console.EXIT_FAIL_ON
    return console.EXIT_OK
