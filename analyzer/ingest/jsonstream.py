"""A streaming JSON decoder over byte blocks: objects concatenated with no separator
(`render logs -o json` writes `}{`), one per line, or inside a top-level array (Supabase
exports). It never holds more than the object being decoded plus one block, and it never gives
up: text that does not decode (an object cut in the middle, junk between objects, a truncated
end) comes back as a bad item and decoding resumes at the next object start.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analyzer.model import SourceStats

# Where a top-level object can start after damage: at a line start (at most two spaces in, as
# JSON.stringify(rows, null, 2) indents array items; nested objects sit deeper) or right after
# a closing brace (`}{`, as `render logs -o json` concatenates), or anywhere when the brace
# opens a 2-space-indented object (a new entry right after a cut one).
_RESTART_RE = re.compile(r"(?:^|\n)[ \t]{0,2}(?=\{)|(?<=\})(?=\{)|(?=\{\n  \"[^\"\n]+\": )")
_SEPARATORS = " \t\r\n,[]\ufeff"
# Undecodable text longer than this is given up on (a runaway object must not hold memory).
MAX_PENDING_CHARS = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class JsonItem:
    lineno: int
    end_lineno: int
    text: str
    value: Any = None
    ok: bool = True


class _Buffer:
    """Undecoded text, and a cursor that turns offsets into line numbers incrementally (items
    come in order, so counting newlines from the last item on keeps this linear)."""

    def __init__(self) -> None:
        self.text = ""
        self.lineno = 1  # line of text[0]
        self._at = 0
        self._line = 1

    def drop(self, upto: int) -> None:
        self.lineno = self.line_at(upto)
        self.text = self.text[upto:]
        self._at, self._line = 0, self.lineno

    def line_at(self, offset: int) -> int:
        if offset < self._at:
            self._at, self._line = 0, self.lineno
        self._line += self.text.count("\n", self._at, offset)
        self._at = offset
        return self._line


def json_items(blocks: Iterator[bytes], stats: SourceStats, max_chars: int = 64 * 1024,
               *, marks: bool = False) -> Iterator[JsonItem | None]:
    """Decoded items; an item's raw text longer than max_chars is cut (and counted). With
    marks, None follows the items of each block (so a consumer can flush what it holds)."""
    decoder = json.JSONDecoder()
    buffer = _Buffer()
    ends_with_newline = True
    for block in blocks:
        stats.lines += block.count(b"\n")
        ends_with_newline = block.endswith(b"\n")
        buffer.text += block.decode("utf-8", errors="replace")
        yield from _capped(_decode(buffer, decoder, final=False), stats, max_chars)
        if marks:
            yield None
    if not ends_with_newline:
        stats.lines += 1
    yield from _capped(_decode(buffer, decoder, final=True), stats, max_chars)


def _capped(items: Iterator[JsonItem], stats: SourceStats, max_chars: int) -> Iterator[JsonItem]:
    for item in items:
        if len(item.text) > max_chars:
            stats.truncated_lines += 1
            item = JsonItem(item.lineno, item.end_lineno, item.text[:max_chars], item.value,
                            item.ok)
        yield item


def _decode(buffer: _Buffer, decoder: json.JSONDecoder, *, final: bool) -> Iterator[JsonItem]:
    text = buffer.text
    pos = 0
    while True:
        pos = _skip_separators(text, pos)
        if pos >= len(text):
            break
        try:
            value, end = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError):
            restart = _next_start(text, pos, decoder)
            if restart is None and not final and len(text) - pos < MAX_PENDING_CHARS:
                break  # most likely an object that continues in the next block
            stop = restart if restart is not None else len(text)
            yield _item(buffer, text, pos, stop, None, ok=False)
            pos = stop
            continue
        if end >= len(text) and not final:
            break  # a value that ends where the block ends (`20` of `2025`) may go on
        yield _item(buffer, text, pos, end, value, ok=True)
        pos = end
    buffer.drop(pos)


def _skip_separators(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SEPARATORS:
        pos += 1
    return pos


def _next_start(text: str, pos: int, decoder: json.JSONDecoder) -> int | None:
    """The first later position where a whole object decodes."""
    for match in _RESTART_RE.finditer(text, pos + 1):
        start = match.end()
        try:
            decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError):
            continue
        return start
    return None


def _item(buffer: _Buffer, text: str, start: int, end: int, value: Any, *,
          ok: bool) -> JsonItem:
    # Offsets, not a copy of the whole region: a runaway object may be many MiB long; its text
    # is kept up to MAX_PENDING_CHARS (the reader cuts it to its line cap and counts it).
    stop = end
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    first = buffer.line_at(start)
    last = buffer.line_at(stop)
    raw = text[start:min(stop, start + MAX_PENDING_CHARS)]
    return JsonItem(lineno=first, end_lineno=last, text=raw, value=value, ok=ok)
