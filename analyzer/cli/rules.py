"""`analyzer rules list|explain|lint|test|suggest`: the YAML rules, and drafts of new ones."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from analyzer.cli import console, rules_sql
from analyzer.cli.options import (
    CONTEXT,
    ConfigOpt,
    InputFormatOpt,
    NoBuiltinRulesOpt,
    NoRedactOpt,
    PathsArg,
    RedactEmailsOpt,
    RulesOpt,
    format_option,
    settings_of,
)
from analyzer.errors import UsageError

rules_app = typer.Typer(
    name="rules", help="List, explain, lint and test YAML rules (the built-in ones and your "
    "own), or draft one for an unclassified incident.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    pretty_exceptions_enable=False, context_settings=CONTEXT)

LIST_FORMATS = ("table", "json")
EXPLAIN_FORMATS = ("text", "json")
CHECK_FORMATS = ("text", "json")
SUGGEST_FORMATS = ("yaml", "json")
RulePathsArg = Annotated[list[str] | None, typer.Argument(
    metavar="PATH", help="Rule files or directories (default: the built-in rules).",
    show_default=False)]
ListFormatOpt = Annotated[str, format_option("rules list", LIST_FORMATS, "Output: table or json.")]
ExplainFormatOpt = Annotated[str, format_option("rules explain", EXPLAIN_FORMATS,
                                                "Output: text or json.")]
LintFormatOpt = Annotated[str, format_option("rules lint", CHECK_FORMATS,
                                             "Output: text or json.")]
TestFormatOpt = Annotated[str, format_option("rules test", CHECK_FORMATS,
                                             "Output: text or json.")]
SuggestFormatOpt = Annotated[str, format_option(
    "rules suggest", SUGGEST_FORMATS, "Output: yaml (a rule file to review) or json (the same "
    "rule as an object).")]
JsonOpt = Annotated[bool, typer.Option("--json", hidden=True, help="Same as --format json.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Also list the examples that pass.")]
IncidentArg = Annotated[str, typer.Argument(
    metavar="INCIDENT", help="The unclassified incident's id (or a unique prefix of it), as "
    "`scan` shows it.", show_default=False)]
RuleIdArg = Annotated[str, typer.Argument(
    metavar="ID", help="The rule's id, e.g. postgres.undefined_column.", show_default=False)]


def _loaded(rules: list[str] | None, no_builtin_rules: bool) -> Any:
    from analyzer.rulebook import collect_rules

    if no_builtin_rules and not rules:
        raise UsageError("--no-builtin-rules needs at least one --rules")
    loaded = collect_rules(rules or (), builtin=not no_builtin_rules)
    if loaded.errors:
        for problem in loaded.errors:
            console.error(str(problem))
        raise typer.Exit(console.EXIT_USAGE)
    return loaded


@rules_app.command("list")
@console.command
def rules_list(rules: RulesOpt = None, no_builtin_rules: NoBuiltinRulesOpt = False,
               output_format: ListFormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Show the rules a scan would use: id, severity, category, codes, source file."""
    from analyzer.rulebook.listing import rule_rows

    output_format = "json" if as_json else console.choice("--format", output_format,
                                                          LIST_FORMATS)
    rows = rule_rows(_loaded(rules, no_builtin_rules))
    if output_format == "json":
        typer.echo(json.dumps({"version": 1, "rules": rows}, indent=2, ensure_ascii=False))
    else:
        print_rule_table(rows)


def print_rule_table(rows: list[dict[str, Any]]) -> None:
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from analyzer.textsafe import printable

    table = Table(title=f"{len(rows)} rules", show_lines=False)
    for column in ("id", "severity", "category", "codes", "source", "overrides"):
        table.add_column(column, overflow="fold")
    for row in rows:
        overrides = f"built-in {Path(row['overrides']).name}" if row["overrides"] else ""
        table.add_row(*(Text(printable(str(v))) for v in (
            row["id"], row["severity"], row["category"], ", ".join(row["codes"]),
            f"{row['source']}:{row['line']}", overrides)))
    Console(file=console.stdout(), width=console.width(160), no_color=not console.color(),
            highlight=False).print(table)


@rules_app.command("explain")
@console.command
def rules_explain(rule_id: RuleIdArg, rules: RulesOpt = None,
                  no_builtin_rules: NoBuiltinRulesOpt = False,
                  output_format: ExplainFormatOpt = "text") -> None:
    """Explain one rule: its title, what it means and how to fix it, what it matches, and its
    examples."""
    from analyzer.rulebook.listing import explain, find_rule
    from analyzer.textsafe import printable

    output_format = console.choice("--format", output_format, EXPLAIN_FORMATS)
    loaded = _loaded(rules, no_builtin_rules)
    rule = find_rule(loaded, rule_id)
    data = explain(rule, loaded.overridden.get(rule.id))
    if output_format == "json":
        typer.echo(json.dumps({"version": 1, "rule": data}, indent=2, ensure_ascii=False))
        return
    lines = [f"{data['id']}: {data['title']}",
             f"severity {data['severity']} · category {data['category']}"
             + (f" · codes {', '.join(data['codes'])}" if data["codes"] else "")
             + (f" · group {data['group']}" if data["group"] else "")
             + (f" · diagnosis {data['diagnose']}" if data["diagnose"] else ""),
             f"defined at {data['source']}", "", data["docs"], "", "matches:",
             *(f"  {pattern}" for pattern in data["patterns"]),
             f"incident key: {', '.join(data['fingerprint']) or '(the rule alone)'}",
             "", "examples:"]
    for example in data["examples"]:
        verdict = "matches" if example["match"] else "does not match"
        captured = (" → " + ", ".join(f"{k}={v}" for k, v in example["captures"].items())
                    if example["captures"] else "")
        lines.append(f"  {verdict}: {example['text']}{captured}")
    typer.echo("\n".join(printable(line) for line in lines))


@rules_app.command("lint")
@console.command
def rules_lint(paths: RulePathsArg = None, output_format: LintFormatOpt = "text") -> None:
    """Validate rule files: unknown or missing keys, invalid regex, duplicate ids, fingerprints
    naming captures no pattern defines, missing examples, unknown diagnoses. Exit 2 on any
    error (warnings do not fail). Notes name the rules SQL engines capture in Python."""
    from analyzer.diagnose import CHECKS
    from analyzer.rulebook import default_lint_paths, lint_paths
    from analyzer.textsafe import printable

    output_format = console.choice("--format", output_format, CHECK_FORMATS)
    report = lint_paths(paths or default_lint_paths(), known_diagnoses=set(CHECKS))
    if output_format == "json":
        typer.echo(json.dumps({"version": 1, "files": report.files, "rules": len(report.rules),
                               "issues": [{"path": i.path, "line": i.line, "key": i.key,
                                           "level": i.level, "message": i.message}
                                          for i in report.issues]},
                              indent=2, ensure_ascii=False))
        raise typer.Exit(console.EXIT_USAGE if report.errors else console.EXIT_OK)
    for issue in report.issues:
        typer.echo(printable(str(issue)))
    notes = f", {len(report.notes)} note(s)" if report.notes else ""
    typer.echo(f"{report.files} file(s), {len(report.rules)} rule(s): "
               f"{len(report.errors)} error(s), {len(report.warnings)} warning(s){notes}")
    raise typer.Exit(console.EXIT_USAGE if report.errors else console.EXIT_OK)


@rules_app.command("test")
@console.command
def rules_test(paths: RulePathsArg = None, verbose: VerboseOpt = False,
               output_format: TestFormatOpt = "text") -> None:
    """Run every rule's examples: lines that must match (with their captures) and lines that
    must not. Prints each failure with its line, expected and actual captures; exit 2 on any
    failure or invalid rule file."""
    from analyzer.rulebook import run_rule_examples
    from analyzer.textsafe import printable

    output_format = console.choice("--format", output_format, CHECK_FORMATS)
    results, errors = run_rule_examples(paths or ())
    if output_format == "json":
        typer.echo(json.dumps({"version": 1, "errors": [str(e) for e in errors], "results": [
            {"rule": r.rule.id, "example": r.example.name, "where": r.where, "ok": r.ok,
             "problem": r.problem, "expected": r.expected, "actual": r.actual}
            for r in results if verbose or not r.ok], "examples": len(results),
            "failed": sum(not r.ok for r in results)}, indent=2, ensure_ascii=False))
        raise typer.Exit(console.EXIT_USAGE if errors or any(not r.ok for r in results)
                         else console.EXIT_OK)
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
    raise typer.Exit(console.EXIT_USAGE if failed or errors else console.EXIT_OK)


@rules_app.command("suggest")
@console.command
def rules_suggest(incident: IncidentArg, paths: PathsArg = None, rules: RulesOpt = None,
                  input_format: InputFormatOpt = None, no_redact: NoRedactOpt = False,
                  redact_emails: RedactEmailsOpt = False,
                  output_format: SuggestFormatOpt = "yaml", config: ConfigOpt = None) -> None:
    """Print a YAML rule draft that classifies an unclassified incident of these logs."""
    from analyzer.mining.suggest import find_incident, rule_dict, rule_draft
    from analyzer.pipeline import analyze

    output_format = console.choice("--format", output_format, SUGGEST_FORMATS)
    settings = settings_of(config, command="rules suggest", rules=rules,
                           input_format=input_format, no_redact=no_redact,
                           redact_emails=redact_emails)
    report = analyze(console.input_paths(paths), settings)
    found = find_incident(report.incidents, incident)
    if output_format == "json":
        data = {"version": 1, "incident": {"id": found.id, "title": found.title,
                                           "count": found.count},
                "rule": rule_dict(found, report.incidents)}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(rule_draft(found, report.incidents), nl=False)


rules_app.command("sql")(rules_sql.rules_sql)
