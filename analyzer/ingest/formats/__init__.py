"""The registry of input formats: name -> implementation. Adding a format is one module and one
line here; detection tries them in this order and the best sniff score wins."""

from __future__ import annotations

from analyzer.ingest.formats.base import Format, LineFormat, ReadOptions
from analyzer.ingest.formats.plain import PlainText
from analyzer.ingest.formats.render_dashboard import RenderDashboard

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        RenderDashboard(),
        PlainText(),
    )
}

__all__ = ["FORMATS", "Format", "LineFormat", "ReadOptions"]
