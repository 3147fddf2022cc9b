"""Token-level decisions of the miner: token shapes, the group key, how well a line fits a
template, and the template id. Pure functions over lists of (masked) tokens."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

from analyzer.mining.masks import WILDCARD, is_variable

# A plain word: letters, maybe wrapped in brackets or followed by punctuation. Two different
# plain words at one position are two different messages, unless many such words turn up
# there (then the position is a variable: user names, states).
_WORD = re.compile(r"""["'(\[]?[A-Za-z]+(?:'[a-z]+)?\d{0,2}["')\]]?[:,.;!?]*""")


@lru_cache(maxsize=1 << 16)
def is_word(token: str) -> bool:
    return _WORD.fullmatch(token) is not None


def group_key(tokens: Sequence[str]) -> tuple[int, str, str]:
    """Clusters that may hold a line: same token count, same first token; and the second
    token (a word, or `<*>` for any variable), which narrows the search."""
    first = tokens[0] if tokens else ""
    second = tokens[1] if len(tokens) > 1 else ""
    return (len(tokens), first if is_word(first) else WILDCARD,
            second if is_word(second) else WILDCARD)


def labels_value(tokens: Sequence[str], position: int) -> bool:
    """The token names the value after it (`column "<str>"`, `user <*>`): part of the
    message's identity, never generalised."""
    return position + 1 < len(tokens) and is_variable(tokens[position + 1])


def fit(template: Sequence[str], tokens: Sequence[str]) -> float:
    """How well tokens fit a template of the same length: the share of agreeing positions, or
    -1 when two different plain words meet (a different message, not a variable)."""
    same = 0
    for mine, theirs in zip(template, tokens, strict=True):
        if mine == theirs:
            same += 1
        elif is_variable(mine) or is_variable(theirs):
            continue
        elif is_word(mine) and is_word(theirs):
            return -1.0
    return same / len(tokens) if tokens else 1.0


def template_id(tokens: Sequence[str], salt: int = 0) -> str:
    """12 hex digits naming a template. Only its plain words count: placeholders, numbers and
    identifier-like tokens (snake_case, dotted, with digits) all read as one `*`, runs of `*`
    as one, so a template refined at those positions keeps its id; the same template
    tomorrow, on any machine, gets the same id. Two live templates can share that key
    (`job <num> failed`, `job <num> <num> failed`): the miner gives the later one a `salt`."""
    key: list[str] = []
    for token in tokens:
        word = token if is_word(token) else "*"
        if word != "*" or not key or key[-1] != "*":
            key.append(word)
    text = "t1\x1f" + " ".join(key) + (f"\x1f{salt}" if salt else "")
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def value_of(raw: str, template_token: str) -> str:
    """The variable part of a raw token: `uid=0` under `uid=<num>` is `0`."""
    if template_token == WILDCARD:
        return raw
    start, end = template_token.find("<"), template_token.rfind(">")
    prefix, suffix = template_token[:start], template_token[end + 1:]
    if start >= 0 and raw.startswith(prefix) and raw.endswith(suffix) \
            and len(raw) >= len(prefix) + len(suffix):
        return raw[len(prefix): len(raw) - len(suffix)]
    return raw


def generalised(mine: str, theirs: str) -> str:
    """The template token for two different tokens: `<*>`, keeping the punctuation and
    `key=` they share around the value (`user=<*>`, `[<*>]`)."""
    size = 0
    for a, b in zip(mine, theirs, strict=False):
        if a != b:
            break
        size += 1
    prefix = mine[:size]
    while prefix and prefix[-1].isalnum():
        prefix = prefix[:-1]
    size = 0
    for a, b in zip(reversed(mine[len(prefix):]), reversed(theirs[len(prefix):]), strict=False):
        if a != b:
            break
        size += 1
    suffix = mine[len(mine) - size:] if size else ""
    while suffix and suffix[0].isalnum():
        suffix = suffix[1:]
    # the wildcard swallows any placeholder at the edge of the shared part
    prefix = prefix.split("<", 1)[0]
    suffix = suffix.rsplit(">", 1)[-1]
    return prefix + WILDCARD + suffix
