"""The registry of input formats: name -> implementation. Adding a format is one module and one
line here; detection tries them in this order and the best sniff score wins (ties: the first)."""

from __future__ import annotations

from analyzer.ingest.formats.base import Format, ReadOptions
from analyzer.ingest.formats.frames import FrameFormat, LineFormat
from analyzer.ingest.formats.json_lines import AppJson, PostgresJson, SupabaseAuth
from analyzer.ingest.formats.plain import PlainText
from analyzer.ingest.formats.postgres_csv import PostgresCsv
from analyzer.ingest.formats.postgres_stderr import PostgresStderr
from analyzer.ingest.formats.render_dashboard import RenderDashboard
from analyzer.ingest.formats.render_json import RenderJson
from analyzer.ingest.formats.render_syslog import RenderSyslog
from analyzer.ingest.formats.render_text import RenderText
from analyzer.ingest.formats.render_yaml import RenderYaml

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        RenderDashboard(),
        RenderText(),
        RenderJson(),
        RenderYaml(),
        RenderSyslog(),
        PostgresStderr(),
        PostgresCsv(),
        PostgresJson(),
        SupabaseAuth(),
        AppJson(),
        PlainText(),
    )
}

__all__ = ["FORMATS", "Format", "FrameFormat", "LineFormat", "ReadOptions"]
