"""Command line (typer): one module per command, each a few lines over library calls; shared
option definitions in `options`, every terminal, pipe and exit-status concern in `console`.
No analysis logic lives here."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from analyzer import __version__
from analyzer.cli import console, formats, postmortem, report, rules, scan, templates, watch

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
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="On an internal error, print the traceback.")] = False,
) -> None:
    """Find incidents in Render and Supabase production logs and explain schema mismatches."""
    console.State.verbose = verbose


app.command("scan")(scan.scan)
app.command("report")(report.report)
app.command("watch")(watch.watch)
app.command("postmortem")(postmortem.postmortem)
app.command("formats")(formats.formats_command)
app.command("templates")(templates.templates)
app.add_typer(rules.rules_app, name="rules")


def main() -> None:
    """Console-script entry point: quiet on a closed pipe (`analyzer scan | head -1`)."""
    try:
        app()
    except BrokenPipeError:
        console.silence_stdout()
        sys.exit(console.EXIT_OK)
    except KeyboardInterrupt:
        sys.exit(console.EXIT_INTERRUPTED)


__all__ = ["app", "main"]
