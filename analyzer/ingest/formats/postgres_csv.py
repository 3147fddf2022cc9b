"""PostgreSQL csvlog (`log_destination = 'csvlog'`; what Supabase's platform writes): one CSV
record per event, quoted fields may span lines, so a real CSV parser reads it. 26 columns on
PG14+, 24 on PG13, 23 on PG12 and older; the columns become the canonical fields."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import polars as pl

from analyzer.ingest.csvrows import CsvRow, csv_rows
from analyzer.ingest.events import event_record
from analyzer.ingest.formats.base import (
    KeywordTest,
    ReadOptions,
    count_item,
    raw_may_hold,
    share,
)
from analyzer.ingest.levels import normalize_level
from analyzer.ingest.lines import numbered_lines
from analyzer.ingest.shapes import CSVLOG_FIELDS, pg_event_text
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.model import Record, SourceStats

COLUMNS = ("log_time", "user_name", "database_name", "process_id", "connection_from",
           "session_id", "session_line_num", "command_tag", "session_start_time",
           "virtual_transaction_id", "transaction_id", "error_severity", "sql_state_code",
           "message", "detail", "hint", "internal_query", "internal_query_pos", "context",
           "query", "query_pos", "location", "application_name", "backend_type", "leader_pid",
           "query_id")
MIN_COLUMNS = 22
FIELD_NAMES = CSVLOG_FIELDS
# The time as the server writes it (`… 06:24:10.512 UTC`), or quoted as a csvlog loaded into
# a table (the documentation's postgres_log) and copied out again writes it
# (`"2025-11-13 06:24:10.512+00"`, FORCE_QUOTE *).
RECORD_START = (r"^(?-u:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [A-Za-z0-9+-]{1,6}"
                r"|\"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? ?[A-Za-z0-9:+-]{1,6}\"),"
                r"(?:\"[^\"]*\"|[^,]*),")


_LOG_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _is_csvlog(values: list[str] | None) -> bool:
    return values is not None and MIN_COLUMNS <= len(values) <= len(COLUMNS) \
        and _LOG_TIME.match(values[0]) is not None


class PostgresCsv:
    name = "postgres_csv"
    description = "PostgreSQL csvlog: 23-26 CSV columns per event, fields spanning lines " \
                  "(also with every field quoted, as COPY … FORCE_QUOTE * writes it)"
    example = ('2025-11-13 06:24:10.512 UTC,"authenticator","postgres",4242,"10.0.1.17:51544",'
               '6734a1b2.1092,5,"SELECT",…,ERROR,42703,"column sessions.created_at does not '
               'exist",,"Perhaps you meant …",…')

    def sniff(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        starts = pl.Series(lines, dtype=pl.String).str.contains(RECORD_START)
        return min(1.0, share(starts) * 1.5) if starts.any() else 0.0

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        # Counted from a cheap check; built only when the raw row can hold a keyword.
        wanted = KeywordTest.of(options)
        for row in csv_rows(numbered_lines(blocks, stats, options.max_line_chars)):
            if not row.raw.strip():
                continue
            parsed = _is_csvlog(row.values)
            count_item(stats, parsed, self.name)
            if raw_may_hold(wanted, row.raw):
                yield self.record(row, source, parsed)

    def record(self, row: CsvRow, source: str, parsed: bool) -> Record:
        values = row.values
        if not parsed or values is None:
            return event_record(source=source, lineno=row.lineno, end_lineno=row.end_lineno,
                                fmt="plain", message=row.raw, raw=row.raw)
        named = dict(zip(COLUMNS, values, strict=False))
        fields = {FIELD_NAMES[k]: v for k, v in named.items() if k in FIELD_NAMES and v}
        host = named.get("connection_from", "")
        if host:
            fields["host"] = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return event_record(
            source=source, lineno=row.lineno, end_lineno=row.end_lineno, fmt=self.name,
            message=pg_event_text(named["message"], fields), raw=row.raw,
            ts=parse_iso_ns(named["log_time"]), level=normalize_level(named["error_severity"]),
            fields=fields)
