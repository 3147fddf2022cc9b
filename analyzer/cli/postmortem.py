"""`analyzer postmortem`: a post-mortem draft for one outage."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import (
    ConfigOpt,
    InputFormatOpt,
    NoRedactOpt,
    RedactEmailsOpt,
    RulesOpt,
    SchemaOpt,
    format_option,
    settings_of,
)
from analyzer.errors import UsageError

if TYPE_CHECKING:
    from analyzer.report.outage import Selection
    from analyzer.report.postmortem import Facts
    from analyzer.settings import Settings

POSTMORTEM_FORMATS = ("markdown", "json")
# an incident id (or a 4+ character prefix of one) or a root-cause id, as scan and watch print
LEADING_ID = re.compile(r"(?:rc-)?[0-9a-f]{4,}", re.IGNORECASE)
TargetsArg = Annotated[list[str] | None, typer.Argument(
    metavar="ID|PATH", help="Optionally first an incident id (or a prefix of 4+ "
    "characters) or a root-cause id (rc-…), as scan and watch print them; then the log "
    "files, globs, directories, or - for stdin (the default when stdin is a pipe).",
    show_default=False)]
IncidentOpt = Annotated[list[str] | None, typer.Option(
    "--incident", "-i", metavar="SELECTOR", help="Which incident(s): an incident id, an id "
    "prefix (4+ characters), a rule id, a table name, or a root-cause id. Repeatable.",
    show_default=False)]
RootCauseOpt = Annotated[list[str] | None, typer.Option(
    "--root-cause", metavar="ID", help="The incidents of this root cause (rc-…, as scan shows "
    "it). Repeatable.", show_default=False)]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", metavar="WHEN", help="Incidents active from this time: a duration back from "
    "now (24h) or an RFC3339 time.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", metavar="WHEN", help="Incidents active before this time.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every incident found.")]
StateOpt = Annotated[str | None, typer.Option(
    "--state", metavar="FILE",
    help="Report state database: with no PATHS, draft from the history it kept; "
    "with PATHS, add its first-seen-ever and run counts.")]
FormatOpt = Annotated[str, format_option(
    "postmortem", POSTMORTEM_FORMATS, "markdown (a draft to edit) or json (the same facts).")]


@console.command
def postmortem(ctx: typer.Context, paths: TargetsArg = None, incident: IncidentOpt = None,
               root_cause: RootCauseOpt = None, since: SinceOpt = None, until: UntilOpt = None,
               everything: AllOpt = False, schema: SchemaOpt = None,
               rules: RulesOpt = None, state: StateOpt = None,
               output_format: FormatOpt = "markdown", input_format: InputFormatOpt = None,
               no_redact: NoRedactOpt = False, redact_emails: RedactEmailsOpt = False,
               config: ConfigOpt = None) -> None:
    """Draft a post-mortem (Markdown) for one outage, from logs or from the history a
    scheduled report kept. The draft also covers the root causes that share a fix with the
    chosen ones (one model change, two mismatches)."""
    from analyzer.pipeline import parse_when
    from analyzer.report.common import cleaner
    from analyzer.report.jsonout import incident_dict, scrubbed
    from analyzer.report.outage import Selection
    from analyzer.report.postmortem import facts_dict, facts_from_state
    from analyzer.report.postmortem_md import render_markdown
    from analyzer.store import StateStore

    output_format = console.choice("--format", output_format, POSTMORTEM_FORMATS)
    leading, paths = leading_id(paths or [], ctx.lookup_default("paths"))
    now = time.time_ns()
    selectors = (*([leading] if leading else []), *(incident or ()))
    selector = Selection(selectors, tuple(root_cause or ()),
                         parse_when(since, now) if since else None,
                         parse_when(until, now, "--until") if until else None, everything)
    if selector.empty:
        raise UsageError("say which incidents: an ID first, --incident SELECTOR, "
                         "--root-cause ID, --since/--until or --all")
    settings = settings_of(config, command="postmortem", schema=schema, rules=rules,
                           input_format=input_format,
                           no_redact=no_redact, redact_emails=redact_emails)
    fatal = False
    if state is not None and not paths:
        with StateStore(state, readonly=True) as store:
            facts = facts_from_state(selector, store)
    else:
        facts, fatal = _facts_from_logs(selector, console.input_paths(paths), settings, state)
    clean = cleaner(settings.redact, settings.redact_emails)
    if output_format == "json":
        data = facts_dict(facts, clean, lambda i: scrubbed(incident_dict(i), clean))
        console.stdout().write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        render_markdown(facts, console.stdout(), clean)
    raise typer.Exit(console.EXIT_USAGE if fatal else console.EXIT_OK)


def leading_id(targets: list[str], configured: list[str] | None) -> tuple[str | None, list[str]]:
    """The id given before the paths (`analyzer postmortem 80fdb3d2c5e8 app.log`), and the
    paths (with the id alone, those of the config file). A first argument that names an
    existing file stays a path."""
    if not targets or not LEADING_ID.fullmatch(targets[0]) or Path(targets[0]).exists():
        return None, targets
    rest = targets[1:]
    if not rest:
        rest = list(configured or [])
    return targets[0].lower(), rest


def _facts_from_logs(selector: Selection, inputs: list[str], settings: Settings,
                     state: str | None) -> tuple[Facts, bool]:
    from analyzer.pipeline import analyze
    from analyzer.report.postmortem import facts_from_report
    from analyzer.store import StateStore

    with console.progress() as bar:
        found = analyze(inputs, settings, progress=bar)
    history = []
    if state is not None:
        with StateStore(state, readonly=True) as store:
            history = store.incidents()
    fatal = console.report_problems(found.problems)
    return facts_from_report(selector, found, history), fatal
