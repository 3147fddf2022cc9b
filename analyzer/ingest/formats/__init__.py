"""The registry of input formats: name -> implementation. Adding a format is one module and one
line here; detection tries them in this order and the best sniff score wins (ties: the first)."""

from __future__ import annotations

from analyzer.ingest.formats.base import Format, ReadOptions
from analyzer.ingest.formats.docker_compose import DockerCompose
from analyzer.ingest.formats.frames import FrameFormat, LineFormat
from analyzer.ingest.formats.gcloud import GoogleCloudLogging
from analyzer.ingest.formats.json_lines import AppJson, CloudNativePg, PostgresJson, SupabaseAuth
from analyzer.ingest.formats.plain import PlainText
from analyzer.ingest.formats.postgres_csv import PostgresCsv
from analyzer.ingest.formats.postgres_stderr import PostgresStderr
from analyzer.ingest.formats.postgres_syslog import HerokuPostgres, PostgresSyslog
from analyzer.ingest.formats.postgrest import PostgrestLog
from analyzer.ingest.formats.psql import PsqlOutput
from analyzer.ingest.formats.render_dashboard import RenderDashboard
from analyzer.ingest.formats.render_json import RenderJson
from analyzer.ingest.formats.render_syslog import RenderSyslog
from analyzer.ingest.formats.render_text import RenderText
from analyzer.ingest.formats.render_yaml import RenderYaml
from analyzer.ingest.formats.supabase_csv import SupabaseCsv
from analyzer.ingest.formats.supabase_edge import SupabaseEdge
from analyzer.ingest.formats.supabase_json import SupabaseJson, SupabaseMarkdown
from analyzer.ingest.formats.wrapped import Wrapper

_ALL: tuple[Format, ...] = (
    DockerCompose(),
    GoogleCloudLogging(),
    RenderDashboard(),
    RenderText(),
    RenderJson(),
    RenderYaml(),
    RenderSyslog(),
    SupabaseJson(),
    SupabaseCsv(),
    SupabaseMarkdown(),
    SupabaseEdge(),
    PostgrestLog(),
    PostgresSyslog(),
    HerokuPostgres(),
    PostgresStderr(),
    PostgresCsv(),
    CloudNativePg(),
    PostgresJson(),
    PsqlOutput(),
    SupabaseAuth(),
    AppJson(),
    PlainText(),
)
FORMATS: dict[str, Format] = {fmt.name: fmt for fmt in _ALL}

# Two formats in one file: a line format hands the lines it does not parse to the others.
_LINE_FORMATS = [fmt for fmt in FORMATS.values()
                 if isinstance(fmt, LineFormat) and not fmt.is_fallback]
for _fmt in _LINE_FORMATS:
    _fmt.adopt(_LINE_FORMATS)
# A wrapper's inner lines are in one of the line formats (plain included).
for _wrapper in FORMATS.values():
    if isinstance(_wrapper, Wrapper):
        _wrapper.nest([f for f in FORMATS.values() if isinstance(f, LineFormat)])

__all__ = ["FORMATS", "Format", "FrameFormat", "LineFormat", "ReadOptions"]
