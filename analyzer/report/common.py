"""What every written report shares: cleaning log text, ordering by status and severity,
the time window, per-minute counts folded into timeline buckets, durations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.model import Incident, Report, format_ts, severity_rank
from analyzer.textsafe import cleaner as cleaner  # re-exported: every reporter uses it

if TYPE_CHECKING:  # the state store (sqlite3) only for a report of a recorded run
    from analyzer.store import History, RunResult

MINUTE_NS = 60_000_000_000
SQL_RE = re.compile(r"\b((?:ALTER|CREATE|DROP|COMMENT ON|NOTIFY)\b[^;]*;)", re.I)
STATUS_ORDER = {"NEW": 0, "REGRESSED": 1, "ONGOING": 2, "RESOLVED": 3}
MAX_SAMPLE_CHARS = 2_000  # a sample in a written report: its head is what a reader needs


@dataclass(frozen=True, slots=True)
class Entry:
    """One incident as a report lists it: this window's incident and its history, if any."""

    incident: Incident
    history: History | None

    @property
    def status(self) -> str | None:
        return self.history.status if self.history else None


def entries(report: Report, result: RunResult | None) -> list[Entry]:
    """This window's incidents, NEW and REGRESSED first when there is a history, then by
    severity and count (the Report's order)."""
    listed = [Entry(i, result.history.get(i.id) if result else None) for i in report.incidents]
    if result is not None:
        listed.sort(key=lambda e: STATUS_ORDER.get(e.status or "", 9))
    return listed


def resolved_entries(result: RunResult | None) -> list[Entry]:
    if result is None:
        return []
    items = sorted(result.resolved, key=lambda h: (severity_rank(h.incident.severity), h.id))
    return [Entry(h.incident, h) for h in items]


def window_of(report: Report, result: RunResult | None) -> tuple[int | None, int | None]:
    """The report's window: the run's --since/--until when given, else the span of the
    incidents' timestamps."""
    start = result.run.window_start if result else None
    end = result.run.window_end if result else None
    firsts = [i.first_seen for i in report.incidents if i.first_seen is not None]
    lasts = [i.last_seen for i in report.incidents if i.last_seen is not None]
    if start is None and firsts:
        start = min(firsts)
    if end is None and lasts:
        end = max(lasts)
    return start, end


def buckets(minutes: Mapping[int, int], start_ns: int, end_ns: int, count: int) -> list[int]:
    """Fold per-minute counts into `count` equal buckets spanning [start, end]."""
    first = start_ns // MINUTE_NS
    last = max(end_ns // MINUTE_NS, first)
    span = last - first + 1
    folded = [0] * count
    for minute, value in minutes.items():
        if first <= minute <= last:
            folded[min(count - 1, (minute - first) * count // span)] += value
    return folded


def peak(minutes: Mapping[int, int]) -> tuple[int, int] | None:
    """(minute start ns, count) of the busiest minute; the earliest on a tie."""
    if not minutes:
        return None
    minute = min(minutes, key=lambda m: (-minutes[m], m))
    return minute * MINUTE_NS, minutes[minute]


def duration(ns: int | None) -> str:
    if ns is None:
        return "-"
    seconds = ns // 1_000_000_000
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (minutes, "m")) if v]
    if secs or not parts:
        parts.append(f"{secs}s")
    return " ".join(parts[:2])


def when(ns: int | None, *, seconds: bool = True) -> str:
    text = format_ts(ns)
    if text is None:
        return "-"
    return text[: 19 if seconds else 16].replace("T", " ") + " UTC"


def entities_text(incident: Incident) -> str:
    return ", ".join(f"{k}={v}" for k, v in incident.entities.items())


def clip(text: str, limit: int = MAX_SAMPLE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + " …[cut]"


def status_counts(listed: Sequence[Entry]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for entry in listed:
        if entry.status:
            counts[entry.status] += 1
    return counts


def split_sql(fix: str) -> tuple[str, list[str]]:
    """A fix -> (its prose, the SQL statements it proposes), so a report can show the SQL
    as a block: "Or migrate …: ALTER TABLE …; ALTER TABLE …;" -> ("Or migrate …", [two])."""
    statements = [m.strip() for m in SQL_RE.findall(fix)]
    if not statements:
        return fix, []
    prose = SQL_RE.sub("", fix).strip().rstrip(":").strip()
    return prose, statements


def short_time(ns: int | None, day: str | None) -> str:
    """HH:MM:SS when the moment is on `day` (YYYY-MM-DD, said once in a heading), else
    MM-DD HH:MM:SS."""
    text = when(ns)
    if text == "-":
        return text
    return text[11:19] if text[:10] == day else text[5:19]
