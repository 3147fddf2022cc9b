"""A live input's Records read one step ahead, on a thread (`analyzer watch`).

`ReadAhead` runs `read_live` on its own thread and hands the caller lists of Records, in input
order: each block's as soon as the format has emitted them (read_live's `on_block`), or
BATCH_RECORDS of them. Where read_live would call `on_tick` (a burst ended, or the input was
idle for a tick) the caller gets TICK instead, after the records before it: so announcing
happens at the same points as when one thread did both. Parsing a block (mostly polars, which
releases the GIL) runs while the caller analyses the block before: two cores at work.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import cast

from analyzer.ingest.formats import ReadOptions
from analyzer.ingest.live import LiveInput, read_live
from analyzer.model import Record, SourceStats

BATCH_RECORDS = 4096  # records per batch at most (memory: HANDOVER batches wait)
HANDOVER = 2  # batches parsed ahead of the caller
JOIN_SECONDS = 5.0  # how long a stopped reader may take to finish its block


class _Tick:
    def __repr__(self) -> str:
        return "TICK"


TICK = _Tick()  # where read_live would call on_tick
_END = object()


class ReadAhead:
    """Iterate for lists of Records and TICKs; raises what read_live raises (InputError), after
    the records before it. `stats` is filled by the reader thread (its counts may run one
    block ahead of the records handed over). Closing the iterator stops the reader."""

    def __init__(self, live: LiveInput, stats: SourceStats, *, input_format: str | None = None,
                 options: ReadOptions | None = None, idle: float = 0.25,
                 tick: float = 0.25) -> None:
        self.live, self.stats = live, stats
        self.input_format, self.options, self.idle, self.tick = input_format, options, idle, tick
        self._handover: queue.Queue[object] = queue.Queue(maxsize=HANDOVER)
        self._batch: list[Record] = []
        self._done = threading.Event()

    def __iter__(self) -> Iterator[list[Record] | _Tick]:
        reader = threading.Thread(target=self._produce, name=f"parse-{self.live.name}",
                                  daemon=True)
        reader.start()
        try:
            while True:
                try:
                    item = self._handover.get(timeout=0.5)  # a timeout: Ctrl-C gets through
                except queue.Empty:
                    continue
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield cast(list[Record], item)
        finally:
            self._done.set()
            self.live.stop()
            reader.join(JOIN_SECONDS)

    # the reader thread
    def _produce(self) -> None:
        try:
            for record in read_live(self.live, self.stats, input_format=self.input_format,
                                    options=self.options, idle=self.idle, tick=self.tick,
                                    on_tick=self._tick, on_block=self._flush):
                self._batch.append(record)
                if len(self._batch) >= BATCH_RECORDS:
                    self._flush()
            self._flush()
            self._put(_END)
        except BaseException as exc:  # raised in the caller's thread
            self._flush()
            self._put(exc)

    def _put(self, item: object) -> None:
        while not self._done.is_set():
            try:
                self._handover.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _flush(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self._put(batch)

    def _tick(self) -> None:
        self._flush()
        self._put(TICK)
