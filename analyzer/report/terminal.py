"""Terminal reporter (rich). Log text is passed as rich Text, never as markup, and stripped of
escape and control characters, so nothing a log says changes how the report renders.

Layout follows the width: at WIDE columns and more the incidents table, below it one block per
incident (nothing cut). The conclusion (root causes and their fix) is printed last, where the
eye lands when the command returns. Off a terminal prose is not hard-wrapped (wrap=False)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from analyzer.model import Incident, Report, format_ts
from analyzer.report.common import Entry, cleaner, entries, resolved_entries
from analyzer.textsafe import printable

if TYPE_CHECKING:  # the state store (sqlite3): a report of a recorded run only
    from analyzer.store import RunResult

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
                  "info": "dim"}
STATUS_STYLE = {"NEW": "bold red", "REGRESSED": "bold magenta", "ONGOING": "", "RESOLVED": "green"}
WIDE = 100  # columns from which the incidents table fits without cutting names
SCHEMA_HINT = ("give --schema (a DDL file, a migrations folder or a postgresql:// URL) for a "
               "diagnosis")
Clean = Callable[[str], str]  # escapes and controls stripped, secrets redacted (unless asked)


def _when(incident: Incident, sep: str = "\n") -> str:
    first, last = format_ts(incident.first_seen), format_ts(incident.last_seen)
    if not first:
        return "-"
    first = first[:19].replace("T", " ")
    last = (last or first)[:19].replace("T", " ")
    if first == last:
        return first
    return f"{first}{sep}→ {last[11:] if last[:10] == first[:10] else last}"


def _entities(incident: Incident, clean: Clean) -> Text:
    parts = [f"{k}={v}" for k, v in incident.entities.items()]
    return Text(clean(", ".join(parts)))


def needs_schema(incident: Incident) -> bool:
    """Diagnosed `unknown`: nothing to compare with; the one hint is in the conclusion."""
    return incident.diagnosis is not None and incident.diagnosis.kind == "unknown"


def _diagnosis(incident: Incident, clean: Clean) -> Text:
    d = incident.diagnosis
    if d is None:
        return Text("-", style="dim")
    if needs_schema(incident):
        return Text("needs --schema", style="dim")
    text = Text()
    text.append(d.kind, style="bold magenta")
    if d.wanted or d.found:
        text.append(clean(f" {d.wanted} → {d.found or '∅'}"))
    text.append(f" ({d.confidence:.0%})", style="dim")
    return text


def incidents_table(report: Report, result: RunResult | None = None,
                    clean: Clean = printable) -> Table:
    table = Table(show_lines=True, expand=False)
    if result is not None:
        table.add_column("status", no_wrap=True)
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("severity", no_wrap=True)
    table.add_column("count", justify="right")
    table.add_column("incident", overflow="fold")
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("diagnosis", overflow="fold")
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


def incident_block(entry: Entry, clean: Clean) -> list[Line]:
    """A narrow screen's incident: severity, count, id, title; entities, time, rule; the
    whole diagnosis line."""
    incident = entry.incident
    head = Text()
    if entry.status:
        head.append(f"{entry.status} ", style=STATUS_STYLE.get(entry.status, ""))
    head.append(incident.severity, style=SEVERITY_STYLE.get(incident.severity, ""))
    head.append(f" ×{incident.count} ")
    head.append(incident.id, style="dim")
    head.append(" ")
    head.append(clean(incident.title), style="bold")
    where = _entities(incident, clean)
    where.append(f" · {_when(incident, ' ')} · {incident.rule}", style="dim")
    diagnosis = Text("diagnosis: ", style="dim")
    diagnosis.append_text(_diagnosis(incident, clean))
    return [Line(head), Line(where, 2), Line(diagnosis, 2)]


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
    return Text(f"{len(report.sources)} source(s), {report.lines} lines, {report.records} "
                f"records ({formats}), {report.unparsed} unparsed; "
                f"{len(report.incidents)} incident(s)", style="dim")


class Line:
    """One paragraph of prose, indented; continuation lines keep the indent when wrapped."""

    __slots__ = ("indent", "text")

    def __init__(self, text: Text, indent: int = 0) -> None:
        self.text, self.indent = text, indent


BLANK = Line(Text(""))


def _fact(label: str, style: str, fact: str, clean: Clean, indent: int = 2) -> Line:
    text = Text(f"{label}: ", style=style)
    text.append(clean(fact))
    return Line(text, indent)


def _facts(label: str, style: str, facts: tuple[str, ...], clean: Clean) -> list[Line]:
    return [_fact(label, style, fact, clean) for fact in facts]


def conclusion(report: Report, clean: Clean = printable, *, brief: bool = False) -> list[Line]:
    """What the report concludes: each root cause with the incidents it explains and its fix
    (brief: the first fix only, no evidence), the incidents no cause explains, and the
    schema hint once."""
    lines = [Line(Text("Root causes" if report.root_causes else "Conclusion",
                       style="bold underline"))]
    for cause in report.root_causes:
        text = Text()
        text.append(f"{cause.id} ", style="dim")
        text.append(f"{cause.kind} ", style="bold magenta")
        text.append(clean(cause.summary), style="bold")
        lines += [Line(text), _fact("incidents", "dim", ", ".join(cause.incidents), clean)]
        if not brief:
            lines += _facts("evidence", "dim", cause.evidence, clean)
        lines += _facts("fix", "green", cause.fixes[:1] if brief else cause.fixes, clean)
    loose = [i.id for i in report.incidents if i.root_cause is None and not needs_schema(i)]
    if loose and report.root_causes:
        lines.append(Line(Text(f"{len(loose)} incident(s) without a root cause: "
                               + ", ".join(loose), style="dim")))
    blind = [i.id for i in report.incidents if needs_schema(i)]
    if blind:
        lines.append(Line(Text(f"{len(blind)} incident(s) name a table or column the logs "
                               f"alone cannot explain: {SCHEMA_HINT}", style="yellow")))
    return lines if len(lines) > 1 else []


def details(report: Report, clean: Clean = printable) -> list[Line]:
    """Each diagnosed incident with its evidence; its fixes only when no root cause (in the
    conclusion) already carries them."""
    lines: list[Line] = []
    for incident in report.incidents:
        d = incident.diagnosis
        if d is None or needs_schema(incident):
            continue
        text = Text(f"{incident.id} ", style="dim")
        text.append(clean(d.summary), style="bold")
        lines += [Line(text), *_facts("evidence", "dim", d.evidence, clean)]
        if incident.root_cause is None:
            lines += _facts("fix", "green", d.fixes, clean)
        else:
            lines.append(Line(Text(f"fix: see root cause {incident.root_cause}",
                                   style="green"), 2))
    if lines:
        lines.insert(0, Line(Text("Incident details", style="bold underline")))
    return lines


def console_for(out: TextIO, width: int | None, color: bool | None) -> Console:
    return Console(file=out, width=width, color_system="auto" if color else None,
                   force_terminal=color, highlight=False, markup=False, emoji=False,
                   soft_wrap=False)


def render(report: Report, out: TextIO, *, width: int | None = None,
           color: bool | None = None, history: RunResult | None = None, redact: bool = True,
           emails: bool = False, brief: bool = False, wrap: bool = True, **_: Any) -> None:
    """The report for a person at a terminal. brief: the incidents and the conclusion only;
    wrap=False (not a terminal): prose lines are not broken at the width."""
    clean = cleaner(redact, emails)
    console = console_for(out, width, color)

    def say(*blocks: Line | Table) -> None:
        for block in blocks:
            if not isinstance(block, Line):
                console.print(block)
            elif wrap:
                pad = Text(" " * block.indent)
                for line in block.text.wrap(console, max(console.width - block.indent, 20)):
                    line.rstrip()
                    console.print(pad + line)
            else:
                console.print(Text(" " * block.indent) + block.text, soft_wrap=True)

    resolved = resolved_table(history, clean) if history is not None else None
    if resolved is not None:
        say(resolved)
    listed = entries(report, history)
    if not listed:
        say(Line(Text("No incidents found.", style="green")))
    elif console.width >= WIDE:
        say(Line(Text("Incidents", style="bold underline")),
            incidents_table(report, history, clean))
    else:
        say(Line(Text("Incidents", style="bold underline")),
            *(line for entry in listed for line in incident_block(entry, clean)))
    if not brief and (more := details(report, clean)):
        say(BLANK, *more)
    say(BLANK, Line(_summary(report)))
    if ending := conclusion(report, clean, brief=brief):
        say(BLANK, *ending)


def render_templates(rows: list, out: TextIO, *, lines: int, width: int | None = None,
                     color: bool | None = None) -> None:
    """`analyzer templates` as a table: TemplateRow values (analyzer.mining.summary)."""
    console = console_for(out, width, color)
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
        template = Text(printable(row.template))
        if row.overflow:
            template.append(" events of templates past the store's limit", style="italic")
        table.add_row(row.id, str(row.count), template, when.replace("T", " "),
                      Text(printable(values)))
    console.print(table)
    shown = sum(not row.overflow for row in rows)
    extra = " and the overflow row" if shown < len(rows) else ""
    console.print(Text(f"{shown} template(s){extra} shown, {lines} record(s)", style="dim"))
