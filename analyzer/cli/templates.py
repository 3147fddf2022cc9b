"""`analyzer templates`: the message templates of a log, most frequent first."""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    InputFormatOpt,
    PathsArg,
    RedactEmailsOpt,
    format_option,
    settings_of,
)
from analyzer.errors import UsageError

TEMPLATE_FORMATS = ("table", "csv", "json")
FormatOpt = Annotated[str, format_option("templates", TEMPLATE_FORMATS,
                                         "Output: table, csv or json.")]
PerLineOpt = Annotated[bool, typer.Option(
    "--per-line", help="With --format csv: one row per record, line,template_id,template "
    "(line = the record's first line number in its source).")]
LimitOpt = Annotated[int | None, typer.Option(
    "--limit", "-n", metavar="N", help="Show only the N most frequent templates.")]
NoRedactOpt = Annotated[bool, typer.Option(
    "--no-redact", help="Keep secrets in templates and values.")]


@console.command
def templates(paths: PathsArg = None, output_format: FormatOpt = "table",
              per_line: PerLineOpt = False, limit: LimitOpt = None,
              input_format: InputFormatOpt = None, no_redact: NoRedactOpt = False,
              redact_emails: RedactEmailsOpt = False, config: ConfigOpt = None) -> None:
    """Mine the message templates of a log (any records, errors or not), most frequent first."""
    from analyzer.mining.summary import template_rows
    from analyzer.pipeline import mine_templates
    from analyzer.report.templates import write_csv, write_json, write_per_line_csv
    from analyzer.report.terminal import render_templates
    from analyzer.session import redactor

    output_format = console.choice("--format", output_format, TEMPLATE_FORMATS)
    if per_line and output_format != "csv":
        raise UsageError("--per-line needs --format csv")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    settings = settings_of(config, command="templates", input_format=input_format,
                           no_redact=no_redact, redact_emails=redact_emails)
    result = mine_templates(console.input_paths(paths), settings, per_line=per_line)
    clean = redactor(settings)
    rows = template_rows(result.miner, clean, limit)
    records = sum(s.records for s in result.sources)
    out = console.stdout()
    if per_line:
        write_per_line_csv(result.assignments, out, clean, result.miner.overflow)
    elif output_format == "csv":
        write_csv(rows, out)
    elif output_format == "json":
        write_json(rows, out, records)
    else:
        render_templates(rows, out, lines=records, width=console.width(),
                         color=console.color())
    fatal = console.report_problems(result.problems)
    raise typer.Exit(console.EXIT_USAGE if fatal else console.EXIT_OK)
