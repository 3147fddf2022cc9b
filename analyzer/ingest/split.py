"""Ingest stage over several processes: a large file's records read by worker processes, one
part of the file each, yielded in file order exactly as `read_source` yields them.

Only the reading is split (bytes -> lines -> frames -> prefilter -> records: ~90 % of a scan's
CPU); the records go on through one Session in the parent, in order, because resolution reads
what every earlier line taught (the log evidence) and template mining depends on order. Parts
start at the boundaries of the blocks the one-process read would use (the same framing code
finds them), so every part sees the same frames; what crosses a boundary is checked, not
assumed (ingest.ranges): the rows a part's lead-in leaves open must be the rows the part
before really left open. Where they are not, the rest of the file is read here, in the parent,
from the true state, so the result is the same whatever happens.

Eligible: a regular, uncompressed file of at least `min_bytes`, in a line format read by the
frame driver, without carriage returns or lines past the framing cap (their bytes are not
the file's bytes). Workers start by forkserver (never a bare fork of a process running polars).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import get_all_start_methods, get_context
from typing import Any

import polars as pl

from analyzer.errors import InputError
from analyzer.ingest.formats.base import ReadOptions
from analyzer.ingest.formats.frames import FrameFormat, LineFormat
from analyzer.ingest.prefilter import SeenShapes
from analyzer.ingest.ranges import PartRead, read_part
from analyzer.ingest.sources import Source, is_compressed_file, iter_blocks
from analyzer.model import Record, SourceStats, frozen_map
from analyzer.textsafe import cleaner

MIN_BYTES = 48 * 1024 * 1024  # below this, starting workers costs more than they save
MAX_PART_BYTES = 256 * 1024 * 1024  # a part's records wait in the parent until their turn
# polars threads per worker, for measuring (default: $POLARS_MAX_THREADS, else cores / jobs)
THREADS_ENV = "ANALYZER_WORKER_THREADS"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class Block:
    offset: int
    size: int
    lines: int
    lineno: int  # of its first line


def splittable(source: Source, fmt: object, jobs: int, min_bytes: int) -> bool:
    """Whether a file may be split at all (the blocks decide the rest: see plan_blocks)."""
    if jobs < 2 or source.is_stdin or not os.path.isfile(source.name):
        return False
    if "forkserver" not in get_all_start_methods():  # Windows: one process
        return False
    if os.path.getsize(source.name) < max(min_bytes, 1) or is_compressed_file(source.name):
        return False
    # the frame driver's own read over lines framed by LineFormat: what ingest.ranges repeats;
    # a registered format, so that a worker finds it by name
    from analyzer.ingest.formats import FORMATS

    return (isinstance(fmt, LineFormat) and type(fmt).read is FrameFormat.read
            and type(fmt).frames is LineFormat.frames and FORMATS.get(fmt.name) is fmt)


def plan_blocks(source: Source, block_bytes: int) -> list[Block] | None:
    """The blocks the one-process read uses, as file extents; None when a block's bytes are
    not the file's (a carriage return is rewritten, an over-long line cut)."""
    blocks, offset, lineno = [], 0, 1
    for block in iter_blocks(source, block_bytes):
        if b"\r" in block:
            return None
        lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        blocks.append(Block(offset, len(block), lines, lineno))
        offset += len(block)
        lineno += lines
    return blocks if offset == os.path.getsize(source.name) else None


def cut_parts(blocks: Sequence[Block], jobs: int) -> list[list[Block]]:
    """Consecutive runs of blocks of about equal bytes, a multiple of jobs of them, each part
    at most MAX_PART_BYTES (when the blocks allow) and of two blocks or more."""
    total = sum(b.size for b in blocks)
    count = jobs * max(1, -(-total // (jobs * MAX_PART_BYTES)))
    count = max(1, min(count, len(blocks) // 2))
    parts: list[list[Block]] = [[] for _ in range(count)]
    done = 0
    for block in blocks:
        index = min(count - 1, done * count // max(total, 1))
        parts[index].append(block)
        done += block.size
    return [p for p in parts if p]


@dataclass(frozen=True, slots=True)
class _Task:
    path: str
    fmt: str
    options: ReadOptions  # without its cleaner (a closure): redact/emails rebuild it
    redact: bool
    emails: bool
    blocks: tuple[Block, ...]
    lead: Block | None
    last: bool


def read_split(source: Source, stats: SourceStats, fmt: FrameFormat, options: ReadOptions,
               blocks: list[Block], jobs: int, *, redact: bool, emails: bool,
               on_part: Callable[[int], None] | None = None) -> Iterator[Record]:
    """The records of the file, read by `jobs` worker processes, in file order; `stats`
    filled as read_source fills it. Raises InputError when a worker fails."""
    parts = cut_parts(blocks, jobs)
    bare = replace(options, clean=None)
    tasks = [_Task(source.name, fmt.name, bare, redact, emails, tuple(part),
                   parts[i - 1][-1] if i else None, i == len(parts) - 1)
             for i, part in enumerate(parts)]
    context = start_workers(jobs)
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
        futures = [pool.submit(_run_task, task) for task in tasks]
        try:
            yield from _merged(source, stats, fmt, options, tasks, futures, on_part)
        finally:
            for future in futures:
                future.cancel()


def start_workers(jobs: int) -> Any:
    """The forkserver context, its server started (once per process; it imports the analyzer
    while the caller plans the parts) with polars capped at cores / jobs threads per worker:
    the workers share the cores (measured: see the README's Performance section)."""
    from multiprocessing import forkserver

    context = get_context("forkserver")
    context.set_forkserver_preload(["analyzer.ingest.split"])
    saved = os.environ.get("POLARS_MAX_THREADS")  # the user's own setting wins
    threads = os.environ.get(THREADS_ENV) or saved or str(max(1, usable_cores() // jobs))
    os.environ["POLARS_MAX_THREADS"] = threads
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            os.environ.pop("POLARS_MAX_THREADS", None)
        else:
            os.environ["POLARS_MAX_THREADS"] = saved
    return context


def _merged(source: Source, stats: SourceStats, fmt: FrameFormat, options: ReadOptions,
            tasks: list[_Task], futures: list[Future[Any]],
            on_part: Callable[[int], None] | None) -> Iterator[Record]:
    seen: set[str] = set()
    carry: pl.DataFrame | None = None
    lineno = 1
    for index, (task, future) in enumerate(zip(tasks, futures, strict=True)):
        part = _result(source, future)
        if not _continues(task, part, carry, lineno, index) or \
                len(seen | part.shapes) >= SeenShapes.MAX_SHAPES:
            # Not the state the one-process read has here: read the rest from it, here.
            rest = [block for t in tasks[index:] for block in t.blocks]
            part = read_part(fmt, source.name, _file_blocks(source.name, rest), options,
                             first_lineno=lineno, last=True, carry=carry,
                             shapes=SeenShapes(seen))
            _add_stats(stats, part.stats)
            yield from part.records
            return
        _add_stats(stats, part.stats)
        for record in _unpacked(part.records):
            shapes = part.optional.get(record.lineno)
            if shapes is None or not shapes <= seen:
                yield record
        seen |= part.shapes
        carry, lineno = part.end_carry, lineno + part.stats.lines
        if on_part is not None:
            on_part(sum(b.size for b in task.blocks))


def _continues(task: _Task, part: PartRead, carry: pl.DataFrame | None, lineno: int,
               index: int) -> bool:
    """The part was read from the state the part before left: its lead-in rebuilt the same
    open rows, and the line numbers it was given are the ones the lines before add up to."""
    if task.blocks[0].lineno != lineno or part.stats.lines != sum(b.lines for b in task.blocks):
        return False
    if index == 0:
        return True
    if task.lead is None or part.lead_lines != task.lead.lines:
        return False
    if carry is None or part.lead_carry is None:
        return carry is None and part.lead_carry is None
    return carry.equals(part.lead_carry, null_equal=True)


def _result(source: Source, future: Future[Any]) -> PartRead:
    try:
        result: PartRead = future.result()
    except BrokenProcessPool:
        raise InputError(source.name, "a worker process reading it died (killed?); "
                         "run with --jobs 1 to read it in one process") from None
    except InputError:
        raise
    except (OSError, MemoryError) as exc:
        raise InputError(source.name, f"a worker process failed: {exc}") from None
    return result


def _add_stats(total: SourceStats, part: SourceStats) -> None:
    total.lines += part.lines
    total.records += part.records
    total.unparsed += part.unparsed
    total.truncated_lines += part.truncated_lines
    for name, count in part.formats.items():
        total.add_format(name, count)
    total.interleaved += part.interleaved
    total.interleave_hint = total.interleave_hint or part.interleave_hint


def _file_blocks(path: str, blocks: Sequence[Block]) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            for block in blocks:
                handle.seek(block.offset)
                data = handle.read(block.size)
                if len(data) != block.size:
                    raise InputError(path, "changed while it was read (shorter than before)")
                yield data
    except OSError as exc:
        raise InputError(path, f"read failed: {exc.strerror or exc}") from None


# -- in the worker ---------------------------------------------------------------------------

Packed = tuple[Any, ...]


def _run_task(task: _Task) -> PartRead:
    from analyzer.ingest.formats import FORMATS

    fmt = FORMATS[task.fmt]
    assert isinstance(fmt, FrameFormat)
    options = replace(task.options, clean=cleaner(task.redact, task.emails))
    lead = [task.lead] if task.lead is not None else []
    part = read_part(fmt, task.path, _file_blocks(task.path, task.blocks), options,
                     first_lineno=task.blocks[0].lineno, last=task.last,
                     lead=_file_blocks(task.path, lead),
                     lead_lineno=task.lead.lineno if task.lead else 1)
    part.records = _packed(part.records)  # type: ignore[assignment]
    return part


def _packed(records: list[Record]) -> list[Packed]:
    # Record.fields is a read-only mapping proxy, which pickle refuses: sent as a dict.
    return [(r.source, r.lineno, r.format, r.message, r.raw, r.ts, r.service, r.instance,
             r.level, dict(r.fields), r.end_lineno) for r in records]


def _unpacked(packed: list[Any]) -> Iterator[Record]:
    for (source, lineno, fmt, message, raw, ts, service, instance, level, fields,
         end) in packed:
        yield Record(source, lineno, fmt, message, raw, ts, service, instance, level,
                     frozen_map(fields), end)
