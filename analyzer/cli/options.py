"""Option definitions shared by the commands (one definition, one help text each), and the
settings they resolve to."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument

_metavar = TyperArgument.make_metavar


def _variadic_metavar(self: TyperArgument, ctx: Any, *, usage: bool = False) -> str:
    """typer 0.28 drops the `...` of an argument that takes many values once it has a
    metavar (`[PATH]` where click writes `[PATH]...`); the usage line says it again."""
    shown = _metavar(self, ctx, usage=usage)
    variadic = usage and self.nargs != 1 and not shown.endswith("...")
    return f"{shown}..." if variadic else shown


TyperArgument.make_metavar = _variadic_metavar  # type: ignore[method-assign]

if TYPE_CHECKING:  # the library is imported when a command runs, not for --help
    from analyzer.notify import NotifyPolicy, Sender
    from analyzer.settings import Settings

# Every command: -h as well as --help.
CONTEXT = {"help_option_names": ["-h", "--help"]}

# Options whose value is one of a few words: (command, parameter) -> the words. Checked
# case-insensitively before any input is read, and in config files.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {}


def format_option(command: str, choices: tuple[str, ...], help: str, *,
                  param: str = "output_format") -> Any:
    """A `--format/-f` option with the choices as its metavar: [table|json|…]."""
    CHOICES[(command, param)] = choices

    def complete(incomplete: str) -> list[str]:  # shell completion offers the words
        return [c for c in choices if c.startswith(incomplete)]

    return typer.Option("--format", "-f", metavar=f"[{'|'.join(choices)}]", help=help,
                        autocompletion=complete)


PathsArg = Annotated[list[str] | None, typer.Argument(
    metavar="PATH", help="Log files, globs, directories, or - for stdin (the default when "
    "stdin is a pipe). Compression (gzip, bzip2, xz, zstd) is detected.", show_default=False)]
SchemaOpt = Annotated[list[str] | None, typer.Option(
    "--schema", "-s", metavar="PATH", help="Schema source: a .sql file of DDL, a migrations "
    "folder (replayed in order) or a postgresql:// URL (read-only). Repeatable; all merge "
    "into one catalog.", show_default=False)]
RulesOpt = Annotated[list[str] | None, typer.Option(
    "--rules", "-r", metavar="PATH", help="Extra rule file or directory; a rule with a "
    "built-in id replaces it. Repeatable.", show_default=False)]
NoBuiltinRulesOpt = Annotated[bool, typer.Option(
    "--no-builtin-rules", help="Use only the --rules given.")]
InputFormatOpt = Annotated[str | None, typer.Option(
    "--input-format", metavar="NAME", help="Skip detection and read the input as this format "
    "(`analyzer formats` lists them).")]
NoRedactOpt = Annotated[bool, typer.Option(
    "--no-redact", help="Keep secrets (passwords, JWTs, API keys) in the output.")]
RedactEmailsOpt = Annotated[bool, typer.Option(
    "--redact-emails", help="Also replace email addresses with [EMAIL].")]
ConfigOpt = Annotated[str | None, typer.Option(
    "--config", metavar="FILE", help="Settings file (TOML). Default: the nearest "
    "analyzer.toml or pyproject.toml [tool.analyzer] from here upward, or $ANALYZER_CONFIG.")]
StateOpt = Annotated[str | None, typer.Option(
    "--state", metavar="FILE", envvar="ANALYZER_STATE", help="State database (SQLite). "
    "Default: $XDG_STATE_HOME/analyzer/state.db (~/.local/state/analyzer/state.db).")]


def settings_of(config: str | None, *, command: str = "", schema: list[str] | None = None,
                rules: list[str] | None = None, input_format: str | None = None,
                no_redact: bool = False, redact_emails: bool = False,
                **more: Any) -> Settings:
    """Settings from the file and the shared options (an option given wins). The input format
    is checked here, before any input is read."""
    from analyzer.ingest import get_format
    from analyzer.settings import resolve_settings

    settings = resolve_settings(
        config, command=command, schemas=schema, rules_dirs=rules, input_format=input_format,
        redact=False if no_redact else None, redact_emails=redact_emails or None, **more)
    if settings.input_format:  # known, and spelled as the registry does
        settings = replace(settings, input_format=get_format(settings.input_format).name)
    return settings
NotifyOpt = Annotated[list[str] | None, typer.Option(
    "--notify", metavar="URL", envvar="ANALYZER_NOTIFY", help="Alert through this URL "
    "(apprise: slack://, discord://, msteams://, mailto://, json://; hmac+https:// for a "
    "signed webhook). Repeatable.", show_default=False)]
NotifyOnOpt = Annotated[str, typer.Option(
    "--notify-on", metavar="KINDS", help="Which changes alert: new, regressed, escalated.")]
MinSeverityOpt = Annotated[str, typer.Option(
    "--min-severity", metavar="SEVERITY", help="Alert at or above this severity.")]
PublicUrlOpt = Annotated[str | None, typer.Option(
    "--public-url", metavar="URL", envvar="ANALYZER_PUBLIC_URL", help="Where `analyzer "
    "serve` runs, for the incident links in alerts (e.g. https://analyzer.onrender.com).")]


def notify_of(urls: list[str] | None, on: str, min_severity: str,
              public_url: str | None) -> tuple[list[Sender], NotifyPolicy]:
    """The senders and the policy of --notify, checked before any input is read."""
    from analyzer.notify import NotifyPolicy, open_senders, parse_notify_on

    # HIGH = high, as for every option of a few words
    policy = NotifyPolicy(kinds=parse_notify_on([on]), min_severity=min_severity.lower(),
                          link_base=public_url)
    return open_senders(urls or []), policy
