"""Untrusted text helpers shared by every stage: ANSI stripping, control-character removal and
secret redaction. Pure functions over strings; nothing here knows about any output format.
"""

from __future__ import annotations

import re

# CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), charset selects and
# the lone ESC-x two-byte escapes.
ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[()][0-9A-Za-z]"
    r"|\x1b[@-Z\\-_]"
)
# C0 controls except tab and newline, DEL, C1 controls, and bidi overrides that can reorder text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_ansi(text: str) -> str:
    return ANSI_RE.sub("", text) if "\x1b" in text else text


def printable(text: str) -> str:
    """Text safe to put on a terminal: no escape sequences, no control characters."""
    return _CONTROL_RE.sub("", strip_ansi(text))


_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # postgres://user:password@host -> postgres://user:***@host (any scheme with userinfo)
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:)[^\s@/'\"]+(@)", re.I), r"\1***\2"),
    # JSON Web Tokens (Supabase anon/service keys and access tokens are JWTs)
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"), "[JWT]"),
    (re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.I), r"\1***"),
    # Supabase secret/publishable keys, Stripe keys, GitHub and AWS tokens
    (re.compile(r"\b(sb_secret_|sb_publishable_|sk_live_|sk_test_|rk_live_|ghp_|gho_|github_pat_)"
                r"[A-Za-z0-9_]{8,}"), r"\1***"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "[AWS_KEY]"),
    # key=value and key: value pairs whose key says it is a secret
    (re.compile(r"""(\b(?:password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?token|"""
                r"""refresh[_-]?token|auth[_-]?token|client[_-]?secret)\b["']?\s*[:=]\s*["']?)"""
                r"""[^\s"'&,;}]{3,}""", re.I), r"\1***"),
)

_EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")


def redact(text: str, *, emails: bool = False) -> str:
    """Replace passwords in URLs, JWTs, bearer tokens and API keys with placeholders."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    if emails:
        text = _EMAIL_RE.sub("[EMAIL]", text)
    return text
