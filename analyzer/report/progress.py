"""A progress bar on stderr for file scans: shown only once a scan has taken over a second (a
quick scan stays silent), and only when the CLI found stderr to be a terminal."""

from __future__ import annotations

import threading
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from analyzer.textsafe import printable


class ProgressBar:
    """Implements pipeline.Progress: start(source, total) / advance(n) / finish()."""

    def __init__(self, stream: TextIO, *, delay: float = 1.0) -> None:
        self.delay = delay
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), TimeElapsedColumn(),
            console=Console(file=stream, markup=False, highlight=False),
            transient=True, auto_refresh=True)
        self._task: TaskID | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self.shown = False

    def start(self, source: str, total_bytes: int | None) -> None:
        with self._lock:
            self._task = self._progress.add_task(printable(source)[-40:], total=total_bytes)
        if self._timer is None and not self.shown:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if not self.shown:
                self.shown = True
                self._progress.start()

    def advance(self, nbytes: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, nbytes)

    def finish(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[-1]
            self._progress.update(self._task, completed=task.total or task.completed)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self.shown:
                self._progress.stop()
            self.shown = True  # a late timer must not show it now

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
