"""The registry of input formats: name -> implementation. Adding a format is one module and one
line here; detection tries them in this order and the best sniff score wins."""

from __future__ import annotations

from analyzer.ingest.formats.base import Format, ReadOptions
from analyzer.ingest.formats.frames import FrameFormat, LineFormat
from analyzer.ingest.formats.plain import PlainText
from analyzer.ingest.formats.render_dashboard import RenderDashboard
from analyzer.ingest.formats.render_text import RenderText

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        RenderDashboard(),
        RenderText(),
        PlainText(),
    )
}

__all__ = ["FORMATS", "Format", "FrameFormat", "LineFormat", "ReadOptions"]
