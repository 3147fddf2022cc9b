"""Command line (typer). Parses options, wires the library together, picks a reporter and maps
AnalyzerError to exit status 2 with a one-line message. No analysis logic lives here."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from analyzer import __version__
from analyzer.diagnose import CHECKS
from analyzer.errors import AnalyzerError, UsageError
from analyzer.ingest import FORMATS, get_format
from analyzer.mining.suggest import rule_draft
from analyzer.mining.summary import template_rows
from analyzer.model import Incident, Problem, Report, severity_rank
from analyzer.pipeline import (
    TemplateRun,
    analyze,
    load_ruleset,
    load_schema,
    mine_templates,
    parse_when,
    redactor,
    scheduled_report,
)
from analyzer.report import REPORTERS, terminal
from analyzer.report.common import cleaner
from analyzer.report.jsonout import incident_dict, scrubbed
from analyzer.report.live import LineView, LiveView, run_watch
from analyzer.report.outputs import check_outputs, write_outputs
from analyzer.report.postmortem import Facts, facts_dict, facts_from_report, facts_from_state
from analyzer.report.postmortem_md import render_markdown
from analyzer.report.progress import ProgressBar
from analyzer.report.templates import write_csv, write_json, write_per_line_csv
from analyzer.report.terminal import render_templates
from analyzer.rulebook import (
    LoadedRules,
    collect_rules,
    default_lint_paths,
    lint_paths,
    run_rule_examples,
)
from analyzer.rulebook.load import builtin_rules_dir
from analyzer.settings import Settings, resolve_settings
from analyzer.store import RunResult, StateStore, default_state_path, parse_fail_on
from analyzer.stream import LiveInput, Watcher
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
    "--schema", "-s", help="Schema source: a .sql file of DDL, a migrations folder (replayed "
    "in order) or a postgresql:// URL (read-only). Repeatable; all merge into one catalog.",
    show_default=False)]
RulesOpt = Annotated[list[str] | None, typer.Option(
    "--rules", "-r", help="Extra rule file or directory; a rule with a built-in id replaces "
    "it. Repeatable.", show_default=False)]
InputFormatOpt = Annotated[str | None, typer.Option(
    "--input-format", help="Skip detection and read the input as this format.")]
NoRedactOpt = Annotated[bool, typer.Option(
    "--no-redact", help="Keep secrets (passwords, JWTs, API keys) in the output.")]
RedactEmailsOpt = Annotated[bool, typer.Option(
    "--redact-emails", help="Also replace email addresses with [EMAIL].")]
ConfigOpt = Annotated[str | None, typer.Option(
    "--config", help="Settings file (TOML); default ./analyzer.toml if present.")]


def print_report(report: Report, fmt: str, **options: Any) -> None:
    """Render to stdout; options (history=, redact=, emails=) go to the reporter."""
    reporter = REPORTERS.get(fmt)
    if reporter is None:
        fail(f"--format: unknown format {fmt!r} (known: {', '.join(REPORTERS)})")
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
    try:
        reporter(report, sys.stdout, width=width, color=color, **options)
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
        "--format", "-f", help="Output: table (rich terminal table), json, markdown or "
        "html.")] = "table",
    input_format: InputFormatOpt = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="Exit 1 when an incident is at or above this severity "
        "(critical, high, medium, low, info).")] = None,
    no_redact: NoRedactOpt = False,
    max_samples: Annotated[int | None, typer.Option(
        "--max-samples", help="Sample lines kept per incident (default 5).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Analyse logs once and report the incidents found."""
    def run() -> tuple[Report, Any]:
        settings = resolve_settings(
            config, schemas=schema, rules_dirs=rules,
            builtin_rules=False if no_builtin_rules else None, input_format=input_format,
            fail_on=fail_on, redact=False if no_redact else None, max_samples=max_samples)
        if settings.builtin_rules is False and not settings.rules_dirs:
            raise UsageError("--no-builtin-rules needs at least one --rules")
        bar = progress_bar()
        try:
            return analyze(paths or ["-"], settings, progress=bar), settings
        finally:
            if bar is not None:
                bar.close()

    report, settings = run_guarded(run)
    if output_format not in REPORTERS:
        fail(f"--format: unknown format {output_format!r} (known: {', '.join(REPORTERS)})")
    print_report(report, output_format, redact=settings.redact, emails=settings.redact_emails)
    report_problems(report)
    raise typer.Exit(exit_status(report, settings.fail_on))


def progress_bar() -> ProgressBar | None:
    """A progress bar on stderr for scans over a second, when stderr is a terminal."""
    return ProgressBar(sys.stderr) if sys.stderr.isatty() else None


@app.command()
def report(
    paths: PathsArg = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Window start: a duration back from now (24h, 90m, 7d) or an RFC3339 "
        "time. Default: everything.")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Window end (exclusive), same forms as --since. Default: now.")] = None,
    state: Annotated[str | None, typer.Option(
        "--state", envvar="ANALYZER_STATE", help="State database (SQLite). Default: "
        "$XDG_STATE_HOME/analyzer/state.db (~/.local/state/analyzer/state.db).")] = None,
    out: Annotated[list[str] | None, typer.Option(
        "--out", "-o", help="Write the report here; the suffix picks the format: .md, .html, "
        ".json (.txt: the terminal table). Repeatable; - for Markdown on stdout. Default: the "
        "terminal table on stdout.", show_default=False)] = None,
    fail_on: Annotated[list[str] | None, typer.Option(
        "--fail-on", help="Exit 1 when an incident matches: new, regressed, and/or a severity "
        "threshold; comma-separated or repeated. `new,regressed,critical` = a new or regressed "
        "critical incident.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Report statuses without recording this run in the state.")] = False,
    schema: SchemaOpt = None,
    rules: RulesOpt = None,
    input_format: InputFormatOpt = None,
    no_redact: NoRedactOpt = False,
    redact_emails: RedactEmailsOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Scheduled report: analyse a time window, remember incidents in a state database, and
    mark each one NEW, ONGOING, REGRESSED or RESOLVED."""
    def run() -> tuple[Report, RunResult, Settings, Any]:
        settings = resolve_settings(
            config, schemas=schema, rules_dirs=rules, input_format=input_format,
            redact=False if no_redact else None, redact_emails=redact_emails or None)
        condition = parse_fail_on(fail_on or [])
        now = time.time_ns()
        window = (parse_when(since, now) if since else None,
                  parse_when(until, now, "--until") if until else None)
        check_outputs(target for target in out or [] if target != "-")
        bar = progress_bar()
        try:
            found, result = scheduled_report(
                paths or ["-"], settings, state=state or str(default_state_path()),
                window=window, progress=bar, dry_run=dry_run)
        finally:
            if bar is not None:
                bar.close()
        files = [target for target in out or [] if target != "-"]
        write_outputs(files, found, width=100, history=result, redact=settings.redact,
                      emails=settings.redact_emails)
        return found, result, settings, condition

    found, result, settings, condition = run_guarded(run)
    options = {"history": result, "redact": settings.redact, "emails": settings.redact_emails}
    if not out:
        print_report(found, "table", **options)
    elif "-" in out:
        print_report(found, "markdown", **options)
    report_problems(found)
    if any(p.fatal for p in found.problems):
        raise typer.Exit(EXIT_ERROR)
    hits = condition.triggered(result) if condition else []
    for item in hits:
        warn(f"--fail-on: {item.status} {item.incident.severity} incident {item.id} "
             f"({item.incident.rule})")
    raise typer.Exit(EXIT_FAIL_ON if hits else EXIT_OK)


@app.command()
def watch(
    follow: Annotated[str | None, typer.Option(
        "--follow", "-F", help="Follow this file like `tail -F` (rotation and truncation "
        "survive) instead of reading stdin.", show_default=False)] = None,
    schema: SchemaOpt = None,
    rules: RulesOpt = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help="Without a terminal: text (one line per event) or json (one "
        "object per line). On a terminal: the live screen.")] = "text",
    input_format: InputFormatOpt = None,
    no_redact: NoRedactOpt = False,
    redact_emails: RedactEmailsOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Watch a live log (stdin or --follow FILE): incidents appear as they happen; Ctrl-C or
    the end of input prints the summary."""
    if output_format not in ("text", "json"):
        fail(f"--format: expected text or json, got {output_format!r}")

    def setup() -> tuple[Watcher, Settings]:
        settings = resolve_settings(
            config, schemas=schema, rules_dirs=rules, input_format=input_format,
            redact=False if no_redact else None, redact_emails=redact_emails or None)
        if settings.input_format:
            get_format(settings.input_format)
        problems: list[Problem] = []
        catalog = load_schema(settings, problems)
        for problem in problems:
            warn(str(problem))
        watcher = Watcher(load_ruleset(settings), settings, catalog, redact=redactor(settings))
        return watcher, settings

    watcher, settings = run_guarded(setup)
    clean = cleaner(settings.redact, settings.redact_emails)
    source = (LiveInput.follow(follow) if follow else LiveInput.stdin()).start()
    interactive = sys.stdout.isatty() and output_format == "text"
    view: LineView | LiveView
    if interactive:
        view = LiveView(watcher, terminal.console_for(sys.stdout, None, True), clean)
    else:
        view = LineView(sys.stdout, clean, as_json=output_format == "json")
    failed = None
    try:
        run_watch(watcher, source, view, settings.input_format)
    except AnalyzerError as exc:
        failed = str(exc)
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    final = watcher.report()
    summary = LineView(sys.stdout, clean, as_json=output_format == "json")
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
    try:
        summary.summary(final, width=width, color=interactive and "NO_COLOR" not in os.environ,
                        redact=settings.redact, emails=settings.redact_emails)
    except BrokenPipeError:
        _silence_stdout()
    if failed:
        fail(failed)
    raise typer.Exit(EXIT_OK)


@app.command()
def postmortem(
    selector: Annotated[str, typer.Argument(
        help="Which incident(s): an incident id, an id prefix (4+ characters), a rule id, a "
        "table name, or a root-cause id.", show_default=False)],
    paths: PathsArg = None,
    schema: SchemaOpt = None,
    rules: RulesOpt = None,
    state: Annotated[str | None, typer.Option(
        "--state", help="Report state database: with no PATHS, draft from the history it "
        "kept; with PATHS, add its first-seen-ever and run counts.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help="markdown (a draft to edit) or json (the same facts).")
    ] = "markdown",
    input_format: InputFormatOpt = None,
    no_redact: NoRedactOpt = False,
    redact_emails: RedactEmailsOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Draft a post-mortem (Markdown) for one incident or root cause, from logs or from the
    history a scheduled report kept."""
    if output_format not in ("markdown", "json"):
        fail(f"--format: expected markdown or json, got {output_format!r}")

    def run() -> tuple[Facts, Report | None, Settings]:
        settings = resolve_settings(
            config, schemas=schema, rules_dirs=rules, input_format=input_format,
            redact=False if no_redact else None, redact_emails=redact_emails or None)
        if state is not None and not paths:
            with StateStore(state) as store:
                return facts_from_state(selector, store), None, settings
        bar = progress_bar()
        try:
            found = analyze(paths or ["-"], settings, progress=bar)
        finally:
            if bar is not None:
                bar.close()
        history = []
        if state is not None:
            with StateStore(state) as store:
                history = store.incidents()
        report_problems(found)
        return facts_from_report(selector, found, history), found, settings

    facts, found, settings = run_guarded(run)
    clean = cleaner(settings.redact, settings.redact_emails)
    try:
        if output_format == "json":
            data = facts_dict(facts, clean, lambda i: scrubbed(incident_dict(i), clean))
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            render_markdown(facts, sys.stdout, clean)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    fatal = found is not None and any(p.fatal for p in found.problems)
    raise typer.Exit(EXIT_ERROR if fatal else EXIT_OK)
rules_app = typer.Typer(
    name="rules", help="List, lint and test YAML rules (the built-in ones and your own), or "
    "draft one for an unclassified incident.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    pretty_exceptions_enable=False)
app.add_typer(rules_app, name="rules")

RulePathsArg = Annotated[list[str] | None, typer.Argument(
    help="Rule files or directories (default: the built-in rules).", show_default=False)]


@rules_app.command("list")
def rules_list(
    rules: RulesOpt = None,
    no_builtin_rules: Annotated[bool, typer.Option(
        "--no-builtin-rules", help="List only the --rules given.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show the rules a scan would use: id, severity, category, codes, source file."""
    if no_builtin_rules and not rules:
        fail("--no-builtin-rules needs at least one --rules")
    loaded = run_guarded(lambda: collect_rules(rules or (), builtin=not no_builtin_rules))
    if loaded.errors:
        for error in loaded.errors:
            _error_line(str(error))
        raise typer.Exit(EXIT_ERROR)
    rows = rule_rows(loaded)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    print_rule_table(rows)


def rule_rows(loaded: LoadedRules) -> list[dict[str, Any]]:
    builtin = builtin_rules_dir()
    rows = []
    for rule in sorted(loaded.rules, key=lambda r: r.id):
        source = Path(rule.source)
        shown = (f"<builtin>/{source.relative_to(builtin)}" if source.is_relative_to(builtin)
                 else rule.source)
        rows.append({"id": rule.id, "title": rule.title, "severity": rule.severity,
                     "category": rule.category, "codes": list(rule.codes),
                     "group": rule.group, "source": shown, "line": rule.line,
                     "overrides": loaded.overridden.get(rule.id)})
    return rows


def print_rule_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"{len(rows)} rules", show_lines=False)
    for column in ("id", "severity", "category", "codes", "source", "overrides"):
        table.add_column(column, overflow="fold")
    for row in rows:
        overrides = f"built-in {Path(row['overrides']).name}" if row["overrides"] else ""
        table.add_row(*(Text(printable(str(v))) for v in (
            row["id"], row["severity"], row["category"], ", ".join(row["codes"]),
            f"{row['source']}:{row['line']}", overrides)))
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    Console(file=sys.stdout, width=width, no_color="NO_COLOR" in os.environ,
            highlight=False).print(table)


@rules_app.command("lint")
def rules_lint(paths: RulePathsArg = None) -> None:
    """Validate rule files: unknown or missing keys, invalid regex, duplicate ids, fingerprints
    naming captures no pattern defines, missing examples, unknown diagnoses. Exit 1 on any
    error (warnings do not fail)."""
    targets = paths or default_lint_paths()
    report = lint_paths(targets, known_diagnoses=set(CHECKS))
    for issue in report.issues:
        typer.echo(printable(str(issue)))
    typer.echo(f"{report.files} file(s), {len(report.rules)} rule(s): "
               f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    raise typer.Exit(1 if report.errors else EXIT_OK)


@rules_app.command("test")
def rules_test(
    paths: RulePathsArg = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Also list the examples that pass.")] = False,
) -> None:
    """Run every rule's examples: lines that must match (with their captures) and lines that
    must not. Prints each failure with its line, expected and actual captures; exit 1 on any
    failure or invalid rule file."""
    results, errors = run_rule_examples(paths or ())
    for error in errors:
        typer.echo(printable(f"{error}"))
    for result in results:
        if result.ok and not verbose:
            continue
        label = f"{result.where}: {result.rule.id}::{result.example.name}"
        typer.echo(printable(f"{label}: {'ok' if result.ok else result.problem}"))
        if not result.ok:
            typer.echo(f"    text:     {printable(repr(result.example.text))}")
            if result.expected is not None or result.actual is not None:
                typer.echo(f"    expected: {printable(str(result.expected))}")
                typer.echo(f"    actual:   {printable(str(result.actual))}")
    failed = sum(not r.ok for r in results)
    typer.echo(f"{len(results)} example(s) in {len({r.rule.id for r in results})} rule(s): "
               f"{failed} failed" + (f", {len(errors)} invalid rule file problem(s)"
                                     if errors else ""))
    raise typer.Exit(1 if failed or errors else EXIT_OK)
@app.command("formats")
def formats_command(
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help="Output: text (the default) or json.")] = "text",
) -> None:
    """List the input formats `scan --input-format` accepts (all are auto-detected), each with
    a one-line description and an example."""
    listing = [{"name": fmt.name, "description": fmt.description, "example": fmt.example}
               for fmt in FORMATS.values()]
    if output_format == "json":
        typer.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    if output_format != "text":
        fail(f"--format: unknown format {output_format!r} (known: text, json)")
    width = max(len(item["name"]) for item in listing)
    for item in listing:
        typer.echo(f"{item['name']:<{width}}  {item['description']}")
        for line in item["example"].splitlines():
            typer.echo(f"{'':<{width}}    {line}")
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
    input_format: InputFormatOpt = None,
    no_redact: Annotated[bool, typer.Option(
        "--no-redact", help="Keep secrets in templates and values.")] = False,
    config: ConfigOpt = None,
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


@rules_app.command("suggest")
def rules_suggest(
    incident: Annotated[str, typer.Argument(
        help="The unclassified incident's id (or a unique prefix of it), as `scan` shows it.",
        show_default=False)],
    paths: PathsArg = None,
    rules: RulesOpt = None,
    input_format: InputFormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print a YAML rule draft that classifies an unclassified incident of these logs."""
    def run() -> str:
        settings = resolve_settings(config, rules_dirs=rules, input_format=input_format)
        report = analyze(paths or ["-"], settings)
        return rule_draft(find_incident(report, incident), report.incidents)

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
