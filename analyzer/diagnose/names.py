"""Identifier naming: words, styles (snake_case, camelCase, ...) and PostgreSQL folding."""

from __future__ import annotations

import re

_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SIMPLE_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")


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
    if core.islower():
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


def quote_ident(name: str) -> str:
    """An identifier as SQL must write it to mean exactly this name."""
    if _SIMPLE_IDENT.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'
