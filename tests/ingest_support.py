"""Helpers shared by the ingest tests: read a file or text the way the pipeline does."""

from __future__ import annotations

from pathlib import Path

from analyzer.ingest import ReadOptions, Source, read_source
from analyzer.model import Record, SourceStats


def read(path: Path | str, *, input_format: str | None = None, block_bytes: int = 1 << 24,
         **options) -> tuple[list[Record], SourceStats]:
    stats = SourceStats(str(path))
    found = list(read_source(Source(str(path)), stats, input_format=input_format,
                             options=ReadOptions(**options), block_bytes=block_bytes))
    return found, stats


def read_text(tmp_path: Path, name: str, content: str | bytes, **kwargs):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read(path, **kwargs)


def messages(records: list[Record]) -> list[str]:
    return [r.message for r in records]
