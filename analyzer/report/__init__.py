"""Reporters: Report -> text on a stream. A registry from name to render function."""

from __future__ import annotations

from collections.abc import Callable

from analyzer.report import html, jsonout, markdown, terminal

Reporter = Callable[..., None]

REPORTERS: dict[str, Reporter] = {
    "table": terminal.render,
    "json": jsonout.render,
    "markdown": markdown.render,
    "html": html.render,
}
# `report --out FILE` picks the format from the file's suffix.
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".json": "json", ".txt": "table"}

__all__ = ["REPORTERS", "SUFFIXES"]
