"""Sources stage: compressed input, recognised by its first bytes and read decompressed.

Compression can only start where a file or stream starts, so only the first bytes are sniffed
(never a block in the middle: a log line that happens to begin like a zlib header stays text).
A magic number is only trusted once the head really decodes; otherwise the bytes are read as
they are. Output is read in bounded pieces, and a stream that expands more than MAX_RATIO times
its compressed size (a decompression bomb) is cut and reported. Corrupt or truncated data ends
the source with an InputError naming what was kept; it never escapes as an OSError.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

import zstandard

from analyzer.errors import InputError

# Logs compress 5-30x, very repetitive ones up to ~100x; a bomb is hundreds to millions.
MAX_RATIO = 200
# Below this much output the ratio is not checked (a tiny file of blank lines is no bomb).
RATIO_FREE_BYTES = 8 * 1024 * 1024
READ_BYTES = 1024 * 1024
# How much of the head is gathered (a pipe may hand over a few bytes first), and how much of
# it is decoded to check a magic number: enough to reject text that starts like a magic
# number, little enough that damage further on is reported as damage, not read as text.
VERIFY_BYTES = 64 * 1024
CHECK_BYTES = 512


class Decoder(Protocol):
    """What every codec's reader offers: bounded reads of decompressed bytes."""

    def read1(self, size: int = -1, /) -> bytes: ...
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Codec:
    name: str
    magic: bytes
    open: Callable[[IO[bytes]], Decoder]
    errors: tuple[type[BaseException], ...]


# The readers are closed with the source (their raw stream is the source's chunks).
def _gzip_reader(raw: IO[bytes]) -> Decoder:
    return gzip.GzipFile(fileobj=raw, mode="rb")


def _bzip2_reader(raw: IO[bytes]) -> Decoder:
    return bz2.BZ2File(raw, "rb")


def _xz_reader(raw: IO[bytes]) -> Decoder:
    return lzma.LZMAFile(raw, "rb")


def _zstd_reader(raw: IO[bytes]) -> Decoder:
    return _ZstdFrames(raw)


class _ZstdFrames:
    """zstd frames one after another, read in bounded steps. zstandard's stream reader
    returns a cut stream as a clean end, so this one says "truncated" (EOFError) instead."""

    # Compressed bytes fed at once. A 4-byte zstd block can expand to 128 KiB, so 256 bytes
    # give at most 8 MiB in one call (a bomb is cut soon after).
    STEP = 256

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._in_frame = False
        self._out = b""

    def close(self) -> None:
        self._out = b""

    def read1(self, size: int = -1, /) -> bytes:
        while not self._out:
            data = self._raw.read(self.STEP)
            if not data:
                if self._in_frame:
                    raise EOFError("zstd frame ends early")
                return b""
            self._feed(data)
        if size < 0:
            size = len(self._out)
        piece, self._out = self._out[:size], self._out[size:]
        return piece

    def _feed(self, data: bytes) -> None:
        while data:
            self._in_frame = True
            self._out += self._frame.decompress(data)
            if not self._frame.eof:
                return
            data = self._frame.unused_data  # the next frame (`cat a.zst b.zst`)
            self._frame = zstandard.ZstdDecompressor().decompressobj()
            self._in_frame = False


_ERRORS = (EOFError, OSError, zlib.error, lzma.LZMAError, zstandard.ZstdError, ValueError)
CODECS = (
    Codec("gzip", b"\x1f\x8b", _gzip_reader, _ERRORS),
    Codec("bzip2", b"BZh", _bzip2_reader, _ERRORS),
    Codec("xz", b"\xfd7zXZ\x00", _xz_reader, _ERRORS),
    Codec("zstd", b"\x28\xb5\x2f\xfd", _zstd_reader, _ERRORS),
)


class _ChunkStream(io.RawIOBase):
    """A read-only file over an iterator of byte chunks; counts the bytes handed out."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # a writable buffer (memoryview, bytearray)
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = chunk
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        self.consumed += size
        return size


def may_be_compressed(head: bytes) -> bool:
    """Worth reading more of the head before sniffing (a pipe may hand over a few bytes)."""
    return len(head) < VERIFY_BYTES and any(
        head.startswith(c.magic[: len(head)]) for c in CODECS)


def sniff_codec(head: bytes) -> Codec | None:
    """The codec whose magic starts `head` and whose data really decodes there."""
    for codec in CODECS:
        if head.startswith(codec.magic) and _decodes(codec, head[:CHECK_BYTES]):
            return codec
    return None


def _decodes(codec: Codec, head: bytes) -> bool:
    """Some output comes out of the head, or the head is a whole (empty) stream."""
    try:
        reader = codec.open(io.BytesIO(head))
        try:
            reader.read1(1)
        finally:
            reader.close()
        return True
    except EOFError:
        # Valid as far as it goes: a stream cut short (reported as truncated when read).
        return len(head) > len(codec.magic) + 1
    except codec.errors:
        return False


def decompressed(codec: Codec, chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """The decompressed bytes, in pieces of at most READ_BYTES."""
    raw = _ChunkStream(chunks)
    produced = 0
    try:
        reader = codec.open(raw)  # type: ignore[arg-type]  # a RawIOBase reads as IO[bytes]
        while True:
            piece = reader.read1(READ_BYTES)
            if not piece:
                return
            produced += len(piece)
            yield piece
            if produced > RATIO_FREE_BYTES and produced > MAX_RATIO * max(raw.consumed, 1):
                raise InputError(name, f"{codec.name} data expands over {MAX_RATIO}x "
                                 f"(a decompression bomb?); cut after {produced >> 20} MiB")
    except codec.errors as exc:
        what = "ends early (truncated)" if isinstance(exc, EOFError) else f"is corrupt ({exc})"
        raise InputError(name, f"{codec.name} data {what} after {produced} decompressed "
                         "bytes; kept what came before it") from None
