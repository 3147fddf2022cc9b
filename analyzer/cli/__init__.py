"""Command line (typer): one module per command, each a few lines over library calls; shared
option definitions in `options`, every terminal, pipe and exit-status concern in `console`.
No analysis logic lives here."""

from __future__ import annotations

import gc
import sys
from typing import Annotated

import typer

from analyzer import __version__
from analyzer.cli import (
    check,
    console,
    formats,
    merge,
    postmortem,
    pull,
    report,
    rules,
    scan,
    serve,
    templates,
    watch,
)
from analyzer.cli.options import CONTEXT
from analyzer.errors import AnalyzerError

app = typer.Typer(
    name="analyzer",
    help="Find incidents in Render and Supabase production logs and explain schema mismatches.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"analyzer {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="On an internal error, print the traceback.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No warnings and no progress bar on stderr (errors, and what "
        "--fail-on found, still print).")] = False,
) -> None:
    """Find incidents in Render and Supabase production logs and explain schema mismatches."""
    console.State.verbose, console.State.quiet = verbose, quiet
    if ctx.resilient_parsing:  # shell completion: no config file, no side effects
        return
    try:
        ctx.default_map = _config_defaults(ctx)
    except AnalyzerError as exc:
        console.fail(str(exc))


def _config_defaults(ctx: typer.Context) -> dict | None:
    """The option defaults the config file sets (the command's own --config names it)."""
    from analyzer.cli.config import default_map
    from analyzer.settings import config_for

    found = config_for(_config_argument(sys.argv[1:]))
    return default_map(ctx.command, found) if found is not None else None


def _config_argument(args: list[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg == "--":
            return None
        if arg == "--config" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--config="):
            return arg.split("=", 1)[1]
    return None


app.command("scan")(scan.scan)
app.command("report")(report.report)
app.command("watch")(watch.watch)
app.command("postmortem")(postmortem.postmortem)
app.command("formats")(formats.formats_command)
app.command("templates")(templates.templates)
app.command("serve")(serve.serve)
app.command("check")(check.check)
COMMANDS = ("scan", "report", "watch", "postmortem", "formats", "templates", "check",
            "rules list", "rules explain", "rules lint", "rules test", "rules suggest",
            "rules sql", "serve", "pull supabase", "pull render", "merge")
app.command("merge")(merge.merge)
app.add_typer(rules.rules_app, name="rules")
app.add_typer(pull.pull_app, name="pull")


# The cyclic GC of a CLI process. Start-up (the imports, typer's command tree, the rule pack)
# allocates ~80,000 objects that all live until exit, and the default threshold (a
# collection every 700 allocations) walked them again and again: ~40-55 ms of a 10-line scan.
# A collection every 100,000 allocations still bounds the cyclic garbage a long run holds.
GC_THRESHOLD = (100_000, 10, 10)


def main() -> None:
    """Console-script entry point: quiet on a closed pipe (`analyzer scan | head -1`)."""
    gc.set_threshold(*GC_THRESHOLD)
    try:
        app()
    except BrokenPipeError:
        console.silence_stdout()
        sys.exit(console.EXIT_OK)
    except KeyboardInterrupt:
        sys.exit(console.EXIT_INTERRUPTED)
    finally:
        # Exit: the interpreter's shutdown runs full collections over every object still
        # alive (~30 ms each with polars loaded, ~100 ms in all for a small scan); frozen, they
        # are skipped. What they hold is freed by reference counting as before, and the files
        # written were closed by their commands.
        gc.freeze()


__all__ = ["app", "main"]
