"""Serve stage, syslog framing: TCP bytes -> syslog messages (RFC 6587).

Both framings of RFC 6587 are read on one connection, message by message: octet counting
(`LEN SP MSG`, what RFC 5425 TLS senders such as Render use) when a frame starts with a digit,
otherwise non-transparent framing (the message ends at LF; a trailing CR or NUL is dropped).
A frame longer than `max_message` is cut to that size and counted, so one sender cannot make
the buffer grow without bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_MESSAGE = 64 * 1024
_MAX_LENGTH_DIGITS = 9


@dataclass(slots=True)
class Framer:
    """Incremental: feed() bytes as they arrive, get the whole messages they complete."""

    max_message: int = MAX_MESSAGE
    oversized: int = 0  # messages cut to max_message
    malformed: int = 0  # octet counts that were not numbers
    _buffer: bytearray = field(default_factory=bytearray)
    _skip: int = 0  # bytes still to discard from an oversized octet-counted frame
    _drop_line: bool = False  # discarding the rest of a runaway line, up to its newline

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        messages: list[bytes] = []
        while self._buffer:
            if self._drop_line:
                self._drop_to_newline()
                continue
            if self._skip:
                dropped = min(self._skip, len(self._buffer))
                del self._buffer[:dropped]
                self._skip -= dropped
                continue
            message = (self._counted() if self._buffer[:1].isdigit() else self._line())
            if message is None:
                break
            if message:
                messages.append(message)
        return messages

    def close(self) -> list[bytes]:
        """The connection ended: a last unterminated line is still a message."""
        rest, self._buffer = bytes(self._buffer), bytearray()
        rest = rest.rstrip(b"\r\n\x00")
        dropping = self._skip or self._drop_line
        return [rest[: self.max_message]] if rest and not dropping else []

    def _counted(self) -> bytes | None:
        space = self._buffer.find(b" ", 0, _MAX_LENGTH_DIGITS + 1)
        if space < 0:
            if len(self._buffer) > _MAX_LENGTH_DIGITS:
                self.malformed += 1
                return self._line()  # not a length after all: read it as a line
            return None
        digits = bytes(self._buffer[:space])
        if not digits.isdigit():
            self.malformed += 1
            return self._line()
        length = int(digits)
        end = space + 1 + length
        if length > self.max_message:
            if len(self._buffer) < space + 1 + self.max_message:
                return None
            message = bytes(self._buffer[space + 1: space + 1 + self.max_message])
            consumed = min(end, len(self._buffer))
            del self._buffer[:consumed]
            self._skip = end - consumed
            self.oversized += 1
            return message
        if len(self._buffer) < end:
            return None
        message = bytes(self._buffer[space + 1: end])
        del self._buffer[:end]
        return message.rstrip(b"\r\n\x00")

    def _line(self) -> bytes | None:
        cut = self._buffer.find(b"\n")
        if cut < 0:
            if len(self._buffer) <= self.max_message:
                return None
            message = bytes(self._buffer[: self.max_message])
            del self._buffer[: self.max_message]
            # the rest of this runaway line is dropped up to its newline
            self.oversized += 1
            self._drop_to_newline()
            return message
        message = bytes(self._buffer[:cut])
        del self._buffer[: cut + 1]
        message = message.rstrip(b"\r\x00").lstrip(b"\x00")
        if len(message) > self.max_message:
            self.oversized += 1
            message = message[: self.max_message]
        return message

    def _drop_to_newline(self) -> None:
        cut = self._buffer.find(b"\n")
        if cut >= 0:
            del self._buffer[: cut + 1]
            self._drop_line = False
        else:
            self._buffer.clear()
            self._drop_line = True
