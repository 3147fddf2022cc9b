"""Markdown reporter: a report to paste into chat or an issue.

Every piece of log-derived text goes through md_text (escaped, one line), md_code (an inline
code span it cannot close) or md_fence (a code block it cannot end), after the cleaner strips
escapes and redacts secrets: nothing a log says changes the document's structure.
"""

from __future__ import annotations

from typing import Any, TextIO

from analyzer.model import Incident, Report, RootCause
from analyzer.report.common import (
    Entry,
    cleaner,
    clip,
    entities_text,
    entries,
    resolved_entries,
    short_time,
    split_sql,
    status_counts,
    when,
    window_of,
)
from analyzer.store import RunResult
from analyzer.textsafe import md_code, md_fence, md_prose, md_text

SEVERITY_MARK = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "info": "⚪"}
SAMPLES_SHOWN = 3
NOTHING = "—"  # a cell where nothing was found


class MarkdownWriter:
    def __init__(self, clean: Any) -> None:
        self.clean = clean
        self.lines: list[str] = []

    def text(self, value: str | None) -> str:
        return md_text(self.clean(value or ""))

    def code(self, value: str | None, *, table: bool = False) -> str:
        return md_code(self.clean(value or ""), table=table)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)


def _headline(report: Report, result: RunResult | None, listed: list[Entry]) -> list[str]:
    start, end = window_of(report, result)
    title = "# Incident report"
    if start is not None or end is not None:
        first, last = when(start, seconds=False), when(end, seconds=False)
        title += f": {first.removesuffix(' UTC')} → " \
            f"{last[11:] if last[:10] == first[:10] else last}"
    total = len(listed)
    summary = f"{total} incident(s) in this window"
    if result is not None:
        counts = status_counts([*listed, *resolved_entries(result)])
        summary += ": " + ", ".join(
            f"**{n} {s}**" if n and s in ("NEW", "REGRESSED") else f"{n} {s}"
            for s, n in counts.items())
    sources = len(report.sources)
    summary += (f" · {report.lines} lines, {report.records} records from {sources} "
                f"source{'s' if sources != 1 else ''}")
    if result is not None:
        summary += f" · run #{result.run.id}"
    return [title, "", summary, ""]


def _day(report: Report, result: RunResult | None) -> str | None:
    start, _ = window_of(report, result)
    return when(start)[:10] if start is not None else None


def _diagnosis_cell(w: MarkdownWriter, incident: Incident) -> str:
    d = incident.diagnosis
    if d is None:
        return NOTHING
    if d.kind == "unknown":
        return "needs `--schema`"
    found = w.code(d.found, table=True) if d.found else NOTHING
    wanted = w.code(d.wanted, table=True) if d.wanted else NOTHING
    return f"{md_code(d.kind)} {wanted} → {found}"


def _table(w: MarkdownWriter, listed: list[Entry], with_status: bool, day: str | None) -> None:
    """Narrow enough for GitHub's 980 px column: times without the date (it is in the
    heading), the id linking to the incident's details."""
    head = ["", "status"] if with_status else [""]
    head += ["id", "count", "incident", "when (UTC)", "diagnosis"]
    w.add("| " + " | ".join(head) + " |",
          "|" + "|".join("--:" if h == "count" else "---" for h in head) + "|")
    for entry in listed:
        i = entry.incident
        cells = [SEVERITY_MARK.get(i.severity, "")]
        if with_status:
            cells.append(f"**{entry.status}**" if entry.status in ("NEW", "REGRESSED")
                         else entry.status or NOTHING)
        what = w.text(i.title)
        if i.entities:
            what += " " + w.code(entities_text(i), table=True)
        first, last = short_time(i.first_seen, day), short_time(i.last_seen, day)
        span = first if first == last else f"{first}–{last}"
        cells += [f"[{i.id}](#{anchor(i)})", str(i.count), what, span, _diagnosis_cell(w, i)]
        w.add("| " + " | ".join(cells) + " |")
    blind = sum(1 for e in listed if e.incident.diagnosis is not None
                and e.incident.diagnosis.kind == "unknown")
    w.add("", *([f"{blind} incident(s) name a table or column: give `--schema` (a DDL file, "
                 "a migrations folder or a `postgresql://` URL) for a diagnosis.", ""]
                if blind else []))


def anchor(incident: Incident) -> str:
    """The id GitHub (and markdown-it's anchors) give the details heading: the id alone."""
    return incident.id


def fix_lines(w: MarkdownWriter, fix: str, indent: str = "  ") -> list[str]:
    """A fix as a list item, its code as code spans and its SQL as a sql block."""
    prose, statements = split_sql(w.clean(fix))
    lines = [f"{indent}- {md_prose(prose) if prose else 'SQL:'}"]
    if statements:
        block = md_fence("\n".join(statements), "sql")
        lines += ["", *(f"{indent}  {line}" for line in block.splitlines()), ""]
    return lines


def _details(w: MarkdownWriter, entry: Entry) -> None:
    i = entry.incident
    status = f"{entry.status} · " if entry.status else ""
    w.add(f"### {i.id}", "",
          f"{SEVERITY_MARK.get(i.severity, '')} **{i.severity}** · {status}"
          f"**{w.text(i.title)}** · rule {md_code(i.rule)}"
          + (f" · {w.code(entities_text(i))}" if i.entities else ""), "")
    count = f"- **Count**: {i.count} (first {when(i.first_seen)}, last {when(i.last_seen)})"
    w.add(count)
    h = entry.history
    if h is not None:
        w.add(f"- **History**: first seen ever {when(h.first_ever)}, last {when(h.last_ever)}, "
              f"in {h.runs_seen} run(s), {h.total} in total; recent runs: "
              + ", ".join(f"#{run} {n}" for run, n in h.recent))
    if i.services:
        w.add("- **Services**: " + ", ".join(w.code(s) for s in i.services))
    d = i.diagnosis
    if d is not None:
        if d.kind == "unknown":
            w.add("- **Diagnosis**: needs `--schema`")
        else:
            w.add(f"- **Diagnosis** ({md_code(d.kind)}, {d.confidence:.0%}): "
                  f"{md_prose(w.clean(d.summary))}")
            w.add(*(f"  - evidence: {w.text(fact)}" for fact in d.evidence))
        if d.fixes and not i.root_cause and d.kind != "unknown":
            w.add("- **Fix**:", *(line for fix in d.fixes for line in fix_lines(w, fix)))
    if i.root_cause:
        w.add(f"- **Root cause**: [{i.root_cause}](#{i.root_cause}) (its fix is above)")
    if i.samples:
        w.add("", "Samples:", "")
        w.add(md_fence("\n".join(_sample_text(w, s) for s in i.samples[:SAMPLES_SHOWN])))
    w.add("")


def _sample_text(w: MarkdownWriter, sample: Any) -> str:
    where = f"{sample.source}:{sample.lineno}"
    stamp = when(sample.ts).removesuffix(" UTC") if sample.ts is not None else "-"
    return f"{stamp} {w.clean(where)}\n{clip(w.clean(sample.message))}"


def _resolved(w: MarkdownWriter, result: RunResult | None) -> None:
    resolved = resolved_entries(result)
    if not resolved:
        return
    w.add("## Resolved since the last run", "",
          "| | severity | incident | id | first seen ever | last seen |",
          "|---|---|---|---|---|---|")
    for entry in resolved:
        i, h = entry.incident, entry.history
        assert h is not None
        what = w.text(i.title) + (f" {w.code(entities_text(i), table=True)}"
                                  if i.entities else "")
        w.add(f"| {SEVERITY_MARK.get(i.severity, '')} | {i.severity} | {what} | "
              f"{md_code(i.id)} | {when(h.first_ever)} | {when(h.last_ever)} |")
    w.add("")


def _root_causes(w: MarkdownWriter, causes: tuple[RootCause, ...]) -> None:
    if not causes:
        return
    w.add("## Root causes", "")
    for cause in causes:
        w.add(f"### {cause.id}", "", f"{md_code(cause.kind)} {md_prose(w.clean(cause.summary))}",
              "", "Explains " + ", ".join(md_code(i) for i in cause.incidents) + ".", "",
              "Fix:", "")
        w.add(*(line for fix in cause.fixes for line in fix_lines(w, fix, "")))
        w.add("")


def markdown_report(report: Report, result: RunResult | None = None, *,
                    redact: bool = True, emails: bool = False) -> str:
    w = MarkdownWriter(cleaner(redact, emails))
    listed = entries(report, result)
    w.add(*_headline(report, result, listed))
    if listed:
        _table(w, listed, result is not None, _day(report, result))
    else:
        w.add("No incidents in this window.", "")
    _resolved(w, result)
    _root_causes(w, report.root_causes)
    if listed:
        w.add("## Details", "")
        for entry in listed:
            _details(w, entry)
    problems = report.problems
    if problems:
        w.add("## Problems while reading", "",
              *(f"- {'**error**: ' if p.fatal else ''}{w.text(str(p))}" for p in problems), "")
    return "\n".join(w.lines).rstrip("\n") + "\n"


def render(report: Report, out: TextIO, *, history: RunResult | None = None,
           redact: bool = True, emails: bool = False, **_: Any) -> None:
    out.write(markdown_report(report, history, redact=redact, emails=emails))

