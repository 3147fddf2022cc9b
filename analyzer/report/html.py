"""HTML reporter: one self-contained file (inline CSS and SVG, no script, no fetch) readable on
a phone, rendered by Jinja2 with autoescaping on. Log text goes through the cleaner, then the
template escapes it; a Content-Security-Policy that forbids every script and every network
load backs that up. The page leads with the answer: KPI tiles, the root causes with their fix
and links to their incidents, a summary table, then one card per incident, every chart on the
same time axis (the report's window)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, TextIO

from analyzer import __version__
from analyzer.model import SEVERITIES, Incident, Report
from analyzer.report.common import (
    MINUTE_NS,
    Entry,
    cleaner,
    clip,
    duration,
    entities_text,
    entries,
    resolved_entries,
    status_counts,
    when,
    window_of,
)
from analyzer.report.timeaxis import Axis, time_axis
from analyzer.store import RunResult

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
COLORS = {"critical": "#c0392b", "high": "#e67e22", "medium": "#d4ac0d", "low": "#2e86c1",
          "info": "#7f8c8d"}
STATUS_COLORS = {"NEW": "#c0392b", "REGRESSED": "#8e44ad", "ONGOING": "#566573",
                 "RESOLVED": "#1e8449"}
BARS = 60  # buckets in a timeline
SAMPLES_SHOWN = 3
# The stylesheet is inlined into every report (no fetch); kept as a file to stay readable.
STYLE = resources.files("analyzer.report").joinpath("report.css").read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    height: float
    color: str
    label: str


def bar_count(start: int, end: int) -> int:
    """One bar a minute for short windows, BARS for longer ones."""
    return max(1, min(BARS, (end - start) // MINUTE_NS + 1))


def stacked_bars(series: dict[str, list[int]], axis: Axis, highest: int) -> list[Bar]:
    """Bars in a 0..count x 0..100 box (the SVG stretches it to the page's width)."""
    bars = []
    count = axis.bars
    for index in range(count):
        base = 100.0
        for name, values in series.items():
            value = values[index]
            if not value:
                continue
            height = max(1.5, value / (highest or 1) * 96)
            base -= height
            moment = when(axis.start + index * axis.step, seconds=False)
            bars.append(Bar(index + 0.08, base, height, COLORS.get(name, "#566573"),
                            f"{moment}: {value} {name}"))
    return bars


class HtmlView:
    """What the template shows, computed once: every string already cleaned (the template
    escapes it)."""

    def __init__(self, report: Report, result: RunResult | None, clean: Any,
                 generated_ns: int) -> None:
        self.report, self.result, self.clean = report, result, clean
        self.listed = entries(report, result)
        self.start, self.end = window_of(report, result)
        self.axis = (time_axis(self.start, self.end, bar_count(self.start, self.end))
                     if self.start is not None and self.end is not None else None)
        self.generated = when(generated_ns)
        self.version = __version__

    def t(self, text: str | None) -> str:
        return self.clean(text or "")

    @property
    def title(self) -> str:
        if self.start is None:
            return "Incident report"
        return f"Incident report: {self.window_text()}"

    def tiles(self) -> list[dict[str, Any]]:
        """KPI tiles: incidents (by status with a history), by severity, window, input."""
        report, listed = self.report, self.listed
        tiles: list[dict[str, Any]] = [{"label": "incidents", "value": str(len(listed)),
                                        "parts": []}]
        if self.result is not None:
            counts = status_counts([*listed, *resolved_entries(self.result)])
            tiles[0]["parts"] = [(f"{n} {s}", STATUS_COLORS[s]) for s, n in counts.items() if n]
        severities = [(s, sum(1 for e in listed if e.incident.severity == s)) for s in SEVERITIES]
        tiles.append({"label": "by severity", "value": " · ".join(
            f"{n} {s}" for s, n in severities if n) or "none", "parts": []})
        span = None if self.start is None or self.end is None else self.end - self.start
        tiles.append({"label": "window", "value": duration(span),
                      "parts": [(self.window_text(), "")] if span is not None else []})
        tiles.append({"label": "input", "value": f"{report.lines:,} lines",
                      "parts": [(f"{report.records:,} records from {len(report.sources)} "
                                 f"source(s)", "")]})
        return tiles

    def window_text(self) -> str:
        """`2025-11-13 06:23 → 06:29 UTC`: the date once when the window is inside a day."""
        start = when(self.start, seconds=False).removesuffix(" UTC")
        end = when(self.end, seconds=False)
        return f"{start} → {end[11:] if end[:10] == start[:10] else end}"

    def window_chart(self) -> dict[str, Any] | None:
        if self.axis is None:
            return None
        series = {s: [0] * self.axis.bars for s in SEVERITIES}
        for entry in self.listed:
            minutes: Mapping[int, int] = self.report.timelines.get(entry.incident.id, {})
            for index, value in enumerate(self.axis.fold(minutes)):
                series[entry.incident.severity][index] += value
        highest = max((sum(v) for v in zip(*series.values(), strict=True)), default=0)
        shown = [s for s in SEVERITIES if any(series[s])]
        return {"bars": stacked_bars(series, self.axis, highest), "highest": highest,
                "legend": [(s, COLORS[s]) for s in shown],
                "label": "Errors over the window, by severity"}

    def incident_chart(self, incident: Incident) -> dict[str, Any] | None:
        minutes = self.report.timelines.get(incident.id)
        if not minutes or self.axis is None:
            return None
        values = self.axis.fold(minutes)
        highest = max(values, default=0)
        return {"bars": stacked_bars({incident.severity: values}, self.axis, highest),
                "highest": highest, "legend": [],
                "label": f"Timeline of incident {incident.id}"}

    def causes(self) -> list[dict[str, Any]]:
        known = {e.incident.id for e in self.listed}
        return [{"id": c.id, "kind": c.kind, "summary": self.t(c.summary),
                 "fix": self.t(c.fixes[0]) if c.fixes else None,
                 "more_fixes": [self.t(f) for f in c.fixes[1:]],
                 "evidence": [self.t(e) for e in c.evidence],
                 "incidents": [i for i in c.incidents if i in known]}
                for c in self.report.root_causes]

    def rows(self) -> list[dict[str, Any]]:
        return [self.row(entry) for entry in self.listed]

    def row(self, entry: Entry) -> dict[str, Any]:
        i, h, d = entry.incident, entry.history, entry.incident.diagnosis
        facts = [("rule", i.rule, True)]
        if i.entities:
            facts.append(("entities", self.t(entities_text(i)), True))
        facts.append(("count", f"{i.count} · {when(i.first_seen)} → {when(i.last_seen)}", False))
        if h is not None:
            facts.append(("history", f"first seen ever {when(h.first_ever)}; "
                                     f"{h.runs_seen} run(s), {h.total} in total", False))
        if i.services:
            facts.append(("services", self.t(", ".join(i.services)), False))
        return {
            "id": i.id, "status": entry.status, "severity": i.severity,
            "color": COLORS.get(i.severity, "#566573"),
            "status_color": STATUS_COLORS.get(entry.status or "", ""),
            "title": self.t(i.title), "entities": self.t(entities_text(i)), "count": i.count,
            "first": when(i.first_seen), "last": when(i.last_seen), "facts": facts,
            "root_cause": i.root_cause,
            "diagnosis": None if d is None else {
                "kind": d.kind, "confidence": f"{d.confidence:.0%}",
                "summary": self.t(d.summary), "short": self.t(
                    f"{d.wanted} → {d.found or '∅'}" if d.wanted or d.found else d.summary),
                "evidence": [self.t(e) for e in d.evidence],
                "fixes": [] if i.root_cause else [self.t(f) for f in d.fixes]},
            "chart": self.incident_chart(i),
            "samples": [{"when": when(s.ts), "where": self.t(f"{s.source}:{s.lineno}"),
                         "message": self.t(clip(s.message))} for s in i.samples[:SAMPLES_SHOWN]],
        }

    def resolved(self) -> list[dict[str, Any]]:
        rows = []
        for entry in resolved_entries(self.result):
            i, h = entry.incident, entry.history
            assert h is not None
            rows.append({"id": i.id, "severity": i.severity,
                         "color": COLORS.get(i.severity, "#566573"), "title": self.t(i.title),
                         "entities": self.t(entities_text(i)), "last": when(h.last_ever)})
        return rows

    def problems(self) -> list[str]:
        return [self.t(str(p)) for p in self.report.problems]


_CODE_RE = re.compile(r"`([^`\n]+)`")


def prose_parts(text: str) -> list[tuple[str, bool]]:
    """Prose the analyzer wrote around `code` -> (text, is_code) parts for the template (which
    escapes both): a fix shows its code as code, not backticks."""
    parts, at = [], 0
    for match in _CODE_RE.finditer(text):
        if match.start() > at:
            parts.append((text[at:match.start()], False))
        parts.append((match.group(1), True))
        at = match.end()
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def _environment() -> Any:
    # Imported here: only an HTML report pays for Jinja2's import.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("analyzer.report", "jinja"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["prose_parts"] = prose_parts
    return env


def generation_time() -> int:
    """Now, or $SOURCE_DATE_EPOCH (seconds) for a reproducible file (the reproducible-builds
    convention; the golden tests use it)."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(fixed) * 1_000_000_000 if fixed.isdigit() else time.time_ns()


def html_report(report: Report, result: RunResult | None = None, *, redact: bool = True,
                emails: bool = False, generated_ns: int | None = None,
                refresh: int | None = None) -> str:
    """`refresh` (seconds): a live page that reloads itself (a meta refresh, no script)."""
    view = HtmlView(report, result, cleaner(redact, emails),
                    generation_time() if generated_ns is None else generated_ns)
    template = _environment().get_template("report.html.j2")
    return template.render(view=view, csp=CSP, style=STYLE, run=result.run if result else None,
                           refresh=int(refresh) if refresh else None)


def render(report: Report, out: TextIO, *, history: RunResult | None = None,
           redact: bool = True, emails: bool = False, refresh: int | None = None,
           **_: Any) -> None:
    out.write(html_report(report, history, redact=redact, emails=emails, refresh=refresh))
