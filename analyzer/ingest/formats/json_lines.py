"""One JSON object per line: PostgreSQL jsonlog (PG15+), application loggers (pino, bunyan,
winston) and Supabase Auth (GoTrue) logs.

The line is validated as JSON vectorized (so counts never depend on the prefilter), and only
the events the prefilter keeps are decoded. Each object is read by the shape its keys say
(shapes.py), so a file mixing jsonlog and app lines is still read right. Lines that are not
JSON (a stack printed raw after a log call) join the event above by content, else they are
plain records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import polars as pl

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.base import share
from analyzer.ingest.formats.frames import EventRows, LineFormat
from analyzer.ingest.shapes import decode_object, entry_of
from analyzer.model import Record

_OBJECT_LINE = r"^\s*\{.*\}\s*$"


class JsonLines(LineFormat):
    line_pattern = _OBJECT_LINE
    # A regex an object line of this format holds (its tell-tale keys).
    keys_pattern: ClassVar[str]
    # A regex that says the line is another JSON format's (checked before keys_pattern).
    not_pattern: ClassVar[str | None] = None

    def sniff(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        series = pl.Series(lines, dtype=pl.String)
        ours = series.str.contains(_OBJECT_LINE) & series.str.contains(self.keys_pattern)
        if self.not_pattern:
            ours = ours & ~series.str.contains(self.not_pattern)
        return share(ours)

    def claims(self, lines: pl.Series) -> pl.Series:
        ours = lines.str.contains(_OBJECT_LINE) & lines.str.contains(self.keys_pattern)
        return ours & ~lines.str.contains(self.not_pattern) if self.not_pattern else ours

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        # An object line opens and closes a brace. Validating every line as JSON (polars'
        # json_path_match) costs ten times more; a cut line lacks its closing brace anyway,
        # and the rare braced line that does not decode is kept whole as this format's record.
        frame = pl.DataFrame({"line": lines})
        looks = (pl.col("line").str.contains(r"^\s*\{")
                 & pl.col("line").str.contains(r"\}\s*$"))
        return frame.select(parsed=looks.fill_null(False), message=pl.col("line"))

    def record(self, rows: EventRows, source: str) -> Record:
        entry = entry_of(decode_object(rows.lines[0])) if rows.parsed else None
        if entry is None:
            fmt = self.name if rows.parsed else "plain"
            return event_record(source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
                                fmt=fmt, message="\n".join(rows.messages),
                                raw="\n".join(rows.lines))
        message = "\n".join([entry.message, *rows.messages[1:]])
        return event_record(source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
                            fmt=self.name, message=message, raw="\n".join(rows.lines),
                            ts=entry.ts, level=entry.level, service=entry.service,
                            instance=entry.instance, fields=entry.fields)


class CloudNativePg(JsonLines):
    name = "cnpg"
    description = "CloudNativePG instance logs: JSON lines, PostgreSQL's csvlog record under " \
                  "`record` (`logger: postgres`), the pod in `logging_pod`"
    example = ('{"level":"info","ts":"2025-11-13T06:24:10.512Z","logger":"postgres","msg":'
               '"record","logging_pod":"pg-1","record":{"error_severity":"ERROR",'
               '"sql_state_code":"42P01",…}}')
    keys_pattern = r'"logging_pod"\s*:|"logger"\s*:\s*"postgres"'


class PostgresJson(JsonLines):
    name = "postgres_json"
    description = "PostgreSQL jsonlog (PG15+): one object per line with error_severity, " \
                  "state_code, message, hint, statement"
    example = ('{"timestamp":"2025-11-13 06:24:10.512 UTC","pid":4242,"error_severity":"ERROR",'
               '"state_code":"42703","message":"column \\"created_at\\" does not exist",…}')
    keys_pattern = r'"error_severity"\s*:'
    not_pattern = r'"event_message"\s*:|"logging_pod"\s*:'


class SupabaseAuth(JsonLines):
    name = "supabase_auth"
    description = "Supabase Auth (GoTrue) JSON lines; the level comes from the HTTP status"
    example = ('{"component":"api","level":"info","method":"GET","msg":"403: invalid JWT: …",'
               '"path":"/user","status":403,"time":"2025-11-13T06:24:11Z"}')
    keys_pattern = r'"component"\s*:.*"msg"\s*:|"msg"\s*:.*"component"\s*:'
    not_pattern = r'"event_message"\s*:|"error_severity"\s*:'

    def sniff(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        series = pl.Series(lines, dtype=pl.String)
        ours = (series.str.contains(_OBJECT_LINE) & series.str.contains(r'"component"\s*:')
                & series.str.contains(r'"msg"\s*:')
                & series.str.contains(r'"(?:status|remote_addr|auth_event)"\s*:'))
        # A GoTrue file is an app log too: win over app_json only when clearly GoTrue.
        return share(ours) * 1.01


class AppJson(JsonLines):
    name = "app_json"
    description = "Application JSON lines: pino, bunyan, winston (numeric or named levels, " \
                  "msg/message, err.stack)"
    example = ('{"level":50,"time":1763015050512,"msg":"Failed to fetch session","err":'
               '{"type":"DatabaseError","message":"column sessions.session_id does not exist",'
               '"code":"42703"}}')
    keys_pattern = r'"(?:msg|message|err|error)"\s*:'
    not_pattern = (r'"event_message"\s*:|"error_severity"\s*:|^\s*\{\s*"id"\s*:'
                   r'|"logging_pod"\s*:|"logName"\s*:')
