"""Sources stage: a source (a file or `-`) -> byte blocks (expanding user paths: discover.py).

A block is a run of whole lines (it ends with a newline, except the last block of a source), so
the parsing stage never sees half a line. Compressed data is recognised by its first bytes,
not by the file name (compression.py); lines are framed and capped in framing.py. Nothing
here decodes text or loads a whole file.
"""

from __future__ import annotations

import io
import select
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from analyzer.errors import InputError
from analyzer.ingest.compression import (
    VERIFY_BYTES,
    decompressed,
    may_be_compressed,
    sniff_codec,
)
from analyzer.ingest.framing import DEFAULT_LINE_BYTES, framed

BINARY_SNIFF_BYTES = 8 * 1024


def looks_binary(head: bytes) -> bool:
    """NUL bytes in the first KiBs: no log writer emits them (UTF-16 text aside)."""
    return b"\x00" in head[:BINARY_SNIFF_BYTES]


@dataclass(frozen=True, slots=True)
class Source:
    name: str  # as shown to the user: the path, or "-" for stdin

    @property
    def is_stdin(self) -> bool:
        return self.name == "-"


def _open_binary(source: Source) -> BinaryIO:
    if source.is_stdin:
        return sys.stdin.buffer
    path = Path(source.name)
    if path.is_dir():
        raise InputError(source.name, "is a directory")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by iter_blocks
    except FileNotFoundError:
        raise InputError(source.name, "no such file") from None
    except PermissionError:
        raise InputError(source.name, "permission denied") from None
    except OSError as exc:
        raise InputError(source.name, f"cannot open: {exc.strerror}") from None
    return handle


def _read_chunks(stream: BinaryIO, size: int, interactive: bool) -> Iterator[bytes]:
    # On a pipe, read1 returns what is there now instead of waiting for `size` bytes, so a
    # live tail is seen as it arrives; while more keeps coming, pieces are gathered into one
    # block (a fast pipe hands over 64 KiB at a time, and every block costs).
    reader = getattr(stream, "read1", None) if interactive else None
    while True:
        chunk = reader(size) if reader else stream.read(size)
        if not chunk:
            return
        if reader:
            parts, total = [chunk], len(chunk)
            while total < size and _more_waiting(stream):
                more = reader(size - total)
                if not more:
                    break
                parts.append(more)
                total += len(more)
            chunk = b"".join(parts) if len(parts) > 1 else chunk
        yield chunk


# How long to wait for more of a pipe before handing over what came: short enough for a live
# tail, long enough for a fast writer to refill the 64 KiB pipe buffer.
GATHER_WAIT_SECONDS = 0.02


def _more_waiting(stream: BinaryIO) -> bool:
    try:
        return bool(select.select([stream], [], [], GATHER_WAIT_SECONDS)[0])
    except (OSError, ValueError, io.UnsupportedOperation):
        return False  # not a selectable stream (a test's BytesIO): no gathering


def iter_blocks(source: Source, block_bytes: int = 4 * 1024 * 1024, *,
                max_line_bytes: int = DEFAULT_LINE_BYTES) -> Iterator[bytes]:
    """Yield blocks of whole lines from a source, decompressed when its first bytes are a
    compressed stream. Raises InputError when the source cannot be opened (before any block)
    or turns out corrupt (after the blocks read so far)."""
    stream = _open_binary(source)
    try:
        chunks = _read_chunks(stream, block_bytes, interactive=source.is_stdin)
        first = next(chunks, b"")
        if not first:
            return
        parts = [first]
        while may_be_compressed(b"".join(parts)) and (more := next(chunks, b"")):
            parts.append(more)
        first = b"".join(parts)
        chunks = _prepend(first, chunks)
        codec = sniff_codec(first)
        if codec is not None:
            chunks = decompressed(codec, chunks, source.name)
        yield from framed(chunks, max_line_bytes)
    except OSError as exc:
        raise InputError(source.name, f"read failed: {exc.strerror or exc}") from None
    finally:
        if not source.is_stdin:
            stream.close()


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def is_compressed_file(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return sniff_codec(handle.read(VERIFY_BYTES)) is not None
    except OSError:
        return False


