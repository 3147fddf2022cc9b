"""Ingest stage: sources -> formats -> Records.

`read_source` streams one source's Records; with `keywords`, only the events that hold one of
them (case-insensitive) are built, the rest are just counted (the prefilter that keeps healthy
lines cheap). Every record passes the cleaning stage (`options.clean`: escapes, controls and
secrets removed) on its way out.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from analyzer.errors import InputError, UsageError
from analyzer.ingest.detect import detect_format, head_lines
from analyzer.ingest.discover import expand_sources
from analyzer.ingest.formats import FORMATS, Format, ReadOptions
from analyzer.ingest.formats.frames import FrameFormat, LineFormat
from analyzer.ingest.formats.heads import Heads, supports_heads
from analyzer.ingest.formats.heads import read_heads as frame_heads
from analyzer.ingest.redaction import cleaned, read_cleaned
from analyzer.ingest.sources import Source, iter_blocks, looks_binary
from analyzer.model import Record, SourceStats


def get_format(name: str) -> Format:
    try:
        return FORMATS[name if name in FORMATS else name.lower()]  # RENDER_JSON = render_json
    except KeyError:
        raise UsageError(f"--input-format: unknown format {name!r} "
                         f"(known: {', '.join(FORMATS)})") from None


# Detection wants a few lines: a pipe may hand over its first bytes in small pieces.
HEAD_BYTES = 64 * 1024
HEAD_LINES = 50


def _head_blocks(blocks: Iterator[bytes]) -> list[bytes]:
    """The first blocks, until they hold enough to sniff (or the input ends)."""
    head: list[bytes] = []
    size = lines = 0
    for block in blocks:
        head.append(block)
        size += len(block)
        lines += block.count(b"\n")
        if size >= HEAD_BYTES or lines >= HEAD_LINES:
            break
    return head


def source_warnings(stats: SourceStats, max_line_chars: int) -> list[str]:
    """What a user must know about one source read to its end: it was empty, only blank,
    binary, partly unparsed, or had lines cut."""
    notes = []
    if stats.failed:
        pass  # its error said it all: it was not read to its end
    elif stats.lines == 0:
        notes.append("empty input: nothing to analyse")
    elif stats.records == 0:
        notes.append(f"no log events in {stats.lines} line(s) (blank lines only)")
    if stats.binary:
        notes.append("looks binary (NUL bytes near its start), not a text log; read as text")
    if stats.unparsed:
        notes.append(f"{stats.unparsed} unparsed line(s) kept as plain text")
    if stats.truncated_lines:
        notes.append(f"{stats.truncated_lines} line(s) longer than {max_line_chars} "
                     "characters were cut")
    return notes


@dataclass(frozen=True, slots=True)
class Split:
    """Reading a large file in worker processes (ingest.split): how many, from what size, and
    the redaction settings the workers rebuild the cleaner from (options.clean must be
    `textsafe.cleaner(redact, emails)`)."""

    jobs: int  # 0: the usable cores
    min_bytes: int
    redact: bool = True
    emails: bool = False


def _large_file(name: str, min_bytes: int) -> bool:
    try:
        return name != "-" and os.path.isfile(name) and os.path.getsize(name) >= min_bytes
    except OSError:
        return False


def read_source(source: Source, stats: SourceStats, *, input_format: str | None = None,
                options: ReadOptions | None = None,
                block_bytes: int = 4 * 1024 * 1024,
                on_block: Callable[[int], None] | None = None,
                split: Split | None = None) -> Iterator[Record]:
    """Records of one source. Raises InputError if it cannot be read; a source that turns out
    corrupt part way raises after the records before the damage were yielded. `on_block` is
    told the size of each block read (progress reporting). With `split`, a large file is read
    by worker processes (ingest.split), the records the same and in the same order."""
    options = options or ReadOptions()
    opened = _open_source(source, stats, input_format, block_bytes)
    if opened is None:
        return
    fmt, blocks = opened
    if split is not None and split.jobs != 1 and _large_file(source.name, split.min_bytes):
        from analyzer.ingest import split as splitting  # multiprocessing only when it is used

        jobs = split.jobs or splitting.usable_cores()
        if splitting.splittable(source, fmt, jobs, split.min_bytes):
            assert isinstance(fmt, FrameFormat)
            splitting.start_workers(jobs)  # its server imports while the parts are planned
            planned = splitting.plan_blocks(source, block_bytes)
            if planned is not None and len(planned) >= 4:
                yield from splitting.read_split(source, stats, fmt, options, planned, jobs,
                                                redact=split.redact, emails=split.emails,
                                                on_part=on_block)
                return

    def all_blocks() -> Iterator[bytes]:
        for block in blocks:
            if on_block is not None:
                on_block(len(block))
            yield block

    yield from read_cleaned(fmt.read(all_blocks(), source.name, stats, options), options.clean,
                            cleans_itself=getattr(fmt, "cleans_itself", False))


def _open_source(source: Source, stats: SourceStats, input_format: str | None,
                 block_bytes: int) -> tuple[Format, Iterator[bytes]] | None:
    """The source's format (given, or detected from its first blocks) and all its blocks, the
    ones read for detection first; None for an empty source. Notes a binary-looking head."""
    blocks = iter_blocks(source, block_bytes)
    head = _head_blocks(blocks)
    if not head:
        return None
    first = b"".join(head)
    stats.binary = looks_binary(first)
    fmt = get_format(input_format) if input_format else detect_format(head_lines(first))
    return fmt, itertools.chain(head, blocks)


HEADS_BATCH = 50_000  # records per Heads batch, for formats read record by record


def read_heads(source: Source, stats: SourceStats, *, input_format: str | None = None,
               options: ReadOptions | None = None,
               block_bytes: int = 4 * 1024 * 1024) -> Iterator[Heads]:
    """Every event of one source as its naming line, time and line number (what template
    mining needs), in batches; straight from the line frame where the format allows
    (formats/heads.py), else from the records `read_source` builds. Raises as read_source."""
    options = options or ReadOptions()
    opened = _open_source(source, stats, input_format, block_bytes)
    if opened is None:
        return
    fmt, everything = opened
    if supports_heads(fmt):
        assert isinstance(fmt, LineFormat)
        yield from frame_heads(fmt, everything, source.name, stats, options)
        return
    batch = Heads()
    for record in cleaned(fmt.read(everything, source.name, stats, options), options.clean):
        batch.add_record(record)
        if len(batch.texts) >= HEADS_BATCH:
            yield batch
            batch = Heads()
    yield batch


__all__ = ["FORMATS", "Heads", "InputError", "ReadOptions", "Source", "Split", "cleaned",
           "expand_sources", "read_heads", "read_source", "source_warnings"]
