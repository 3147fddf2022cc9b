"""Bounded memos for the per-event path: a log repeats the same few thousand messages, so a
pure function of a message is computed once per distinct text and looked up afterwards.

Only short texts are kept (a long one is computed each time), and each memo holds at most
`size` entries (least recently used out), so memory stays bounded whatever the input.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

MAX_KEY_CHARS = 2048  # longer texts are rare (stack dumps) and mostly distinct
MEMO_SIZE = 4096  # entries per memo (at most ~8 MB of keys each)


def memoized_text(function: Callable[[str], T], *, size: int = MEMO_SIZE,
                  max_chars: int = MAX_KEY_CHARS) -> Callable[[str], T]:
    """function(text), looked up for a text seen before (function must be pure)."""
    cached = lru_cache(maxsize=size)(function)

    def call(text: str) -> T:
        return cached(text) if len(text) <= max_chars else function(text)

    return call


def text_key(message: str, fields: object) -> Hashable | None:
    """A memo key of a record's message and fields (a Mapping), or None when it cannot be one
    (a long message, a field value that is not hashable)."""
    if len(message) > MAX_KEY_CHARS:
        return None
    key = (message, tuple(fields.items())) if fields else message  # type: ignore[attr-defined]
    try:
        hash(key)
    except TypeError:
        return None
    return key
