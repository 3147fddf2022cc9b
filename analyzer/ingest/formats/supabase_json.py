"""Supabase Logs Explorer JSON: "Download JSON" / "Copy as JSON" (a top-level array, pretty or
compact), a single row copied from the side panel, rows one per line, or the logs API's
`{"result": [...]}`; both storage generations (supabase_rows.py). Also the Markdown "copy"
blocks (`## Log N`, `**Timestamp:**`, `**Message:**`, `**Details:**` + a json fence).
Rows are independent events: no multi-line assembly across rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.base import (
    KeywordTest,
    ReadOptions,
    count_item,
    filtered,
    raw_may_hold,
)
from analyzer.ingest.jsonstream import JsonItem, json_items
from analyzer.ingest.lines import numbered_lines
from analyzer.ingest.shapes import decode_object, entry_of, is_log_object
from analyzer.ingest.supabase_rows import supabase_entry
from analyzer.model import Record, SourceStats


def is_log_row(row: Any) -> bool:
    """Whether row_record(row) reads it as a log row (not plain)."""
    return isinstance(row, dict) and ("event_message" in row or is_log_object(row))


def row_record(row: Any, source: str, fmt: str, lineno: int, end_lineno: int,
               raw: str) -> Record:
    """A Record from one exported row (or a plain one when the row is no log row)."""
    entry = supabase_entry(row) if isinstance(row, dict) else None
    if entry is None and isinstance(row, dict):
        entry = entry_of(row)
    if entry is None:
        return event_record(source=source, lineno=lineno, end_lineno=end_lineno, fmt="plain",
                            message=raw, raw=raw)
    return event_record(source=source, lineno=lineno, end_lineno=end_lineno, fmt=fmt,
                        message=entry.message, raw=raw, ts=entry.ts, level=entry.level,
                        service=entry.service, instance=entry.instance, fields=entry.fields)


class SupabaseJson:
    name = "supabase_json"
    description = "Supabase Logs Explorer JSON export/copy (array or rows), both generations " \
                  "(nested metadata or flat log_attributes)"
    example = '[{"event_message": "column sessions.created_at does not exist", "id": "3b0e…", ' \
              '"metadata": [{"parsed": [{"error_severity": "ERROR", "sql_state_code": ' \
              '"42703", …}]}], "timestamp": 1763015050512000}]'

    def sniff(self, head: Sequence[str]) -> float:
        text = "\n".join(head).lstrip("\ufeff \t\r\n")
        if text[:1] not in "[{" or '"event_message"' not in text:
            return 0.0
        return 0.98

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        # Counted from a cheap check; built only when the raw item can hold a keyword.
        wanted = KeywordTest.of(options)
        for item in json_items(blocks, stats, options.max_line_chars):
            if item is None:  # only with marks=True
                continue
            may_hold = raw_may_hold(wanted, item.text)
            for row in self._rows(item):
                count_item(stats, is_log_row(row), self.name)
                if may_hold:
                    yield row_record(row, source, self.name, item.lineno, item.end_lineno,
                                     item.text)

    def _rows(self, item: JsonItem) -> list[Any]:
        value = item.value
        if item.ok and isinstance(value, dict) and isinstance(value.get("result"), list):
            return value["result"]  # the logs API / CLI answer: {"result": [...], "error": …}
        if item.ok and isinstance(value, list):
            return value
        return [value if item.ok else None]


_HEADING_RE = re.compile(r"^#{1,3} Log \d+\s*$")
_FIELD_RE = re.compile(r"^\*\*(Timestamp|Message|Details):\*\*\s?(.*)$")


class SupabaseMarkdown:
    name = "supabase_markdown"
    description = "Supabase Logs Explorer \"Copy as Markdown\": `## Log N` blocks with " \
                  "Timestamp, Message and a Details json fence"
    example = "## Log 1\n**Timestamp:** 2025-11-13T06:24:10.512Z\n**Message:** column " \
              "sessions.created_at does not exist\n**Details:**\n```json\n{…}\n```\n\n---"

    def sniff(self, head: Sequence[str]) -> float:
        headings = sum(bool(_HEADING_RE.match(line)) for line in head)
        fields = sum(line.startswith(("**Timestamp:**", "**Message:**")) for line in head)
        return 0.97 if headings and fields else 0.0

    def read(self, blocks: Iterator[bytes], source: str, stats: SourceStats,
             options: ReadOptions) -> Iterator[Record]:
        lines = numbered_lines(blocks, stats, options.max_line_chars)
        records = (self._record(block, source) for block in _blocks(lines))
        yield from filtered(records, stats, self.name, options)

    def _record(self, block: list[tuple[int, str]], source: str) -> Record:
        raw = "\n".join(text for _, text in block)
        parts: dict[str, list[str]] = {}
        current: list[str] | None = None
        for _, text in block:
            found = _FIELD_RE.match(text)
            if found:
                current = parts.setdefault(found.group(1), [])
                if found.group(2):
                    current.append(found.group(2))
            elif current is not None and not _HEADING_RE.match(text):
                current.append(text)
        if "Message" not in parts and "Details" not in parts:
            return event_record(source=source, lineno=block[0][0], end_lineno=block[-1][0],
                                fmt="plain", message=raw, raw=raw)
        details = "\n".join(parts.get("Details", [])).strip().removeprefix("```json")
        row = decode_object(details.removesuffix("```").strip()) or {}
        row.setdefault("event_message", "\n".join(parts.get("Message", [])).strip())
        row.setdefault("timestamp", "".join(parts.get("Timestamp", [])).strip())
        return row_record(row, source, self.name, block[0][0], block[-1][0], raw)


def _blocks(lines: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """The non-empty blocks between `---` separators (or `## Log` headings)."""
    block: list[tuple[int, str]] = []
    for lineno, text in lines:
        if text.strip() == "---" or (_HEADING_RE.match(text) and block):
            if any(t.strip() for _, t in block):
                yield block
            block = [] if text.strip() == "---" else [(lineno, text)]
            continue
        block.append((lineno, text))
    if any(t.strip() for _, t in block):
        yield block
