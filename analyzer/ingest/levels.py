"""Severity words -> the levels records carry: critical, error, warning, info, debug."""

from __future__ import annotations

import re

from analyzer.ingest.pgwords import severity_words

LEVELS = ("critical", "error", "warning", "info", "debug")

_NAMES = {
    "emerg": "critical", "emergency": "critical", "alert": "critical", "crit": "critical",
    "critical": "critical", "fatal": "critical", "panic": "critical",
    "err": "error", "error": "error",
    "warn": "warning", "warning": "warning",
    "notice": "info", "info": "info", "log": "info", "information": "info",
    "debug": "debug", "trace": "debug", "debug1": "debug", "debug2": "debug", "debug3": "debug",
    "debug4": "debug", "debug5": "debug",
}

# Words that make a free-text line an error (or a warning) even when the format gives no
# level, searched in the lower-cased head: one C-level search, several times faster than a
# case-insensitive word-boundary regex; a rare false hit ("terror") only makes a guess wrong.
_ERROR_RE = re.compile("❌|error|exception|traceback|fatal|panic|critical|unhandled|uncaught")
_WARNING_RE = re.compile("⚠|warn")


def normalize_level(word: str | None) -> str | None:
    if not word:
        return None
    word = word.strip()
    # PostgreSQL writes its severities in lc_messages' language (FEHLER, 오류, ОШИБКА)
    return _NAMES.get(word.lower()) or _NAMES.get(severity_words().get(word, "").lower())


def infer_level(message: str) -> str | None:
    """Guess a level from free text (Render text output carries none)."""
    head = message[:512].lower()
    if _ERROR_RE.search(head):
        return "error"
    if _WARNING_RE.search(head):
        return "warning"
    return None
