"""Terminal reporter (rich). Log text is passed as rich Text, never as markup, and stripped of
escape and control characters, so nothing a log says changes how the report renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from analyzer.model import Incident, Report, format_ts
from analyzer.report.common import cleaner, entries, resolved_entries
from analyzer.store import RunResult
from analyzer.textsafe import printable

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
                  "info": "dim"}
STATUS_STYLE = {"NEW": "bold red", "REGRESSED": "bold magenta", "ONGOING": "", "RESOLVED": "green"}
Clean = Callable[[str], str]  # escapes and controls stripped, secrets redacted (unless asked)


def _when(incident: Incident) -> str:
    first, last = format_ts(incident.first_seen), format_ts(incident.last_seen)
    if not first:
        return "-"
    first = first[:19].replace("T", " ")
    last = (last or first)[:19].replace("T", " ")
    if first == last:
        return first
    return f"{first}\n→ {last[11:] if last[:10] == first[:10] else last}"


def _entities(incident: Incident, clean: Clean) -> Text:
    parts = [f"{k}={v}" for k, v in incident.entities.items()]
    return Text(clean(", ".join(parts)))


def _diagnosis(incident: Incident, clean: Clean) -> Text:
    d = incident.diagnosis
    if d is None:
        return Text("-", style="dim")
    text = Text()
    text.append(d.kind, style="bold magenta")
    if d.wanted or d.found:
        text.append(clean(f" {d.wanted} → {d.found or '∅'}"))
    text.append(f" ({d.confidence:.0%})", style="dim")
    return text


def incidents_table(report: Report, result: RunResult | None = None,
                    clean: Clean = printable) -> Table:
    table = Table(title="Incidents", title_justify="left", show_lines=True, expand=False)
    if result is not None:
        table.add_column("status", no_wrap=True)
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("severity", no_wrap=True)
    table.add_column("count", justify="right")
    table.add_column("incident")
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("diagnosis")
    for entry in entries(report, result):
        incident = entry.incident
        what = Text()
        what.append(clean(incident.title), style="bold")
        what.append("\n")
        what.append_text(_entities(incident, clean))
        what.append(f"\n{incident.rule}", style="dim")
        status = [Text(entry.status or "", style=STATUS_STYLE.get(entry.status or "", ""))]
        table.add_row(*(status if result is not None else []), incident.id,
                      Text(incident.severity, style=SEVERITY_STYLE.get(incident.severity, "")),
                      str(incident.count), what, _when(incident), _diagnosis(incident, clean))
    return table


def resolved_table(result: RunResult, clean: Clean = printable) -> Table | None:
    resolved = resolved_entries(result)
    if not resolved:
        return None
    table = Table(title="Resolved since the last run", title_justify="left", expand=False)
    for name in ("id", "severity", "incident", "last seen (UTC)"):
        table.add_column(name)
    for entry in resolved:
        incident = entry.incident
        what = Text(clean(incident.title), style="bold")
        what.append("\n")
        what.append_text(_entities(incident, clean))
        table.add_row(incident.id, incident.severity, what,
                      (format_ts(incident.last_seen) or "-")[:19].replace("T", " "))
    return table


def _summary(report: Report) -> Text:
    formats = ", ".join(f"{k} {v}" for k, v in report.formats().items()) or "none"
    text = Text(f"{len(report.sources)} source(s), {report.lines} lines, {report.records} "
                f"records ({formats}), {report.unparsed} unparsed; "
                f"{len(report.incidents)} incident(s)", style="dim")
    return text


def _facts(text: Text, label: str, style: str, facts: tuple[str, ...], clean: Clean) -> None:
    for fact in facts:
        text.append(f"\n  {label}: ", style=style)
        text.append(clean(fact))


def _root_causes(report: Report, clean: Clean = printable) -> list[Any]:
    """One block per root cause: what is wrong, which incidents it explains, the fix."""
    blocks: list[Any] = [Text("Root causes", style="bold underline")] if report.root_causes else []
    for cause in report.root_causes:
        text = Text()
        text.append(f"{cause.id} ", style="dim")
        text.append(f"{cause.kind} ", style="bold magenta")
        text.append(clean(cause.summary), style="bold")
        text.append("\n  incidents: ", style="dim")
        text.append(", ".join(cause.incidents))
        _facts(text, "evidence", "dim", cause.evidence, clean)
        _facts(text, "fix", "green", cause.fixes, clean)
        blocks.append(text)
    return blocks


def _details(report: Report, clean: Clean = printable) -> list[Any]:
    """Each diagnosed incident with its evidence; its fixes only when no root cause (above)
    already carries them."""
    blocks: list[Any] = []
    for incident in report.incidents:
        d = incident.diagnosis
        if d is None:
            continue
        text = Text()
        text.append(f"{incident.id} ", style="dim")
        text.append(clean(d.summary), style="bold")
        _facts(text, "evidence", "dim", d.evidence, clean)
        if incident.root_cause is None:
            _facts(text, "fix", "green", d.fixes, clean)
        else:
            text.append(f"\n  fix: see root cause {incident.root_cause}", style="green")
        blocks.append(text)
    if blocks:
        blocks.insert(0, Text("Incident details", style="bold underline"))
    return blocks


def console_for(out: TextIO, width: int | None, color: bool | None) -> Console:
    return Console(file=out, width=width, color_system="auto" if color else None,
                   force_terminal=color, highlight=False, markup=False, emoji=False,
                   soft_wrap=False)


def render(report: Report, out: TextIO, *, width: int | None = None,
           color: bool | None = None, history: RunResult | None = None, redact: bool = True,
           emails: bool = False, **_: Any) -> None:
    clean = cleaner(redact, emails)
    console = console_for(out, width, color)
    resolved = resolved_table(history, clean) if history is not None else None
    if resolved is not None:
        console.print(resolved)
    if report.incidents:
        console.print(incidents_table(report, history, clean))
        for blocks in (_root_causes(report, clean), _details(report, clean)):
            if blocks:
                console.print(Group(*blocks))
    else:
        console.print(Text("No incidents found.", style="green"))
    console.print(_summary(report))


def render_templates(rows: list, out: TextIO, *, lines: int, width: int | None = None,
                     color: bool | None = None) -> None:
    """`analyzer templates` as a table: TemplateRow values (analyzer.mining.summary)."""
    console = Console(file=out, width=width, color_system="auto" if color else None,
                      force_terminal=color, highlight=False, markup=False, emoji=False,
                      soft_wrap=False)
    table = Table(title="Templates", title_justify="left", show_lines=True, expand=False)
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("count", justify="right")
    table.add_column("template")
    table.add_column("first / last seen (UTC)", no_wrap=True)
    table.add_column("example values")
    for row in rows:
        first, last = format_ts(row.first_seen), format_ts(row.last_seen)
        when = "-" if not first else f"{first[:19].replace('T', ' ')}\n{(last or first)[:19]}"
        values = "\n".join(f"{name}: " + ", ".join(f"{v} ×{n}" for v, n in top)
                           for name, top in row.values.items())
        table.add_row(row.id, str(row.count), Text(printable(row.template)), when.replace("T", " "),
                      Text(printable(values)))
    console.print(table)
    console.print(Text(f"{len(rows)} template(s) shown, {lines} record(s)", style="dim"))
