"""Sources stage: raw byte chunks -> blocks of whole lines, with bounded memory.

Every reader (files, stdin, decompressed data, `watch`) frames its bytes here, so the rules
hold everywhere: a block ends at a line end; `\\n`, `\\r\\n` and a lone `\\r` (old Mac, progress
bars) all end a line; and a line longer than `max_line_bytes` is cut while it is read: its head
is kept, the rest is skipped up to the next line end, so a file without a newline costs no more
than one cap of memory. The parsing stage counts the cut line (it is longer than its cap).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

LONE_CR = re.compile(rb"\r(?!\n)")
DEFAULT_LINE_BYTES = 4 * 64 * 1024 + 4  # 64 Ki characters of up to 4 UTF-8 bytes, and a bit
# A block's cost in the parser grows with its lines: a block of blank lines is split so that
# 16 MiB of newlines is not 16 million rows at once.
MAX_BLOCK_LINES = 256 * 1024


def line_bytes_for(max_line_chars: int) -> int:
    """A byte cap that keeps every line of `max_line_chars` characters whole (and cuts longer
    lines to more than that, so the parser still sees and counts them as cut)."""
    return 4 * max_line_chars + 4


class LineFramer:
    """feed(chunk) -> the whole lines completed so far; finish() -> the unterminated rest."""

    def __init__(self, max_line_bytes: int = DEFAULT_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self._pending = b""  # the start of a line whose end has not come yet
        self._skipping = False  # inside a line already cut: drop bytes up to its end
        self._held_cr = False  # the chunk ended in \r: is it \r\n or a lone \r?

    def feed(self, chunk: bytes) -> bytes:
        if self._held_cr:
            chunk = b"\r" + chunk
            self._held_cr = False
        if chunk.endswith(b"\r"):
            chunk, self._held_cr = chunk[:-1], True
        if b"\r" in chunk:
            chunk = LONE_CR.sub(b"\n", chunk)
        start = 0  # offsets, not slices: a big chunk of one long line is never copied
        if self._skipping:
            start = chunk.find(b"\n")
            if start < 0:
                return b""
            self._skipping = False  # that \n ends the cut head held back in _pending
        cut = chunk.rfind(b"\n", start)
        if cut < 0:
            self._hold(chunk, start)
            return b""
        if self._pending:  # the held head, and its line's rest up to the cap
            first = chunk.find(b"\n", start)
            room = self.max_line_bytes - len(self._pending)
            lines = self._pending + chunk[start: start + min(first - start, room)] \
                + chunk[first: cut + 1]
        else:
            lines = chunk[start: cut + 1]  # the whole chunk is not copied
        self._pending = b""
        self._hold(chunk, cut + 1)
        return lines

    def _hold(self, chunk: bytes, start: int) -> None:
        room = self.max_line_bytes - len(self._pending)
        size = len(chunk) - start
        if size <= room:
            if size:
                self._pending += chunk[start:]
            return
        # The line is too long: keep its head, skip the rest up to its end.
        self._pending += chunk[start: start + room]
        self._skipping = True

    def finish(self) -> bytes:
        rest = self._pending + (b"\n" if self._held_cr else b"")
        self._pending, self._skipping, self._held_cr = b"", False, False
        return rest


def framed(chunks: Iterator[bytes], max_line_bytes: int = DEFAULT_LINE_BYTES) -> Iterator[bytes]:
    """Blocks of whole lines (the last one maybe unterminated) from raw chunks."""
    framer = LineFramer(max_line_bytes)
    for chunk in chunks:
        yield from split_dense(framer.feed(chunk))
    yield from split_dense(framer.finish())


def split_dense(block: bytes, max_lines: int = MAX_BLOCK_LINES) -> Iterator[bytes]:
    """The block in pieces of whole lines, each of at most about max_lines lines."""
    if not block:
        return
    if len(block) <= max_lines or block.count(b"\n") <= max_lines:
        yield block
        return
    cut = block.rfind(b"\n", 0, len(block) // 2) + 1
    if cut <= 0:
        cut = block.find(b"\n") + 1
    yield from split_dense(block[:cut], max_lines)
    yield from split_dense(block[cut:], max_lines)
