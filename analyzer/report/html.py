"""HTML reporter: one self-contained file (inline CSS and SVG, no script, no fetch) readable on
a phone. A Content-Security-Policy that forbids every script and every network load backs up
the escaping: each piece of log text goes through the cleaner and then html_text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, TextIO

from analyzer.model import SEVERITIES, Incident, Report, Sample
from analyzer.report.common import (
    MINUTE_NS,
    Entry,
    buckets,
    cleaner,
    clip,
    entities_text,
    entries,
    resolved_entries,
    status_counts,
    when,
    window_of,
)
from analyzer.store import RunResult
from analyzer.textsafe import html_text as esc

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
COLORS = {"critical": "#c0392b", "high": "#e67e22", "medium": "#d4ac0d", "low": "#2e86c1",
          "info": "#7f8c8d"}
STATUS_COLORS = {"NEW": "#c0392b", "REGRESSED": "#8e44ad", "ONGOING": "#566573",
                 "RESOLVED": "#1e8449"}
BARS = 60  # buckets in a timeline

# The stylesheet is inlined into every report (no fetch); kept as a file to stay readable.
STYLE = resources.files("analyzer.report").joinpath("report.css").read_text(encoding="utf-8")


def _badge(text: str, color: str) -> str:
    return f'<span class="badge" style="background:{color}">{esc(text)}</span>'


def bar_count(start: int, end: int) -> int:
    """One bar a minute for short windows, BARS for longer ones."""
    return max(1, min(BARS, (end - start) // MINUTE_NS + 1))


def timeline_svg(series: Mapping[str, Sequence[int]], start: int, end: int, label: str) -> str:
    """Stacked bars (one series per severity or one for an incident) over [start, end]."""
    width, height, top, bottom = 600, 120, 6, 30
    totals = [sum(values) for values in zip(*series.values(), strict=True)] or [0]
    highest = max(totals) or 1
    bar_w = width / len(totals)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}">',
             f"<title>{esc(label)}</title>",
             f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
             'stroke="currentColor" stroke-opacity=".3"/>']
    step = max(1, (end - start) // len(totals))
    for index in range(len(totals)):
        base = float(height - bottom)
        for name, values in series.items():
            value = values[index]
            if not value:
                continue
            bar_h = max(1.5, value / highest * (height - bottom - top))
            base -= bar_h
            moment = when(start + index * step, seconds=False)
            parts.append(f'<rect x="{index * bar_w + .5:.1f}" y="{base:.1f}" '
                         f'width="{max(bar_w - 1, 1):.1f}" height="{bar_h:.1f}" '
                         f'fill="{COLORS.get(name, "#566573")}"><title>{esc(moment)}: '
                         f"{value}</title></rect>")
    parts.append(f'<text x="0" y="{height - 6}" font-size="19" fill="currentColor">'
                 f"{esc(when(start, seconds=False))}</text>")
    end_label = when(end, seconds=False)
    if end_label[:10] == when(start)[:10]:
        end_label = end_label[11:]
    parts.append(f'<text x="{width}" y="{height - 6}" font-size="19" text-anchor="end" '
                 f'fill="currentColor">{esc(end_label)} · max {max(totals)}'
                 "</text></svg>")
    return "".join(parts)


class HtmlWriter:
    def __init__(self, report: Report, result: RunResult | None, clean: Any) -> None:
        self.report, self.result, self.clean = report, result, clean
        self.start, self.end = window_of(report, result)

    def t(self, text: str | None) -> str:
        return esc(self.clean(text or ""))

    def window_timeline(self, listed: list[Entry]) -> str:
        if self.start is None or self.end is None:
            return ""
        bars = bar_count(self.start, self.end)
        series = {s: [0] * bars for s in SEVERITIES}
        for entry in listed:
            minutes: Mapping[int, int] = self.report.timelines.get(entry.incident.id, {})
            for index, value in enumerate(buckets(minutes, self.start, self.end, bars)):
                series[entry.incident.severity][index] += value
        return timeline_svg(series, self.start, self.end, "Errors over the window, by severity")

    def incident_timeline(self, incident: Incident) -> str:
        """Over the incident's own active span (at least 10 minutes), so a burst inside a long
        window still shows its shape."""
        minutes = self.report.timelines.get(incident.id)
        if not minutes:
            return ""
        start = min(minutes) * MINUTE_NS
        end = max(max(minutes) * MINUTE_NS, start + 9 * MINUTE_NS)
        values = buckets(minutes, start, end, bar_count(start, end))
        return timeline_svg({incident.severity: values}, start, end,
                            f"Timeline of incident {incident.id}")

    def sample(self, sample: Sample) -> str:
        where = self.t(f"{sample.source}:{sample.lineno}")
        return (f'<pre><span class="muted">{esc(when(sample.ts))} · {where}</span>\n'
                f"{self.t(clip(sample.message))}</pre>")

    def card(self, entry: Entry) -> str:
        i, h = entry.incident, entry.history
        color = COLORS.get(i.severity, "#566573")
        badges = _badge(i.severity, color)
        if entry.status:
            badges = _badge(entry.status, STATUS_COLORS[entry.status]) + " " + badges
        facts = [("id", f"<code>{esc(i.id)}</code>"), ("rule", f"<code>{esc(i.rule)}</code>")]
        if i.entities:
            facts.append(("entities", f"<code>{self.t(entities_text(i))}</code>"))
        facts.append(("count", f"{i.count} · {esc(when(i.first_seen))} → {esc(when(i.last_seen))}"))
        if h is not None:
            facts.append(("history", f"first seen ever {esc(when(h.first_ever))}; "
                                     f"{h.runs_seen} run(s), {h.total} in total"))
        if i.services:
            facts.append(("services", self.t(", ".join(i.services))))
        body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
        parts = [f'<section class="card" style="border-left-color:{color}" id="i-{esc(i.id)}">',
                 f"<h3>{badges} {self.t(i.title)}</h3><dl>{body}</dl>",
                 self.incident_timeline(i)]
        d = i.diagnosis
        if d is not None:
            parts.append(f"<p><strong>Diagnosis</strong> <code>{esc(d.kind)}</code> "
                         f"({d.confidence:.0%}): {self.t(d.summary)}</p>")
            if d.evidence:
                parts.append("<ul>" + "".join(f"<li>{self.t(e)}</li>" for e in d.evidence)
                             + "</ul>")
            if d.fixes:
                parts.append("<p><strong>Fix</strong></p><ul>"
                             + "".join(f"<li>{self.t(f)}</li>" for f in d.fixes) + "</ul>")
        if i.samples:
            parts.append("<details open><summary>Sample lines</summary>"
                         + "".join(self.sample(s) for s in i.samples[:3]) + "</details>")
        parts.append("</section>")
        return "".join(parts)

    def resolved(self) -> str:
        items = []
        for entry in resolved_entries(self.result):
            i, h = entry.incident, entry.history
            assert h is not None
            items.append(f"<li>{_badge(i.severity, COLORS.get(i.severity, '#566573'))} "
                         f"{self.t(i.title)} <code>{self.t(entities_text(i))}</code> "
                         f'<span class="muted">· <code>{esc(i.id)}</code> · last seen '
                         f"{esc(when(h.last_ever))}</span></li>")
        if not items:
            return ""
        return ('<h2>Resolved since the last run</h2><ul class="resolved">' + "".join(items)
                + "</ul>")

    def summary(self, listed: list[Entry]) -> str:
        report = self.report
        text = f"{len(listed)} incident(s) in this window"
        if self.result is not None:
            counts = status_counts([*listed, *resolved_entries(self.result)])
            text += ": " + " ".join(_badge(f"{n} {s}", STATUS_COLORS[s])
                                    for s, n in counts.items())
        return (f'<p class="summary">{text}<br><span class="muted">{report.lines} lines, '
                f"{report.records} records from {len(report.sources)} source(s)"
                + (f" · run #{self.result.run.id}" if self.result else "") + "</span></p>")

    def document(self) -> str:
        listed = entries(self.report, self.result)
        title = "Incident report"
        if self.start is not None:
            title += f": {when(self.start, seconds=False)} → {when(self.end, seconds=False)}"
        body = [f"<h1>{esc(title)}</h1>", self.summary(listed), self.window_timeline(listed)]
        if not listed:
            body.append("<p>No incidents in this window.</p>")
        body.append(self.resolved())
        body.extend(self.card(entry) for entry in listed)
        if self.report.root_causes:
            body.append("<h2>Root causes</h2><ul>" + "".join(
                f"<li><code>{esc(c.id)}</code> {self.t(c.summary)}</li>"
                for c in self.report.root_causes) + "</ul>")
        if self.report.problems:
            body.append("<h2>Problems while reading</h2><ul>" + "".join(
                f"<li>{self.t(str(p))}</li>" for p in self.report.problems) + "</ul>")
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{esc(title)}</title><style>{STYLE}</style></head>\n<body>"
                + "\n".join(part for part in body if part) + "</body></html>\n")


def html_report(report: Report, result: RunResult | None = None, *, redact: bool = True,
                emails: bool = False) -> str:
    return HtmlWriter(report, result, cleaner(redact, emails)).document()


def render(report: Report, out: TextIO, *, history: RunResult | None = None,
           redact: bool = True, emails: bool = False, **_: Any) -> None:
    out.write(html_report(report, history, redact=redact, emails=emails))
