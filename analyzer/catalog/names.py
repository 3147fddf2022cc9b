"""Identifier naming: words, styles (snake_case, camelCase, ...), PostgreSQL folding, plurals and
edit distance. Pure functions over names."""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.catalog import loose_key

_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SIMPLE_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")
# Irregular plurals that table names actually use; the regular rules cover the rest.
_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women",
              "datum": "data", "index": "indices", "analysis": "analyses"}
_IRREGULAR_BACK = {v: k for k, v in _IRREGULAR.items()}


@lru_cache(maxsize=65536)
def words(name: str) -> tuple[str, ...]:
    """`createdAt`, `created_at`, `CreatedAt`, `CREATED_AT` -> ('created', 'at')."""
    return tuple(w.lower() for part in re.split(r"[_\-\s.]+", name) if part
                 for w in _WORD_RE.findall(part))


def style(name: str) -> str:
    core = name.strip("_")
    if "_" in core:
        if core.isupper():
            return "UPPER_SNAKE"
        return "snake_case" if core.islower() else "Mixed_Snake"
    if core.islower() or not any(c.isalpha() for c in core):
        return "lowercase"
    if core.isupper():
        return "UPPERCASE"
    return "PascalCase" if core[:1].isupper() else "camelCase"


def same_words(a: str, b: str) -> bool:
    """Different spellings of the same words under another naming convention."""
    return a != b and bool(words(a)) and words(a) == words(b)


def fold(name: str) -> str:
    """What PostgreSQL makes of an unquoted identifier."""
    return name.lower()


def is_folded_form(wanted: str, found: str) -> bool:
    """wanted is found written unquoted: `reportid` for the column `"reportId"`."""
    return wanted != found and wanted == fold(found) and wanted.islower()


def quote_ident(name: str) -> str:
    """An identifier as SQL must write it to mean exactly this name."""
    if _SIMPLE_IDENT.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def singular(word: str) -> str:
    if word in _IRREGULAR_BACK:
        return _IRREGULAR_BACK[word]
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def plural_key(name: str) -> tuple[str, ...]:
    """The words of a name with the last one made singular: `session`, `sessions`,
    `Session` and `user_sessions`' last word agree."""
    parts = words(name)
    return (*parts[:-1], singular(parts[-1])) if parts else ()


def differ_by_plural(a: str, b: str) -> bool:
    return a != b and words(a) != words(b) and plural_key(a) == plural_key(b) != ()


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must exceed limit (cheap rejects)."""
    from rapidfuzz.distance import Levenshtein  # imported once a name is compared

    return Levenshtein.distance(a, b, score_cutoff=limit)


def typo_limit(name: str) -> int:
    """How many edits still count as a typo: PostgreSQL's own HINT rule (at most 3 and at
    most half the name), tightened for short names."""
    return min(3, max(1, len(name) // 4))


def close_spelling(wanted: str, candidate: str) -> int | None:
    """Edit distance between the loose forms when it is a typo's, else None."""
    a, b = loose_key(wanted), loose_key(candidate)
    if a == b:
        return None
    distance = edit_distance(a, b, typo_limit(a))
    return distance if distance <= typo_limit(a) else None


def shares_words(wanted: str, candidate: str) -> bool:
    """One name's words contain the other's (`counseling_sessions` and `sessions`,
    `user_profile` and `profiles`), after making last words singular."""
    a, b = plural_key(wanted), plural_key(candidate)
    if not a or not b or a == b:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))
