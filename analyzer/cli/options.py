"""Option definitions shared by the commands (one definition, one help text each), and the
settings they resolve to."""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer.ingest import get_format
from analyzer.settings import Settings, resolve_settings

PathsArg = Annotated[list[str] | None, typer.Argument(
    help="Log files, globs, directories, or - for stdin (the default when stdin is a pipe). "
    "Gzip is detected.", show_default=False)]
SchemaOpt = Annotated[list[str] | None, typer.Option(
    "--schema", "-s", help="Schema source: a .sql file of DDL, a migrations folder (replayed "
    "in order) or a postgresql:// URL (read-only). Repeatable; all merge into one catalog.",
    show_default=False)]
RulesOpt = Annotated[list[str] | None, typer.Option(
    "--rules", "-r", help="Extra rule file or directory; a rule with a built-in id replaces "
    "it. Repeatable.", show_default=False)]
NoBuiltinRulesOpt = Annotated[bool, typer.Option(
    "--no-builtin-rules", help="Use only the --rules given.")]
InputFormatOpt = Annotated[str | None, typer.Option(
    "--input-format", help="Skip detection and read the input as this format.")]
NoRedactOpt = Annotated[bool, typer.Option(
    "--no-redact", help="Keep secrets (passwords, JWTs, API keys) in the output.")]
RedactEmailsOpt = Annotated[bool, typer.Option(
    "--redact-emails", help="Also replace email addresses with [EMAIL].")]
ConfigOpt = Annotated[str | None, typer.Option(
    "--config", help="Settings file (TOML); default ./analyzer.toml if present.")]
StateOpt = Annotated[str | None, typer.Option(
    "--state", envvar="ANALYZER_STATE", help="State database (SQLite). Default: "
    "$XDG_STATE_HOME/analyzer/state.db (~/.local/state/analyzer/state.db).")]


def settings_of(config: str | None, *, schema: list[str] | None = None,
                rules: list[str] | None = None, input_format: str | None = None,
                no_redact: bool = False, redact_emails: bool = False,
                **more: object) -> Settings:
    """Settings from the file and the shared options (an option given wins). The input format
    is checked here, before any input is read."""
    settings = resolve_settings(
        config, schemas=schema, rules_dirs=rules, input_format=input_format,
        redact=False if no_redact else None, redact_emails=redact_emails or None, **more)
    if settings.input_format:
        get_format(settings.input_format)
    return settings
