"""Reporters: Report -> text on a stream. A registry from name to render function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from analyzer.model import Report
from analyzer.report import jsonout, terminal

Reporter = Callable[..., None]

REPORTERS: dict[str, Callable[[Report, TextIO], Any]] = {
    "table": terminal.render,
    "json": jsonout.render,
}

__all__ = ["REPORTERS"]
