"""Notify stage, the message: a burst of alerts -> one title, a Markdown body and a JSON
payload. Every piece of log-derived text goes through the redacting cleaner and loses control
characters; Markdown structure in it is escaped so a log line cannot restyle the message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.model import Incident
from analyzer.textsafe import printable

MAX_LISTED = 20  # incidents written out in one message; the rest are counted
# what makes Markdown structure inside a line (every line starts with our own words, so
# line-start markers such as `#`, `-` or `1.` cannot take effect)
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~"})
KINDS = ("new", "regressed", "escalated")


@dataclass(frozen=True, slots=True)
class Alert:
    """A change worth telling people about: "new", "regressed" or "escalated"."""

    kind: str
    incident: Incident
    previous: str | None = None  # the severity before an escalation


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str  # Markdown
    payload: dict[str, Any]  # the JSON body of webhooks


def _md(text: str) -> str:
    return printable(text).replace("\n", " ").translate(_MD_SPECIAL)


def link_to(base: str | None, incident_id: str) -> str | None:
    return f"{base.rstrip('/')}/incidents/{incident_id}" if base else None


def compose(alerts: Sequence[Alert], *, link_base: str | None,
            clean: Callable[[str], str]) -> Message:
    kinds = sorted({a.kind for a in alerts}, key=KINDS.index)
    worst = alerts[0].incident.severity if alerts else "info"
    title = f"analyzer: {len(alerts)} {'/'.join(kinds)} incident(s), worst {worst}"
    lines, items = [], []
    for alert in alerts[:MAX_LISTED]:
        item = _item(alert, link_base, clean)
        items.append(item)
        lines.append(_line(item))
    if len(alerts) > MAX_LISTED:
        lines.append(f"… and {len(alerts) - MAX_LISTED} more")
    payload = {"version": 1, "title": title, "alerts": items,
               "more": max(0, len(alerts) - MAX_LISTED)}
    return Message(title, "\n\n".join(lines), payload)


def _item(alert: Alert, link_base: str | None, clean: Callable[[str], str]) -> dict[str, Any]:
    incident, diagnosis = alert.incident, alert.incident.diagnosis
    return {
        "kind": alert.kind, "id": incident.id, "severity": incident.severity,
        "previous_severity": alert.previous, "rule": incident.rule,
        "title": clean(incident.title), "count": incident.count,
        "entities": {k: clean(v) for k, v in incident.entities.items()},
        "services": [clean(s) for s in incident.services],
        "diagnosis": clean(diagnosis.summary) if diagnosis else None,
        "fix": clean(diagnosis.fixes[0]) if diagnosis and diagnosis.fixes else None,
        "link": link_to(link_base, incident.id),
    }


def _line(item: dict[str, Any]) -> str:
    kind = item["kind"].upper()
    if item["previous_severity"]:
        kind += f" (was {item['previous_severity']})"
    entities = ", ".join(f"{k}={v}" for k, v in item["entities"].items())
    head = (f"**{kind}** {item['severity']} · {_md(item['title'])}"
            f"{' · ' + _md(entities) if entities else ''} · {item['count']}× · `{item['id']}`")
    parts = [head]
    if item["diagnosis"]:
        parts.append(f"diagnosis: {_md(item['diagnosis'])}")
    if item["fix"]:
        parts.append(f"fix: {_md(item['fix'])}")
    if item["link"]:
        parts.append(item["link"])
    return "\n".join(parts)
