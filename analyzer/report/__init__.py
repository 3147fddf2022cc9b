"""Reporters: Report -> text on a stream. A registry from name to render function."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Reporter = Callable[..., None]


def _render_with(module: str) -> Reporter:
    """The `render` of a reporter module, imported on the first call (a JSON report never
    loads the HTML templates, nor a table report Jinja2)."""

    def render(*args: Any, **kwargs: Any) -> None:
        importlib.import_module(f"analyzer.report.{module}").render(*args, **kwargs)

    render.__qualname__ = f"{module}.render"
    return render


REPORTERS: dict[str, Reporter] = {
    "table": _render_with("terminal"),
    "json": _render_with("jsonout"),
    "markdown": _render_with("markdown"),
    "html": _render_with("html"),
}
# `report --out FILE` picks the format from the file's suffix.
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".json": "json", ".txt": "table"}

__all__ = ["REPORTERS", "SUFFIXES"]
