"""`render logs -o yaml`: YAML mappings (`id`, `labels`, `message`, `timestamp`) concatenated
with no `---`, so the stream is not valid multi-document YAML: it is split on `id:` at column
0. The usual one-line scalars are read directly; anything fancier (block scalars, odd quoting)
goes through a YAML parser. Entries are assembled into events like render_json's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl

from analyzer.ingest.formats.base import ReadOptions
from analyzer.ingest.formats.render_json import RenderJson, entry_frames, render_entry
from analyzer.ingest.lines import numbered_lines
from analyzer.model import SourceStats

_TOP_KEYS = ("id", "labels", "message", "timestamp")


def yaml_chunks(lines: Iterator[tuple[int, str]]
                ) -> Iterator[tuple[int, int, list[str]] | None]:
    """(first line, last line, lines) of each `id:`-led mapping; text before the first one
    comes out as its own chunk. Block-end marks (text None) pass through as None."""
    chunk: list[str] = []
    first = last = 0
    for lineno, text in lines:
        if text is None:
            yield None
            continue
        if text.startswith("id:") and chunk:
            yield first, last, chunk
            chunk = []
        if not chunk:
            first = lineno
        chunk.append(text)
        last = lineno
    if chunk:
        yield first, last, chunk


def _scalar(text: str) -> str | None:
    """A one-line YAML scalar, or None when it needs the real parser."""
    text = text.strip()
    if not text:
        return ""
    if text[0] == "'":
        return text[1:-1].replace("''", "'") if len(text) > 1 and text.endswith("'") else None
    if text[0] == '"':
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    if text[0] in "|>&*!{[" or " #" in text:
        return None
    return text


def parse_entry(lines: list[str]) -> dict[str, Any] | None:
    """The mapping of one chunk: fast for the shapes Render writes, else via YAML."""
    quick = _quick(lines)
    if quick is not None:
        return quick
    import yaml  # only for a mapping the quick reader cannot read (~40 ms to import)

    try:
        value = yaml.load("\n".join(lines), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None  # not YAML after all, or a scalar YAML cannot build (a bad date)
    if isinstance(value, dict) and "timestamp" in value:
        value["timestamp"] = str(value["timestamp"])  # YAML may have made it a datetime
    return value if isinstance(value, dict) else None


def _quick(lines: list[str]) -> dict[str, Any] | None:
    value: dict[str, Any] = {}
    labels: list[dict[str, Any]] = []
    for text in lines:
        stripped = text.strip()
        if not stripped:
            continue
        key, sep, rest = stripped.removeprefix("- ").partition(":")
        if not sep:
            return None
        scalar = _scalar(rest)
        if text[0] != " " and key in _TOP_KEYS:
            if key == "labels" and not rest.strip():
                value["labels"] = labels
                continue
            if scalar is None:
                return None
            value[key] = scalar
        elif key in ("name", "value") and text[0] == " " and scalar is not None:
            if stripped.startswith("- ") or not labels:
                labels.append({})
            labels[-1][key] = scalar
        else:
            return None
    return value


class RenderYaml(RenderJson):
    name = "render_yaml"
    description = "`render logs -o yaml`: mappings concatenated without `---`"
    example = ("id: 8f6b…\nlabels:\n    - name: level\n      value: error\n"
               "message: 'error: column \"created_at\" does not exist'\n"
               "timestamp: 2025-11-13T06:24:10.51234Z")

    def sniff(self, head: Sequence[str]) -> float:
        starts = [line.split(":", 1)[0] for line in head if line and not line[0].isspace()]
        if not starts or starts[0] != "id":
            return 0.0
        return 0.96 if set(_TOP_KEYS) <= set(starts) else 0.0

    def frames(self, blocks: Iterator[bytes], stats: SourceStats,
               options: ReadOptions) -> Iterator[pl.DataFrame]:
        lines = numbered_lines(blocks, stats, options.max_line_chars, marks=True)
        yield from entry_frames(
            None if chunk is None else
            (chunk[0], chunk[1], "\n".join(chunk[2]), render_entry(parse_entry(chunk[2])))
            for chunk in yaml_chunks(lines))
