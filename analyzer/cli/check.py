"""`analyzer check`: the code's models and SQL against the schema, before deploy."""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import RedactEmailsOpt, SchemaOpt, format_option

# the names of analyzer.check.report.REPORTERS (a test keeps them equal), spelled here so that
# --help and the config file's check need not import the parsers
CHECK_FORMATS = ("table", "json", "sarif", "github")

CodePathsArg = Annotated[list[str] | None, typer.Argument(
    metavar="PATH", help="Source trees to read models and SQL from (default: .). .gitignore "
    "is honoured; node_modules, virtualenvs and build output are skipped.",
    show_default=False)]
FormatOpt = Annotated[str, format_option(
    "check", CHECK_FORMATS, "Output: table, json, sarif (GitHub code scanning) or github "
    "(workflow annotations).")]
FailOnOpt = Annotated[str, typer.Option(
    "--fail-on", metavar="SEVERITY", help="Exit 1 when a finding is at or above this "
    "severity (critical, high, medium, low, info).")]
OrmOpt = Annotated[list[str] | None, typer.Option(
    "--orm", metavar="NAME", help="Read only these ORMs (sequelize, typeorm, prisma, "
    "drizzle, sqlalchemy, django, activerecord, postgrest, sql); default: detected. "
    "Repeatable.", show_default=False)]
FromLogsOpt = Annotated[list[str] | None, typer.Option(
    "--from-logs", metavar="FILE", help="Also check the tables and columns that SQL in these "
    "logs uses (Sequelize 'Executing', PostgreSQL statement: lines, failing statements). "
    "Repeatable.", show_default=False)]
NoRedactOpt = Annotated[bool, typer.Option(
    "--no-redact", help="Keep secrets found in the code, schema and logs in the output.")]


@console.command
def check(paths: CodePathsArg = None, schema: SchemaOpt = None, output_format: FormatOpt =
          "table", fail_on: FailOnOpt = "high", orm: OrmOpt = None,
          from_logs: FromLogsOpt = None, no_redact: NoRedactOpt = False,
          redact_emails: RedactEmailsOpt = False) -> None:
    """Check the code's models and SQL against the schema before deploy."""
    # imported here: the parsers (tree-sitter grammars, lark) are not every command's start-up
    from analyzer.check import fail_on_severity, orm_names, run_check, tripping
    from analyzer.check.report import REPORTERS
    from analyzer.textsafe import cleaner

    clean = cleaner(not no_redact, redact_emails)
    output_format = console.choice("--format", output_format, CHECK_FORMATS)
    level = fail_on_severity(fail_on)
    orm_names(orm or [])
    result = run_check(paths or ["."], schema or [], orms=orm or [],
                       from_logs=from_logs or [])
    console.stdout().write(REPORTERS[output_format](result, clean))
    # the github format carries the problems as annotations already
    problems = result.problems if output_format != "github" else \
        [p for p in result.problems if p.fatal]
    if console.report_problems(problems):
        raise typer.Exit(console.EXIT_USAGE)
    hits = tripping(result, level)
    for finding in hits:  # what made the exit status 1, also when stdout went to a file
        found = f" → {finding.found}" if finding.found else ""
        console.error_line(clean(f"--fail-on {level}: {finding.severity} finding {finding.id} "
                                 f"({finding.kind} {finding.wanted}{found}) at "
                                 f"{finding.file}:{finding.line}"))
    raise typer.Exit(console.EXIT_FAIL_ON if hits else console.EXIT_OK)
