"""Prefilter keywords: literal strings a line must contain for a pattern to have a chance.

Derived from a pattern's parse tree: the longest literal run of each alternative (runs end at
a double quote, which JSON-escaped log lines write as `\"`). A pattern
with an alternative that has no literal of at least MIN_KEYWORD characters yields nothing, and
its rule must declare `keywords` itself (or it is tried on every record).
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Iterable

import ahocorasick_rs

MIN_KEYWORD = 4
# A fuzzy constraint of the `regex` module (`(?:connection refused){e<=3}`, `{i<=1,d<=2}`):
# Python's parser reads it as literal text, and the text it applies to may be misspelt in a
# match, so such a pattern guarantees no literal.
FUZZY_RE = re.compile(r"\{\s*(?:[eisd]\s*(?:<=?\s*\d+)?|\d+\s*<=?\s*[eisd])\s*"
                      r"(?:[,:+][^}]*)?\}")


def _literal_runs(items: list) -> list[str]:
    runs, current = [], []
    for op, arg in items:
        if op is sre_constants.LITERAL:
            current.append(chr(arg))
            continue
        if op is sre_constants.SUBPATTERN and arg[-1] is not None:
            # a group: literals inside continue the run only if the group is a plain sequence
            inner = _literal_runs(list(arg[-1]))
            if len(inner) == 1 and _is_plain(list(arg[-1])):
                current.append(inner[0])
                continue
            runs.append("".join(current))
            current = []
            runs.extend(inner)
            continue
        runs.append("".join(current))
        current = []
    runs.append("".join(current))
    return [r for r in runs if r]


def _is_plain(items: list) -> bool:
    return all(op is sre_constants.LITERAL for op, _ in items)


def _alternatives(pattern: str) -> list[list] | None:
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return None
    items = list(parsed)
    if len(items) == 1 and items[0][0] is sre_constants.BRANCH:
        return [list(branch) for branch in items[0][1][1]]
    return [items]


def literal_weight(pattern: str) -> int:
    """How many characters a match of pattern is certain to spell out literally: the tiebreak
    between two patterns that match the same text (`db\\.x\\.supabase\\.co` is more specific
    than `[^"]+`). Branches count their weakest alternative; unparseable patterns weigh 0."""
    try:
        return _weight(list(sre_parse.parse(pattern)))
    except Exception:
        return 0


def _weight(items: list) -> int:
    total = 0
    for op, arg in items:
        if op is sre_constants.LITERAL:
            total += 1
        elif op is sre_constants.SUBPATTERN and arg[-1] is not None:
            total += _weight(list(arg[-1]))
        elif op is sre_constants.BRANCH:
            total += min((_weight(list(b)) for b in arg[1]), default=0)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and arg[0] > 0:
            total += _weight(list(arg[2]))
    return total


def derive_keywords(patterns: Iterable[str]) -> tuple[str, ...]:
    """One keyword per pattern alternative, or () when any alternative has none."""
    keywords: list[str] = []
    for pattern in patterns:
        if FUZZY_RE.search(pattern):
            return ()
        alternatives = _alternatives(pattern)
        if alternatives is None:
            return ()
        for items in alternatives:
            # a double quote ends a keyword: in a logged JSON body it reads \" and a keyword
            # spanning it would miss the line
            runs = [piece.strip(" \t'`") for r in _literal_runs(items) for piece in r.split('"')]
            best = max(runs, key=len, default="")
            if len(best) < MIN_KEYWORD:
                return ()
            if best not in keywords:
                keywords.append(best)
    return tuple(keywords)


def without_superstrings(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words that contain no other one (a keyword holding another selects nothing more),
    in their order. One Aho-Corasick pass per word finds every word inside it, instead of
    comparing each pair (~300,000 tests for the built-in pack's ~500 literals)."""
    if not words:
        return words
    automaton = ahocorasick_rs.AhoCorasick(list(words))
    return tuple(word for word in words
                 if all(inner == word for inner in
                        automaton.find_matches_as_strings(word, overlapping=True)))
