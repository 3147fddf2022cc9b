"""Views for `analyzer watch`: a rich Live screen on a terminal (incidents worst and most
recent first, count, rate, 30-minute sparkline, one-line diagnosis, announcements of new and
escalated incidents), or one line per event when the output is not a terminal (text or JSON
lines, for piping into other tools). Log text is cleaned and never read as markup."""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from analyzer.model import Incident, Report, RootCause, format_ts
from analyzer.report import jsonout, terminal
from analyzer.report.common import entities_text
from analyzer.report.keys import Keys
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
                data = {"version": jsonout.JSON_VERSION, "event": event.kind,
                        "previous_severity": event.previous,
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
            self.out.write(json.dumps({"version": jsonout.JSON_VERSION, "event": "summary",
                                       "report": data},
                                      ensure_ascii=False) + "\n")
        else:
            terminal.render(report, self.out, **options)
        self.out.flush()


class QuitRequested(KeyboardInterrupt):
    """`q` on the live screen: stop as Ctrl-C does, with the summary."""


HELP = "keys: q quit (prints the summary) · ? this help · Ctrl-C quit"
CAUSES_EVERY = 2.0  # seconds between root-cause recomputations on the live screen
# Columns dropped first as the screen narrows: (name, the width below which it goes).
OPTIONAL_COLUMNS = (("last 30 min", 110), ("/min", 96), ("last seen", 86))
NARROW = 100  # below this width the diagnosis column shows the found name without the kind


class LiveView:
    """A terminal: the screen redrawn in place (at most `fps` times a second); `q` quits and
    `?` shows the keys when a terminal can be read (analyzer.report.keys)."""

    def __init__(self, watcher: Watcher, console: Console, clean: Callable[[str], str],
                 *, fps: float = 4.0, keys: Keys | None = None) -> None:
        self.watcher, self.console, self.clean = watcher, console, clean
        self.announced: deque[tuple[float, WatchEvent]] = deque(maxlen=ANNOUNCED)
        self.interval = 1.0 / fps
        self._last = 0.0
        self.keys = keys
        self.help = False
        self.causes: tuple[RootCause, ...] = ()
        self._causes_at = 0.0
        self._causes_dirty = False
        self._live = Live(console=console, auto_refresh=False, transient=True,
                          redirect_stdout=False, redirect_stderr=False,
                          vertical_overflow="crop")

    def __enter__(self) -> LiveView:
        if self.keys is not None:
            self.keys.__enter__()
        self._live.start()
        self._live.update(self.screen(), refresh=True)
        return self

    def __exit__(self, *_: object) -> None:
        self._live.stop()
        if self.keys is not None:
            self.keys.__exit__()

    def update(self, events: list[WatchEvent]) -> None:
        now = time.monotonic()
        for event in events:
            self.announced.append((now, event))
        self._causes_dirty = self._causes_dirty or bool(events)
        pressed = self.keys.take() if self.keys is not None else []
        if "q" in pressed or "Q" in pressed:
            raise QuitRequested
        if "?" in pressed:
            self.help = not self.help
        # New events are drawn at once; otherwise the screen is redrawn at most fps times.
        if events or pressed or now - self._last >= self.interval:
            self._last = now
            self._live.update(self.screen(), refresh=True)

    def root_causes(self) -> tuple[RootCause, ...]:
        """The watcher's root causes so far, recomputed at most every CAUSES_EVERY seconds
        and only after something new arrived."""
        now = time.monotonic()
        if self._causes_dirty and now - self._causes_at >= CAUSES_EVERY:
            self.causes = self.watcher.report().root_causes
            self._causes_at, self._causes_dirty = now, False
        return self.causes

    def screen(self) -> Group:
        rows = self.watcher.rows()
        causes = self.root_causes()
        room = max(self.console.height - len(self.announced) - len(causes) - 8, 3)
        shown = rows[:room // 2] if self.announced else rows[:room]
        parts: list[Any] = [self.header(rows)]
        if self.help:
            parts.append(Text(HELP, style="bold"))
        if not any(s.lines for s in self.watcher.session.sources):
            parts.append(Text(f"waiting for lines from {self.clean(self.watcher.stats.source)}…",
                              style="yellow"))
        parts += self.announcements()
        parts.append(self.table(shown))
        if len(rows) > len(shown):
            parts.append(Text(f"… and {len(rows) - len(shown)} more", style="dim"))
        parts += [self.cause_line(cause) for cause in causes]
        return Group(*parts)

    def header(self, rows: list[LiveRow]) -> Text:
        stats = self.watcher.stats
        lines = sum(s.lines for s in self.watcher.session.sources)
        elapsed = int(time.monotonic() - stats.started)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("analyzer watch ", style="bold")
        text.append(self.clean(os.path.basename(stats.source) or stats.source), style="cyan")
        text.append(f" · {lines:,} lines · {stats.matches:,} matches · {len(rows)} incidents"
                    f" · {elapsed // 60}:{elapsed % 60:02d}", style="dim")
        if stats.dropped:
            text.append(f" · {stats.dropped:,} matches over the incident cap", style="yellow")
        text.append(" · q quit · ? keys" if self.keys is not None else " · Ctrl-C for the summary",
                    style="dim")
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

    def cause_line(self, cause: RootCause) -> Text:
        """One line per root cause: its id (for `postmortem --root-cause`), kind and fix."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("root cause ", style="bold")
        text.append(f"{cause.id} ", style="dim")
        text.append(f"{cause.kind}: ", style="magenta")
        text.append(self.clean(cause.fixes[0] if cause.fixes else cause.summary))
        return text

    def table(self, rows: list[LiveRow]) -> Table:
        width = self.console.width
        dropped = {name for name, below in OPTIONAL_COLUMNS if width < below}
        table = Table(expand=True, show_edge=False, pad_edge=False)
        narrow = width < NARROW
        columns: list[tuple[str, dict[str, Any]]] = [
            ("sev", {"no_wrap": True, "min_width": 8}),
            ("count", {"justify": "right", "no_wrap": True, "min_width": 5}),
            ("/min", {"justify": "right", "no_wrap": True}),
            ("last 30 min", {"no_wrap": True}), ("last seen", {"no_wrap": True, "min_width": 9}),
            ("id", {"no_wrap": True, "min_width": 12}),
            # the incident's text gives way; the diagnosis (what the database has) does not
            ("incident", {"ratio": 1, "no_wrap": True, "overflow": "ellipsis", "min_width": 8}),
            ("diagnosis", {"no_wrap": True, "overflow": "ellipsis", "max_width": width // 3})]
        for name, options in columns:
            if name not in dropped:
                table.add_column(name, **options)
        for row in rows:
            i = row.incident
            style = terminal.SEVERITY_STYLE.get(i.severity, "")
            what = Text(self.clean(short_entities(i)), style="bold")
            what.append(f" {self.clean(i.title)}")
            cells: dict[str, Text | str] = {
                     "sev": Text(i.severity, style=style), "count": f"{i.count:,}",
                     "/min": str(row.rate), "last 30 min": Text(sparkline(row.trend), style=style),
                     "last seen": (format_ts(i.last_seen) or "")[11:19],
                     "id": Text(i.id, style="dim"), "incident": what,
                     "diagnosis": Text(self.clean(diagnosis_found(i, kind=not narrow)),
                                       style="magenta")}
            table.add_row(*(cells[name] for name, _ in columns if name not in dropped))
        return table


def diagnosis_found(incident: Incident, *, kind: bool = True) -> str:
    """What the database has first (it must stay visible when the line is cut), then the
    kind: `→ sessionId (case_style)`."""
    d = incident.diagnosis
    if d is None:
        return "-"
    if d.found:
        return f"→ {d.found}" + (f" ({d.kind})" if kind else "")
    return f"{d.kind}: {d.wanted}" if d.wanted else d.kind


def run_watch(watcher: Watcher, source: Any, view: LineView | LiveView,
              input_format: str | None = None,
              on_events: Callable[[list[WatchEvent]], None] | None = None) -> None:
    """Drive the watcher until the input ends, Ctrl-C or `q`; the view sees every tick (and
    `on_events`, e.g. the notifier, every event)."""
    def tick(events: list[WatchEvent]) -> None:
        if on_events is not None and events:
            on_events(events)
        view.update(events)

    watcher.stats.source = getattr(source, "name", watcher.stats.source)
    with view:
        try:
            watcher.run(source, tick, input_format=input_format)
        except KeyboardInterrupt:
            tick(watcher.take_events())
        finally:
            source.stop()
