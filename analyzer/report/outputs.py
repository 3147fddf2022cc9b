"""Report files: `--out FILE` picks the reporter by the file's suffix and writes the file whole
(a temporary file beside it, then a rename), so a reader never sees half a report."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analyzer.errors import UsageError
from analyzer.model import Report
from analyzer.report import REPORTERS, SUFFIXES


def format_for(path: str) -> str:
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(f"--out {path}: unknown suffix (use {', '.join(SUFFIXES)})")
    return fmt


def check_outputs(paths: Iterable[str]) -> None:
    """Fail before the (maybe long) analysis when an output cannot be named."""
    for path in paths:
        format_for(path)


def write_atomically(path: str, text: str) -> None:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; a report is as readable as any file
        os.replace(temp, target)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write report: {exc.strerror or exc}") from None


def write_outputs(paths: Iterable[str], report: Report, **options: Any) -> None:
    """Render the report once per file, in the format its suffix names."""
    for path in paths:
        buffer = io.StringIO()
        REPORTERS[format_for(path)](report, buffer, color=False, **options)
        write_atomically(path, buffer.getvalue())
