"""Untrusted text helpers shared by every stage: ANSI stripping, control-character removal,
secret redaction, and the neutralisers each written output applies to log text (HTML escaping,
Markdown escaping and fences). Pure functions over strings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from analyzer.memo import memoized_text

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


# (pattern, replacement, literals): a pattern runs only on text holding one of its literals
# (case-folded; each match holds one), so the common text with no secret costs one hint search
# instead of a dozen regex passes. The classes are listed in the README ("Secrets").
_Q = r"""(?:\\?["'])"""  # a quote, JSON-escaped or not
_SECRET_KEY = (r"(?:passw(?:or)?d|pwd|passphrase|secret|credentials?|token|api[_-]?key|apikey|"
               r"(?:access|secret|private|signing|role|anon|master|encryption|license)[_-]?key)")
_Replacement = str | Callable[[re.Match[str]], str]
_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], _Replacement, tuple[str, ...]], ...] = (
    # PEM private keys, whole block
    (re.compile(r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?(?:-----END \1PRIVATE KEY-----|$)",
                re.S), "[PRIVATE KEY]", ("private key-----",)),
    # scheme://user:password@host, also JSON-escaped (`:\/\/`); the password may hold `@` and
    # `/`: it ends at the last `@` before a host (`host:8080/path` is a port, not a password)
    (re.compile(r"(\b[a-z][a-z0-9+.-]*:(?://|\\/\\/)[^\s:/@'\"\\]*:)(?!\d{1,5}(?:[/?#\\]|$))"
                r"[^\s'\"]{1,256}(?=@[A-Za-z0-9.-]+(?::\d+)?(?:[/\\?#\s'\"]|$))", re.I), r"\1***",
     ("://", ":\\/\\/")),
    # JSON Web Tokens, whole (Supabase anon and service_role keys, access tokens are JWTs)
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}=*\.[A-Za-z0-9_-]{2,}=*\.[A-Za-z0-9_-]*=*"), "[JWT]",
     ("eyj",)),
    # Authorization headers: any scheme's credentials
    (re.compile(r"(\b(?:proxy-)?authorization" + _Q + r"?\s*[:=]\s*" + _Q + r"?"
                r"(?:(?:bearer|basic|token|digest|negotiate|apikey)\s+)?)[^\s\"'\\,;]+", re.I),
     r"\1***", ("authorization",)),
    (re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.I), r"\1***", ("bearer",)),
    (re.compile(r"(\bBasic\s+)(?=[A-Za-z0-9+/]*(?:[0-9+/=]|[a-z][A-Z]))[A-Za-z0-9+/]{8,}={0,2}"),
     r"\1***", ("basic",)),
    # Supabase, Stripe (keys and webhook secrets), GitHub, GitLab, npm tokens
    (re.compile(r"\b(sb_secret_|sb_publishable_|sbp_|sk_live_|sk_test_|rk_live_|rk_test_|whsec_|"
                r"ghp_|gho_|ghs_|ghu_|ghr_|github_pat_|glpat-|npm_)[A-Za-z0-9_-]{8,}"), r"\1***",
     ("sb_secret_", "sb_publishable_", "sbp_", "k_live_", "k_test_", "whsec_", "ghp_", "gho_",
      "ghs_", "ghu_", "ghr_", "github_pat_", "glpat-", "npm_")),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "[AWS_KEY]", ("akia", "asia")),
    # OpenAI/Anthropic-style `sk-…`, Google `AIza…`, Slack `xox?-…` tokens
    (re.compile(r"\b(sk-(?:proj-|ant-)?)[A-Za-z0-9_-]{20,}"), r"\1***", ("sk-",)),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "[GOOGLE_KEY]", ("aiza",)),
    (re.compile(r"\b(xox[abposr]-)[A-Za-z0-9-]{10,}"), r"\1***", ("xox",)),
    # SQL: CREATE/ALTER ROLE … PASSWORD '…', MySQL IDENTIFIED BY '…'
    (re.compile(r"(\b(?:password|identified\s+by)\s+)(?:E?'(?:[^']|'')*'|\"[^\"]*\")", re.I),
     r"\1'***'", ("password", "identified")),
    # Cookie headers: every value
    (re.compile(r"(\b(?:set-)?cookie" + _Q + r"?\s*:\s*" + _Q + r"?)[^\r\n\"\\]+", re.I),
     lambda m: m.group(1) + re.sub(r"=[^;,\s]+", "=***", m.group(0)[len(m.group(1)):]),
     ("cookie",)),
    # key=value, key: value and "key": "value" pairs whose key says it is a secret, also env
    # names (DB_PASSWORD=, AWS_SECRET_ACCESS_KEY=) and headers (X-Api-Key:, apikey:)
    (re.compile(r"(\b[\w.-]*?" + _SECRET_KEY + _Q + r"?\s*[:=]\s*)"
                r"(?!\[[A-Z_ ]+\]|\*\*\*)"  # already a placeholder
                r"(?:(" + _Q + r""")[^"'\\\r\n]*|[^\s"'\\&,;})\]]+)""", re.I), r"\1\2***",
     ("passw", "pwd", "passphrase", "secret", "credential", "token", "key")),
)

_KEY_VALUE = _SECRET_PATTERNS[-1][0]
# What every match of the key=value pattern holds in the case-folded text: a secret-naming word
# (each form of _SECRET_KEY ends in one of these) and then `:` or `=`. That pattern tries its
# keyword alternation at every word of a text (~100 µs per 250 characters: a `users_email_key`
# in an error made each such event cost that); this test costs ~1 µs. No earlier replacement
# can make a new match: its placeholders hold no such word followed by `:` or `=`.
_KEY_VALUE_NEEDS = re.compile(r"""(?:passw(?:or)?d|pwd|passphrase|secret|credentials?|token"""
                              r"""|key)(?:\\?["'])?\s*[:=]""")

# Any literal of any secret pattern: one search says whether a text needs the patterns at all.
_SECRET_HINT = re.compile("|".join(re.escape(literal) for _, _, literals in _SECRET_PATTERNS
                                   for literal in literals))
_EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")


def redact(text: str, *, emails: bool = False) -> str:
    """Replace passwords in URLs, JWTs, bearer tokens and API keys with placeholders."""
    folded = text.casefold()  # as re.I folds: `ſ` is an `s`, the Kelvin sign a `k`
    if _SECRET_HINT.search(folded):
        for pattern, replacement, literals in _SECRET_PATTERNS:
            if any(literal in folded for literal in literals) and \
                    (pattern is not _KEY_VALUE or _KEY_VALUE_NEEDS.search(folded)):
                text = pattern.sub(replacement, text)
    if emails:
        text = _EMAIL_RE.sub("[EMAIL]", text)
    return text


def _rust_literal(text: str) -> str:
    # Rust's regex rejects escapes of non-meta characters (`\ `): only the meta ones are escaped
    return re.sub(r"([\\.+*?()|\[\]{}^$#&\-~])", r"\\\1", text)


# The characters beyond ASCII whose case folding holds an ASCII one (`ſ` -> `s`, the Kelvin
# sign -> `k`, `ß` -> `ss`, the `ﬁ` ligatures): tests/test_clean_gate.py checks the list
# against the whole of Unicode.
FOLDS_TO_ASCII = ("\u00df\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
                  "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06")


def cleaner_gate(emails: bool = False) -> str:
    """A Rust regex (polars) that every text `cleaner(…, emails)` could change matches: a
    control, escape or bidi character (what `printable` removes), a backslash (a JSON escape
    may decode to anything), a literal of a secret pattern (ASCII case-insensitive), a
    character whose case folding holds an ASCII one (so `redact`'s casefold finds no literal
    the test missed) and, with emails, `@`. A text it does not match is returned unchanged,
    and so is any text made only of such texts' pieces joined by newlines: the cleaning stage
    skips the events whose rows all fail it (frames.FrameFormat)."""
    literals = sorted({literal for _, _, group in _SECRET_PATTERNS for literal in group})
    folds = "".join(f"\\x{{{ord(char):x}}}" for char in FOLDS_TO_ASCII)
    parts = [r"[\x00-\x08\x0b-\x1f\x7f-\x9f\x{202a}-\x{202e}\x{2066}-\x{2069}" + folds + "]",
             r"\\", "(?i-u:" + "|".join(map(_rust_literal, literals)) + ")"]
    if emails:
        parts.append("@")
    return "|".join(parts)


def cleaner(redact_secrets: bool = True, emails: bool = False) -> Callable[[str], str]:
    """Log text -> text without terminal escapes or controls and, by default, without secrets:
    the cleaning stage records pass (ingest.redaction) and every reporter applies again."""
    if not redact_secrets:
        return memoized_text(printable)
    # looked up for a text seen before: samples, clues and repeated events cost no searches
    return memoized_text(lambda text: redact(printable(text), emails=emails))


def scrubbed(value: Any, clean: Callable[[str], str]) -> Any:
    """Every string of a JSON tree (dicts, lists, strings, numbers) cleaned; keys, numbers and
    the shape unchanged: a report's JSON, a pulled log row."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: scrubbed(item, clean) for key, item in value.items()}
    if isinstance(value, list):
        return [scrubbed(item, clean) for item in value]
    return value


# --- neutralisers: log text placed in a written report -------------------------------------

def html_text(text: str) -> str:
    """Text for an HTML element or a quoted attribute: no controls, <>&"' escaped."""
    return html.escape(printable(text), quote=True)


# Characters with inline meaning in CommonMark/GFM (emphasis, code, links, images, tables,
# strikethrough); `@` is written as an entity so a pasted report cannot @-mention anyone.
_MD_INLINE_RE = re.compile(r"([\\`*_\[\]|~!])")
_MD_BLOCK_START_RE = re.compile(r"^(?=[#>+=-]|\d+[.)])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;"}


def md_text(text: str) -> str:
    """Text for a Markdown paragraph or table cell: one line, every character that could start
    inline Markdown backslash-escaped, <>&@ written as entities (renderers pass raw HTML), and a
    line-start marker (#, >, -, 1.) escaped in case the text begins a line."""
    one_line = " ".join(printable(text).split())
    escaped = _MD_INLINE_RE.sub(r"\\\1", one_line)
    escaped = re.sub(r"[&<>@]", lambda m: _MD_ENTITIES[m.group()], escaped)
    return _MD_BLOCK_START_RE.sub("\\\\", escaped, count=1)


def md_code(text: str, *, table: bool = False) -> str:
    """Inline code span holding text literally: the delimiter is one backtick longer than the
    longest backtick run inside (CommonMark), so the text cannot close it. In a table cell a
    pipe is escaped too (GFM splits cells before it sees code spans)."""
    one_line = " ".join(printable(text).split())
    if table:
        one_line = one_line.replace("|", "\\|")
    runs = [len(m) for m in re.findall(r"`+", one_line)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") or not one_line else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


_CODE_SPAN_RE = re.compile(r"`([^`\n]+)`")


def md_prose(text: str, *, table: bool = False) -> str:
    """Prose the analyzer wrote around `code` (a fix, a summary): the backticked parts become
    code spans (md_code), the rest md_text, so a rendered fix shows code, not backslashes."""
    one_line = " ".join(printable(text).split())
    parts, at = [], 0
    for match in _CODE_SPAN_RE.finditer(one_line):
        parts.append(_md_between(one_line[at:match.start()]))
        parts.append(md_code(match.group(1), table=table))
        at = match.end()
    parts.append(_md_between(one_line[at:]))
    return "".join(parts)


def _md_between(text: str) -> str:
    """md_text keeping the spaces at either end (they separate it from the code spans)."""
    if not text.strip():
        return text
    escaped = md_text(text)
    lead = " " if text.startswith(" ") else ""
    return lead + escaped + (" " if text.endswith(" ") else "")


def md_fence(text: str, info: str = "text") -> str:
    """A fenced code block holding text literally: the fence is longer than any backtick or
    tilde run in the text, so a log line cannot end the block and start Markdown."""
    body = printable(text).rstrip("\n")
    runs = [len(m) for m in re.findall(r"`{3,}", body)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{info}\n{body}\n{fence}"
