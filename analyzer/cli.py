"""Command line (typer). Parses options, wires the library together, picks a reporter and maps
AnalyzerError to exit status 2 with a one-line message. No analysis logic lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer

from analyzer import __version__
from analyzer.errors import AnalyzerError, UsageError
from analyzer.mining.suggest import rule_draft
from analyzer.mining.summary import template_rows
from analyzer.model import Incident, Report, severity_rank
from analyzer.pipeline import TemplateRun, analyze, mine_templates, redactor
from analyzer.report import REPORTERS
from analyzer.report.templates import write_csv, write_json, write_per_line_csv
from analyzer.report.terminal import render_templates
from analyzer.settings import Settings, resolve_settings
from analyzer.textsafe import printable

EXIT_OK, EXIT_FAIL_ON, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="analyzer",
    help="Find incidents in Render and Supabase production logs and explain schema mismatches.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"analyzer {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Find incidents in Render and Supabase production logs and explain schema mismatches."""


def fail(message: str) -> NoReturn:
    """Print one clean error line to stderr and exit 2."""
    typer.echo(f"analyzer: error: {printable(message)}", err=True)
    raise typer.Exit(EXIT_ERROR)


def warn(message: str) -> None:
    typer.echo(f"analyzer: warning: {printable(message)}", err=True)


def run_guarded(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except AnalyzerError as exc:
        fail(str(exc))


PathsArg = Annotated[list[str] | None, typer.Argument(
    help="Log files, globs, directories, or - for stdin (the default). Gzip is detected.",
    show_default=False)]
SchemaOpt = Annotated[list[str] | None, typer.Option(
    "--schema", "-s", help="Schema source: a .sql file of DDL. Repeatable.",
    show_default=False)]
RulesOpt = Annotated[list[str] | None, typer.Option(
    "--rules", "-r", help="Extra rule file or directory; a rule with a built-in id replaces "
    "it. Repeatable.", show_default=False)]


def print_report(report: Report, fmt: str) -> None:
    reporter = REPORTERS.get(fmt)
    if reporter is None:
        fail(f"--format: unknown format {fmt!r} (known: {', '.join(REPORTERS)})")
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
    try:
        reporter(report, sys.stdout, width=width, color=color)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head -1`): that is not an error of ours.
        _silence_stdout()
        raise typer.Exit(EXIT_OK) from None


def report_problems(report: Report) -> None:
    for problem in report.problems:
        (warn if not problem.fatal else _error_line)(str(problem))


def _error_line(message: str) -> None:
    typer.echo(f"analyzer: error: {printable(message)}", err=True)


def exit_status(report: Report, fail_on: str | None) -> int:
    if any(p.fatal for p in report.problems):
        return EXIT_ERROR
    if fail_on and any(severity_rank(i.severity) <= severity_rank(fail_on)
                       for i in report.incidents):
        return EXIT_FAIL_ON
    return EXIT_OK


@app.command()
def scan(
    paths: PathsArg = None,
    schema: SchemaOpt = None,
    rules: RulesOpt = None,
    no_builtin_rules: Annotated[bool, typer.Option(
        "--no-builtin-rules", help="Use only the --rules given.")] = False,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help="Output: table (rich terminal table) or json.")] = "table",
    input_format: Annotated[str | None, typer.Option(
        "--input-format", help="Skip detection and read the input as this format.")] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="Exit 1 when an incident is at or above this severity "
        "(critical, high, medium, low, info).")] = None,
    no_redact: Annotated[bool, typer.Option(
        "--no-redact", help="Keep secrets (passwords, JWTs, API keys) in the output.")] = False,
    max_samples: Annotated[int | None, typer.Option(
        "--max-samples", help="Sample lines kept per incident (default 5).")] = None,
    config: Annotated[str | None, typer.Option(
        "--config", help="Settings file (TOML); default ./analyzer.toml if present.")] = None,
) -> None:
    """Analyse logs once and report the incidents found."""
    def run() -> tuple[Report, Any]:
        settings = resolve_settings(
            config, schemas=schema, rules_dirs=rules,
            builtin_rules=False if no_builtin_rules else None, input_format=input_format,
            fail_on=fail_on, redact=False if no_redact else None, max_samples=max_samples)
        if settings.builtin_rules is False and not settings.rules_dirs:
            raise UsageError("--no-builtin-rules needs at least one --rules")
        return analyze(paths or ["-"], settings), settings

    report, settings = run_guarded(run)
    if output_format not in REPORTERS:
        fail(f"--format: unknown format {output_format!r} (known: {', '.join(REPORTERS)})")
    print_report(report, output_format)
    report_problems(report)
    raise typer.Exit(exit_status(report, settings.fail_on))


TEMPLATE_FORMATS = ("table", "csv", "json")


@app.command()
def templates(
    paths: PathsArg = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help="Output: table, csv or json.")] = "table",
    per_line: Annotated[bool, typer.Option(
        "--per-line", help="With --format csv: one row per record, line,template_id,template "
        "(line = the record's first line number in its source).")] = False,
    limit: Annotated[int | None, typer.Option(
        "--limit", "-n", help="Show only the N most frequent templates.")] = None,
    input_format: Annotated[str | None, typer.Option(
        "--input-format", help="Skip detection and read the input as this format.")] = None,
    no_redact: Annotated[bool, typer.Option(
        "--no-redact", help="Keep secrets in templates and values.")] = False,
    config: Annotated[str | None, typer.Option(
        "--config", help="Settings file (TOML); default ./analyzer.toml if present.")] = None,
) -> None:
    """Mine the message templates of a log (any records, errors or not), most frequent first."""
    if output_format not in TEMPLATE_FORMATS:
        fail(f"--format: unknown format {output_format!r} (known: {', '.join(TEMPLATE_FORMATS)})")
    if per_line and output_format != "csv":
        fail("--per-line needs --format csv")
    if limit is not None and limit < 1:
        fail("--limit must be at least 1")

    def run() -> tuple[TemplateRun, Settings]:
        settings = resolve_settings(config, input_format=input_format,
                                    redact=False if no_redact else None)
        return mine_templates(paths or ["-"], settings, per_line=per_line), settings

    result, settings = run_guarded(run)
    clean = redactor(settings)
    rows = template_rows(result.miner, clean, limit)
    records = sum(s.records for s in result.sources)
    try:
        if per_line:
            write_per_line_csv(result.assignments, sys.stdout, clean)
        elif output_format == "csv":
            write_csv(rows, sys.stdout)
        elif output_format == "json":
            write_json(rows, sys.stdout, records)
        else:
            color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
            width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
            render_templates(rows, sys.stdout, lines=records, width=width, color=color)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    for problem in result.problems:
        (warn if not problem.fatal else _error_line)(str(problem))
    raise typer.Exit(EXIT_ERROR if any(p.fatal for p in result.problems) else EXIT_OK)


rules_app = typer.Typer(help="Work with rules: draft one for an unclassified incident.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")


@rules_app.command("suggest")
def rules_suggest(
    incident: Annotated[str, typer.Argument(
        help="The unclassified incident's id (or a unique prefix of it), as `scan` shows it.",
        show_default=False)],
    paths: PathsArg = None,
    rules: RulesOpt = None,
    input_format: Annotated[str | None, typer.Option(
        "--input-format", help="Skip detection and read the input as this format.")] = None,
    config: Annotated[str | None, typer.Option(
        "--config", help="Settings file (TOML); default ./analyzer.toml if present.")] = None,
) -> None:
    """Print a YAML rule draft that classifies an unclassified incident of these logs."""
    def run() -> str:
        settings = resolve_settings(config, rules_dirs=rules, input_format=input_format)
        report = analyze(paths or ["-"], settings)
        return rule_draft(find_incident(report, incident))

    typer.echo(run_guarded(run), nl=False)


def find_incident(report: Report, wanted: str) -> Incident:
    """The incident whose id is `wanted` or, failing that, the only one it prefixes."""
    exact = [i for i in report.incidents if i.id == wanted]
    found = exact or [i for i in report.incidents if i.id.startswith(wanted)]
    if len(found) == 1:
        return found[0]
    known = ", ".join(i.id for i in report.incidents if i.rule == "unclassified") or "none"
    if found:
        raise UsageError(f"incident {wanted!r} is ambiguous: {', '.join(i.id for i in found)}")
    raise UsageError(f"no incident {wanted!r} in these logs (unclassified ones: {known})")


def main() -> None:
    """Console-script entry point: quiet on a closed pipe (`analyzer scan | head -1`)."""
    try:
        app()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:
        sys.exit(130)


def _silence_stdout() -> None:
    # Python flushes stdout at exit; point it at /dev/null so that flush cannot fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
