"""Keys for the live screen, read from the terminal itself (/dev/tty), since stdin is usually
the log being piped in. cbreak mode (keys arrive one at a time, Ctrl-C still interrupts) for
as long as the screen is up; nothing happens when there is no terminal to read."""

from __future__ import annotations

import contextlib
import os
import queue
import select
import termios
import threading
import tty
from typing import Any

POLL_SECONDS = 0.1


class Keys:
    def __init__(self, device: str = "/dev/tty") -> None:
        self.device = device
        self.pressed: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._fd: int | None = None
        self._saved: Any = None

    def __enter__(self) -> Keys:
        try:
            self._fd = os.open(self.device, os.O_RDONLY | os.O_NOCTTY)
            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd)
        except OSError:  # no controlling terminal (a pipe, a service): no keys
            if self._fd is not None:
                os.close(self._fd)
            self._fd = None
            return self
        threading.Thread(target=self._read, args=(self._fd,), name="watch-keys",
                         daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
        self._stop.set()  # the reading thread closes the descriptor it reads

    def _read(self, fd: int) -> None:
        try:
            while not self._stop.is_set():
                if not select.select([fd], [], [], POLL_SECONDS)[0]:
                    continue
                data = os.read(fd, 32)
                if not data:
                    return
                for char in data.decode(errors="ignore"):
                    self.pressed.put(char)
        except OSError:
            return
        finally:
            os.close(fd)

    def take(self) -> list[str]:
        keys = []
        while True:
            try:
                keys.append(self.pressed.get_nowait())
            except queue.Empty:
                return keys
