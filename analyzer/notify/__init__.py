"""Notify stage: incidents worth telling people about -> messages through `--notify` URLs.

`Alert` is what changed (a new, regressed or escalated incident); `compose` turns a burst of
alerts into one message (the diagnosis line, the fix, a link to the incident page; secrets
redacted); `Notifier` groups, rate-limits and deduplicates for long-running commands;
`senders.open_senders` validates the URLs (apprise for Slack, Discord, Teams, email and plain
webhooks; `hmac+https://` for a JSON webhook signed with HMAC-SHA256).
"""

from __future__ import annotations

from analyzer.notify.dispatch import (
    Notifier,
    NotifyPolicy,
    alerts_of_run,
    notify_once,
    parse_notify_on,
)
from analyzer.notify.message import Alert, Message, compose
from analyzer.notify.senders import Sender, open_senders

__all__ = ["Alert", "Message", "Notifier", "NotifyPolicy", "Sender", "alerts_of_run",
           "compose", "notify_once", "open_senders", "parse_notify_on"]
