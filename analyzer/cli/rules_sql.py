"""`analyzer rules sql`: the rule pack as one SQL query for DuckDB, ClickHouse or BigQuery."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import NoBuiltinRulesOpt, RulesOpt, format_option, settings_of
from analyzer.errors import UsageError

DIALECT_NAMES = ("duckdb", "clickhouse", "bigquery")
SQL_FORMATS = ("sql", "json")
FormatOpt = Annotated[str, format_option(
    "rules sql", SQL_FORMATS, "Output: sql (the query) or json (the query with its dialect, "
    "table and rule ids).")]
DialectOpt = Annotated[str, typer.Option(
    "--dialect", "-d", metavar=f"[{'|'.join(DIALECT_NAMES)}]", help="The engine's SQL dialect.")]
TableOpt = Annotated[str, typer.Option(
    "--table", "-t", metavar="NAME", help="The table (or view) holding the logs; dotted names "
    "are quoted per part (`dataset.postgres_logs`).")]
MessageOpt = Annotated[str, typer.Option("--message-column", metavar="COLUMN",
                                         help="The log message column.")]
TimeOpt = Annotated[str, typer.Option("--time-column", metavar="COLUMN",
                                      help="The event time column.")]
ServiceOpt = Annotated[str | None, typer.Option(
    "--service-column", metavar="COLUMN", help="The service column (none: NULL).",
    show_default=False)]
CodeOpt = Annotated[str | None, typer.Option(
    "--code-column", metavar="COLUMN", help="A column holding the SQLSTATE/PGRST code: "
    "compared by equality with the rules' codes.", show_default=False)]
OnlyOpt = Annotated[list[str] | None, typer.Option(
    "--only", metavar="ID|FAMILY", help="Only this rule id, or a family (`postgres`: every "
    "`postgres.*` rule). Repeatable: one query per family, or a short one for one problem.",
    show_default=False)]


@console.command
def rules_sql(sql_dialect: DialectOpt = "duckdb", table: TableOpt = "logs",
              message_column: MessageOpt = "message", time_column: TimeOpt = "ts",
              service_column: ServiceOpt = None, code_column: CodeOpt = None,
              only: OnlyOpt = None, rules: RulesOpt = None,
              no_builtin_rules: NoBuiltinRulesOpt = False,
              output_format: FormatOpt = "sql") -> None:
    """Print one query selecting the events any rule matches, with rule_id, ts, service,
    captures (JSON text) and capture_in_python (the rules RE2 cannot capture: `rules lint`
    notes them). Run it in the engine; nothing is executed here."""
    from analyzer.engines import Columns, dialect, rules_query
    from analyzer.rulebook import build_ruleset
    from analyzer.session import load_ruleset

    output_format = console.choice("--format", output_format, SQL_FORMATS)
    sql = dialect(sql_dialect.lower())
    if no_builtin_rules and not rules:
        raise UsageError("--no-builtin-rules needs at least one --rules")
    settings = settings_of(None, rules=rules, builtin_rules=False if no_builtin_rules else None)
    columns = Columns(message=message_column, time=time_column, service=service_column,
                      code=code_column)
    ruleset = load_ruleset(settings)
    if only:
        ruleset = build_ruleset(r for r in ruleset.rules
                                if any(r.id == o or r.id.startswith(o + ".") for o in only))
        if not ruleset.rules:
            raise UsageError(f"--only: no rule is or belongs to {', '.join(only)}")
    query = rules_query(sql, sql.ident(table), columns, ruleset) + ";"
    if output_format == "json":
        typer.echo(json.dumps({"version": 1, "dialect": sql_dialect.lower(), "table": table,
                               "rules": [r.id for r in ruleset.rules], "sql": query},
                              indent=2, ensure_ascii=False))
        return
    typer.echo(query)
