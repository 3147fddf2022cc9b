"""Supabase Logs Explorer CSV exports: a header naming `event_message` and `timestamp`, then
rows. Two writers exist: the legacy one (react-csv: UTF-8 BOM, every field quoted, null as the
literal `null`, objects JSON-encoded, and before react-csv 2.2.1 embedded quotes NOT escaped)
and the current one (Papa.unparse: RFC 4180, CRLF). Both are read leniently: the legacy
all-quoted layout is split on `","` (which survives unescaped quotes), RFC rows go through a
real CSV parser, and a row with the wrong column count falls back to splitting on the first
N-1 commas before it is given up as plain text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence

from analyzer.ingest.csvrows import CsvRow, csv_rows
from analyzer.ingest.formats.base import (
    KeywordTest,
    ReadOptions,
    count_item,
    filtered,
    raw_may_hold,
)
from analyzer.ingest.formats.supabase_json import row_record
from analyzer.ingest.lines import numbered_lines
from analyzer.model import Record, SourceStats

# A legacy record split over more physical lines than this is not one record.
MAX_RECORD_LINES = 200


def _header(line: str) -> list[str] | None:
    if "event_message" not in line or len(line) > 64 * 1024:
        return None
    try:
        names = next(csv.reader([line.lstrip("\ufeff")]), [])
    except csv.Error:
        return None
    names = [name.strip() for name in names]
    return names if "event_message" in names and "timestamp" in names else None


class SupabaseCsv:
    name = "supabase_csv"
    description = "Supabase Logs Explorer CSV export (legacy all-quoted with BOM, or RFC 4180)"
    example = '"timestamp","id","event_message","error_severity"\n"1763015050512000","3b0e…",' \
              '"column sessions.created_at does not exist","ERROR"'

    def sniff(self, head: Sequence[str]) -> float:
        first = next((line for line in head if line.strip()), "")
        return 0.99 if _header(first) else 0.0

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        lines = numbered_lines(blocks, stats, options.max_line_chars)
        for lineno, text in lines:
            if not text.strip():
                continue
            header = _header(text)
            if header is None:  # no export header (--input-format forced): plain lines
                plain = ((n, t) for n, t in _prepend((lineno, text), lines) if t.strip())
                yield from filtered((row_record(None, source, self.name, n, n, t)
                                     for n, t in plain), stats, self.name, options)
                return
            quoted = text.lstrip("\ufeff").startswith('"')
            break
        else:
            return
        rows = _legacy_rows(lines, len(header)) if quoted else csv_rows(lines)
        # Counted from the split; built only when the raw row can hold a keyword.
        wanted = KeywordTest.of(options)
        for row in rows:
            if not row.raw.strip():
                continue
            values = row.values
            if values is not None and len(values) != len(header):
                values = _split_leniently(row.raw, len(header))
            count_item(stats, values is not None, self.name)
            if raw_may_hold(wanted, row.raw):
                yield self._record(row, header, values, source)

    def _record(self, row: CsvRow, header: list[str], values: list[str] | None,
                source: str) -> Record:
        if values is None:
            return row_record(None, source, self.name, row.lineno, row.end_lineno, row.raw)
        data = {name: (None if value == "null" else value) for name, value in
                zip(header, values, strict=True)}
        return row_record(data, source, self.name, row.lineno, row.end_lineno, row.raw)


def _prepend(first: tuple[int, str], rest: Iterator[tuple[int, str]]
             ) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


def _split_leniently(raw: str, columns: int) -> list[str] | None:
    """First N-1 commas; quotes around a field are dropped."""
    parts = raw.split(",", columns - 1)
    if len(parts) != columns:
        return None
    return [_unquote(part) for part in parts]


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == '"' and field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def _legacy_rows(lines: Iterator[tuple[int, str]], columns: int) -> Iterator[CsvRow]:
    """react-csv rows: every field quoted, so `","` separates fields whatever the quotes
    inside them; a record ends on a line ending with a quote once it has enough fields."""
    pending: list[tuple[int, str]] = []
    for lineno, text in lines:
        if not pending and not text.strip():
            continue
        pending.append((lineno, text))
        joined = "\n".join(t for _, t in pending)
        fields = joined.split('","')
        complete = joined.endswith('"') and len(fields) >= columns
        if complete or len(pending) >= MAX_RECORD_LINES:
            yield _legacy_row(pending, joined, columns)
            pending = []
    if pending:
        yield _legacy_row(pending, "\n".join(t for _, t in pending), columns)


def _legacy_row(pending: list[tuple[int, str]], joined: str, columns: int) -> CsvRow:
    fields = joined.split('","')
    values = None
    if len(fields) == columns and joined.startswith('"') and joined.endswith('"'):
        fields[0], fields[-1] = fields[0][1:], fields[-1][:-1]
        # react-csv >= 2.2.1 doubles quotes; older ones leave them alone (a lone `"` stays)
        values = [field.replace('""', '"') for field in fields]
    elif len(fields) > columns:
        values = _parsed(joined)
    return CsvRow(lineno=pending[0][0], end_lineno=pending[-1][0], raw=joined, values=values)


def _parsed(joined: str) -> list[str] | None:
    """The record as a CSV parser reads it; None when it rejects it (a stray quote, a line
    break outside quotes): the row is kept as unparsed text."""
    try:
        return next(csv.reader(joined.splitlines() or [""]), None)
    except csv.Error:
        return None
