"""Live byte input for `analyzer watch` (and any long-running driver): stdin or a followed
file (surviving rotation and truncation) read on a thread into a bounded queue, cut into bursts
of whole lines, and read as Records with the same formats (and detection) as `read_source`.
Stdin whose first bytes are a gzip, bzip2, xz or zstd stream is read decompressed, with the
same checks as `scan -` (compression.py: corrupt data and bombs end it with an InputError).

A burst ends when the input goes quiet, so the format closes its last open multi-line event
and a lone error line is seen within a fraction of a second; `on_tick` runs after each burst
and at least every `tick` seconds while the input is idle.
"""

from __future__ import annotations

import itertools
import os
import queue
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from analyzer.errors import InputError
from analyzer.ingest import get_format
from analyzer.ingest.compression import decompressed, may_be_compressed, sniff_codec
from analyzer.ingest.detect import SNIFF_LINES, detect_format, head_lines
from analyzer.ingest.formats import Format, ReadOptions
from analyzer.ingest.framing import LineFramer, split_dense
from analyzer.ingest.redaction import read_cleaned
from analyzer.model import Record, SourceStats

CHUNK_BYTES = 1 << 20
# How long the first bytes of stdin that look like a compressed stream's start wait for more.
HEAD_WAIT_SECONDS = 0.5
# Queued chunks are joined into blocks of up to this many bytes when the input is ahead of the
# parser (never waiting for more): each block costs the frame driver a fixed ~10-20 ms of
# polars calls, so fewer blocks are cheaper, while a block in flight costs several times its
# bytes of memory (measured on 10M Render lines, see the README's Performance section: blocks
# of 2.5 MiB peak at 182-184 MB RSS, 3 MiB at 191-197 MB, 4 MiB ~210 MB; the bound is 200 MB).
MAX_BLOCK_BYTES = 5 << 19  # 2.5 MiB
# What the reader thread holds ahead of the parser, in bytes (a pipe hands over 64 KiB at a
# time: a bound in chunks would cap the blocks at what fits).
MAX_QUEUED_BYTES = MAX_BLOCK_BYTES
_EOF = object()


class LiveInput:
    """Raw byte chunks from a thread: get(timeout) -> bytes, None when idle, or _EOF."""

    def __init__(self, name: str, reader: Callable[[LiveInput], None],
                 on_notice: Callable[[str], None] | None = None) -> None:
        self.name = name
        self.on_notice = on_notice or (lambda message: None)
        self._queue: queue.Queue[object] = queue.Queue()
        self._room = threading.Condition()  # backpressure: at most MAX_QUEUED_BYTES queued
        self._queued = 0
        self._reader = reader
        self.stopped = threading.Event()

    @classmethod
    def stdin(cls, fd: int | None = None) -> LiveInput:
        descriptor = sys.stdin.fileno() if fd is None else fd
        return cls("-", lambda live: live._read_fd(descriptor))

    @classmethod
    def follow(cls, path: str, poll: float = 0.2,
               on_notice: Callable[[str], None] | None = None) -> LiveInput:
        """Follow a file like `tail -F`. A directory is refused at once (InputError); a file
        that does not exist yet is waited for, and on_notice is told (so is its arrival)."""
        if os.path.isdir(path):
            raise InputError(path, "is a directory; --follow takes one log file")
        return cls(path, lambda live: live._follow(path, poll), on_notice)

    def start(self) -> LiveInput:
        threading.Thread(target=self._run, name=f"watch-{self.name}", daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    @property
    def queued_bytes(self) -> int:
        """The bytes read and not yet taken (at most MAX_QUEUED_BYTES, or one chunk)."""
        return self._queued

    def get(self, timeout: float) -> object:
        try:
            item = (self._queue.get(timeout=timeout) if timeout > 0
                    else self._queue.get_nowait())
        except queue.Empty:
            return None
        if isinstance(item, InputError):
            raise item
        if isinstance(item, bytes):
            with self._room:
                self._queued -= len(item)
                self._room.notify()
        return item

    def _put(self, item: object) -> None:
        size = len(item) if isinstance(item, bytes) else 0
        with self._room:
            while self._queued and self._queued + size > MAX_QUEUED_BYTES:
                if self.stopped.is_set():
                    return
                self._room.wait(0.2)
            self._queued += size
        self._queue.put(item)

    def _run(self) -> None:
        try:
            self._reader(self)
        except InputError as exc:
            self._put(exc)
        except OSError as exc:
            self._put(InputError(self.name, f"read failed: {exc.strerror or exc}"))
        self._put(_EOF)

    def _read_fd(self, fd: int) -> None:
        """Stdin's bytes, decompressed when its first bytes are a compressed stream (as
        `scan -` does); corrupt data or a bomb ends the input with an InputError."""
        head = self._head(fd)
        if not head:
            return
        pieces: Iterator[bytes] = itertools.chain((head,), self._fd_chunks(fd))
        codec = sniff_codec(head)
        if codec is not None:
            pieces = decompressed(codec, pieces, self.name)
        for piece in pieces:
            self._put(piece)
            if self.stopped.is_set():
                return

    def _fd_chunks(self, fd: int) -> Iterator[bytes]:
        while not self.stopped.is_set():
            data = os.read(fd, CHUNK_BYTES)
            if not data:
                return
            yield data

    def _head(self, fd: int) -> bytes:
        """The first bytes, and more while they may be a compressed stream's start (a pipe can
        hand over a few bytes first); a live writer is waited for HEAD_WAIT_SECONDS at most."""
        head = os.read(fd, CHUNK_BYTES)
        while head and may_be_compressed(head) and _readable(fd, HEAD_WAIT_SECONDS):
            more = os.read(fd, CHUNK_BYTES)
            if not more:
                break
            head += more
        return head

    def _follow(self, path: str, poll: float) -> None:
        """`tail -F`: read to the end, then poll; a new file at the path (rotation) is read
        from its start once the old one is drained, a shrunk file (truncation) from 0."""
        handle = None
        identity: tuple[int, int] | None = None
        waiting = False
        while not self.stopped.is_set():
            if handle is None:
                try:
                    handle = open(path, "rb")  # noqa: SIM115 - kept open across polls
                except FileNotFoundError:
                    if not waiting and identity is None:
                        self.on_notice(f"{path}: no such file yet; waiting for it to appear")
                    waiting = True
                    time.sleep(poll)
                    continue
                except IsADirectoryError:
                    raise InputError(path, "is a directory; --follow takes one log file") \
                        from None
                except OSError as exc:
                    raise InputError(path, f"cannot open: {exc.strerror}") from None
                if waiting and identity is None:
                    self.on_notice(f"{path}: has appeared; following it")
                waiting = False
                stat = os.fstat(handle.fileno())
                identity = (stat.st_dev, stat.st_ino)
            data = handle.read(CHUNK_BYTES)
            if data:
                self._put(data)
                continue
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            if current is None or (current.st_dev, current.st_ino) != identity:
                if current is not None:
                    handle.close()
                    handle = None
                    continue  # rotated: the old file is drained, read the new one
            elif current.st_size < handle.tell():
                handle.seek(0)  # truncated in place (copytruncate)
                self._put(b"\n")  # end any partial line from before the cut
                continue
            time.sleep(poll)
        if handle is not None:
            handle.close()


def _readable(fd: int, timeout: float) -> bool:
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    except (OSError, ValueError):
        return True  # not selectable: a read will tell


def read_live(live: LiveInput, stats: SourceStats, *, input_format: str | None = None,
              options: ReadOptions | None = None, idle: float = 0.25, tick: float = 0.25,
              on_tick: Callable[[], None] = lambda: None,
              on_block: Callable[[], None] | None = None) -> Iterator[Record]:
    """Records of a live input until it ends. The format is detected on the first burst (and
    again while only plain text was seen in the first SNIFF_LINES lines); line numbers count
    from the start of the input across bursts. Raises InputError when the input fails.
    `on_block` runs each time the format asks for its next block: every record of the blocks
    before has been yielded then (what a batching reader flushes on)."""
    options = options or ReadOptions()
    fmt: Format | None = get_format(input_format) if input_format else None
    feeder = Bursts(live, idle, on_tick, tick)
    while not feeder.ended:
        blocks = feeder.burst() if on_block is None else _told(feeder.burst(), on_block)
        first = next(blocks, None)
        if first is None:
            continue
        if fmt is None or (input_format is None and fmt.name == "plain"
                           and stats.lines < SNIFF_LINES):
            fmt = detect_format(head_lines(first))
        offset = stats.lines
        records = read_cleaned(fmt.read(itertools.chain((first,), blocks), live.name, stats,
                                        options), options.clean,
                               cleans_itself=getattr(fmt, "cleans_itself", False))
        del first  # the chain holds it until read: not pinned for the whole burst
        if not offset:
            yield from records
        else:
            for record in records:
                yield replace(record, lineno=record.lineno + offset,
                              end_lineno=record.end_lineno + offset)
        on_tick()


def _told(blocks: Iterator[bytes], on_block: Callable[[], None]) -> Iterator[bytes]:
    for block in blocks:
        yield block
        del block  # not held while the next one is read
        on_block()  # resumed: the format has emitted what it could of the blocks so far


class Bursts:
    """Cuts the live byte stream into bursts of whole-line blocks; a burst ends when the input
    is idle for `idle` seconds after some data (so the format flushes its open event)."""

    def __init__(self, live: LiveInput, idle: float, tick: Callable[[], None],
                 every: float) -> None:
        self.live, self.idle, self.tick, self.every = live, idle, tick, every
        self.framer = LineFramer()
        self.ended = False
        self._last_tick = time.monotonic()

    def _maybe_tick(self) -> None:
        if time.monotonic() - self._last_tick >= self.every:
            self._last_tick = time.monotonic()
            self.tick()

    def burst(self) -> Iterator[bytes]:
        gave = False
        while not self.ended:
            if self.live.stopped.is_set():
                self.ended = True  # stopped (Ctrl-C, q): what was read is all there is
                return
            item = self.live.get(timeout=self.idle)
            if item is None:
                if gave:
                    return
                self._maybe_tick()
                continue
            data, eof = self._coalesce(item)
            lines = self.framer.feed(data)
            del data  # only one copy of a block's bytes is alive (see MAX_BLOCK_BYTES)
            for block in split_dense(lines):
                gave = True
                yield block
            del lines
            if eof:
                self.ended = True
                yield from split_dense(self.framer.finish())
                return
            self._maybe_tick()

    def _coalesce(self, first: object) -> tuple[bytes, bool]:
        """Join what is already queued (no waiting): fewer, larger blocks under load.
        Returns the bytes and whether the input ended."""
        parts: list[bytes] = []
        size, item = 0, first
        while item is not None:
            if item is _EOF:
                return b"".join(parts), True
            assert isinstance(item, bytes)
            parts.append(item)
            size += len(item)
            if size >= MAX_BLOCK_BYTES:
                break
            item = self.live.get(timeout=0)
        return b"".join(parts), False
