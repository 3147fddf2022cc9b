"""`analyzer merge`: summaries of shards scanned apart (`scan --emit-summary`) as one report."""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    NoBuiltinRulesOpt,
    NoRedactOpt,
    RedactEmailsOpt,
    RulesOpt,
    SchemaOpt,
    format_option,
    settings_of,
)
from analyzer.cli.scan import (
    SCAN_FORMATS,
    SEVERITY_CHOICES,
    FailOnOpt,
    exit_status,
    print_report,
)
from analyzer.errors import UsageError

SummariesArg = Annotated[list[str], typer.Argument(
    metavar="SUMMARY", help="Summary files written by `scan --emit-summary`, in input order.",
    show_default=False)]
FormatOpt = Annotated[str, format_option(
    "merge", SCAN_FORMATS, "Output: table (for a terminal), json, markdown or html.")]


@console.command
def merge(summaries: SummariesArg, schema: SchemaOpt = None, rules: RulesOpt = None,
          no_builtin_rules: NoBuiltinRulesOpt = False, output_format: FormatOpt = "table",
          fail_on: FailOnOpt = None, no_redact: NoRedactOpt = False,
          redact_emails: RedactEmailsOpt = False, config: ConfigOpt = None) -> None:
    """Merge shard summaries into the report one scan over all their inputs gives (same ids,
    counts, first/last seen, samples); the diagnosis runs on the merged state."""
    from analyzer.model import Problem
    from analyzer.session import load_ruleset, load_schema
    from analyzer.summary import merge_summaries

    output_format = console.choice("--format", output_format, SCAN_FORMATS)
    if fail_on is not None:
        fail_on = console.choice("--fail-on", fail_on, SEVERITY_CHOICES)
    settings = settings_of(config, command="merge", schema=schema, rules=rules, fail_on=fail_on,
                           builtin_rules=False if no_builtin_rules else None,
                           no_redact=no_redact, redact_emails=redact_emails)
    if settings.builtin_rules is False and not settings.rules_dirs:
        raise UsageError("--no-builtin-rules needs at least one --rules")
    ruleset = load_ruleset(settings)
    problems: list[Problem] = []
    catalog = load_schema(settings, problems)
    session = merge_summaries(summaries, ruleset, settings, catalog)
    for problem in problems:
        session.add_problem(problem)
    report = session.report()
    print_report(report, output_format, redact=settings.redact, emails=settings.redact_emails)
    console.report_problems(report.problems)
    raise typer.Exit(exit_status(report, settings.fail_on))
