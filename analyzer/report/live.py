"""Views for `analyzer watch`: a rich Live screen on a terminal (incidents worst and most
recent first, count, rate, 30-minute sparkline, one-line diagnosis, announcements of new and
escalated incidents), or one line per event when the output is not a terminal (text or JSON
lines, for piping into other tools). Log text is cleaned and never read as markup."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from analyzer.model import Incident, Report, format_ts
from analyzer.report import jsonout, terminal
from analyzer.report.common import entities_text
from analyzer.stream import LiveRow, Watcher, WatchEvent

SPARKS = " ▁▂▃▄▅▆▇█"
ANNOUNCED = 6  # announcements kept on screen
FRESH_SECONDS = 15  # an announcement is highlighted this long


def sparkline(values: tuple[int, ...] | list[int]) -> str:
    top = max(values, default=0)
    if top == 0:
        return " " * len(values)
    return "".join(SPARKS[0] if v == 0 else SPARKS[max(1, round(v / top * 8))] for v in values)


def diagnosis_line(incident: Incident) -> str:
    d = incident.diagnosis
    if d is None:
        return "-"
    if d.wanted or d.found:
        return f"{d.kind}: {d.wanted or '?'} → {d.found or '∅'}"
    return f"{d.kind}: {d.summary}"


def short_entities(incident: Incident) -> str:
    """`sessions.created_at` when a table and column are known, else `column=reportId`."""
    table, column = incident.entities.get("table"), incident.entities.get("column")
    if table and column:
        return f"{table}.{column}"
    return entities_text(incident) or incident.rule


def event_line(event: WatchEvent, clean: Callable[[str], str]) -> str:
    """One plain line per event: time, what, severity, id, rule, entities, title, diagnosis."""
    i = event.incident
    what = "NEW" if event.kind == "new" else f"ESCALATED {event.previous}→{i.severity}"
    when = format_ts(i.last_seen) or format_ts(time.time_ns())
    return clean(f"{when} {what} {i.severity} {i.id} {i.rule} [{entities_text(i)}] "
                 f"{i.title} | {diagnosis_line(i)}").replace("\n", " ")


class LineView:
    """No terminal: one line (or JSON object) per event, flushed at once."""

    def __init__(self, out: TextIO, clean: Callable[[str], str], *, as_json: bool = False):
        self.out, self.clean, self.as_json = out, clean, as_json

    def __enter__(self) -> LineView:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def update(self, events: list[WatchEvent]) -> None:
        for event in events:
            if self.as_json:
                data = {"event": event.kind, "previous_severity": event.previous,
                        "incident": jsonout.incident_dict(event.incident)}
                self.out.write(json.dumps(jsonout.scrubbed(data, self.clean),
                                          ensure_ascii=False) + "\n")
            else:
                self.out.write(event_line(event, self.clean) + "\n")
        if events:
            self.out.flush()

    def summary(self, report: Report, **options: Any) -> None:
        if self.as_json:
            data = jsonout.scrubbed(jsonout.report_dict(report), self.clean)
            self.out.write(json.dumps({"event": "summary", "report": data},
                                      ensure_ascii=False) + "\n")
        else:
            terminal.render(report, self.out, **options)
        self.out.flush()


class LiveView:
    """A terminal: the screen redrawn in place (at most `fps` times a second)."""

    def __init__(self, watcher: Watcher, console: Console, clean: Callable[[str], str],
                 *, fps: float = 4.0) -> None:
        self.watcher, self.console, self.clean = watcher, console, clean
        self.announced: deque[tuple[float, WatchEvent]] = deque(maxlen=ANNOUNCED)
        self.interval = 1.0 / fps
        self._last = 0.0
        self._live = Live(console=console, auto_refresh=False, transient=True,
                          redirect_stdout=False, redirect_stderr=False,
                          vertical_overflow="crop")

    def __enter__(self) -> LiveView:
        self._live.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._live.stop()

    def update(self, events: list[WatchEvent]) -> None:
        now = time.monotonic()
        for event in events:
            self.announced.append((now, event))
        # New events are drawn at once; otherwise the screen is redrawn at most fps times.
        if events or now - self._last >= self.interval:
            self._last = now
            self._live.update(self.screen(), refresh=True)

    def screen(self) -> Group:
        rows = self.watcher.rows()
        height = max(self.console.height - len(self.announced) - 8, 3)
        return Group(self.header(rows), *self.announcements(), self.table(rows[:height // 2]),
                     *( [Text(f"… and {len(rows) - height // 2} more", style="dim")]
                        if len(rows) > height // 2 else []))

    def header(self, rows: list[LiveRow]) -> Text:
        stats = self.watcher.stats
        lines = sum(s.lines for s in self.watcher.session.sources)
        elapsed = int(time.monotonic() - stats.started)
        text = Text()
        text.append("analyzer watch ", style="bold")
        text.append(self.clean(stats.source), style="cyan")
        text.append(f" · {lines:,} lines · {stats.matches:,} matches · {len(rows)} incidents"
                    f" · {elapsed // 60}:{elapsed % 60:02d}", style="dim")
        if stats.dropped:
            text.append(f" · {stats.dropped:,} matches over the incident cap", style="yellow")
        text.append(" · Ctrl-C for the summary", style="dim")
        return text

    def announcements(self) -> list[Text]:
        now = time.monotonic()
        lines = []
        for seen, event in reversed(self.announced):
            fresh = now - seen < FRESH_SECONDS
            style = terminal.SEVERITY_STYLE.get(event.incident.severity, "") if fresh else "dim"
            text = Text("▶ " if fresh else "  ", style=style, no_wrap=True, overflow="ellipsis")
            text.append(event_line(event, self.clean), style=style)
            lines.append(text)
        return lines

    def table(self, rows: list[LiveRow]) -> Table:
        table = Table(expand=True, show_edge=False, pad_edge=False)
        for name, options in (("sev", {"no_wrap": True}), ("count", {"justify": "right"}),
                              ("/min", {"justify": "right"}),
                              ("last 30 min", {"no_wrap": True}),
                              ("last seen", {"no_wrap": True}),
                              ("incident", {"ratio": 3, "no_wrap": True, "overflow": "ellipsis"}),
                              ("diagnosis", {"ratio": 2, "no_wrap": True,
                                             "overflow": "ellipsis"})):
            table.add_column(name, **options)
        for row in rows:
            i = row.incident
            style = terminal.SEVERITY_STYLE.get(i.severity, "")
            what = Text(self.clean(short_entities(i)), style="bold")
            what.append(f" {self.clean(i.title)} ")
            what.append(i.id, style="dim")
            last = (format_ts(i.last_seen) or "")[11:19]
            table.add_row(Text(i.severity, style=style), f"{i.count:,}", str(row.rate),
                          Text(sparkline(row.trend), style=style), last, what,
                          Text(self.clean(diagnosis_line(i)), style="magenta"))
        return table


def run_watch(watcher: Watcher, source: Any, view: LineView | LiveView,
              input_format: str | None = None) -> None:
    """Drive the watcher until the input ends or Ctrl-C; the view sees every tick."""
    with view:
        try:
            watcher.run(source, view.update, input_format=input_format)
        except KeyboardInterrupt:
            view.update(watcher.take_events())
        finally:
            source.stop()
