from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path

from analyzer.model import Report, SourceStats
from analyzer.store import StateStore

PROCESSES = 8
TRIALS = 20


def _open_and_record(barrier, paths, results) -> None:
    failures = []
    for path in paths:
        barrier.wait(timeout=60)  # all processes open the new file at once
        try:
            with StateStore(path) as store:
                run = store.begin_run(["x.log"], (None, None))
                store.finish_run(run, Report(sources=(SourceStats("x.log", 1, 1),),
                                             incidents=()))
        except Exception:  # every failure is the finding
            failures.append(traceback.format_exc(limit=3))
    results.put(failures)


def test_eight_processes_opening_one_new_state_file_never_fail(tmp_path):
    paths = [str(tmp_path / f"trial{n}" / "state.db") for n in range(TRIALS)]
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    workers = [context.Process(target=_open_and_record, args=(barrier, paths, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    failures = [f for _ in workers for f in results.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=30)
    assert failures == []
    for path in paths:
        with StateStore(path) as store:
            assert len(store.runs()) == PROCESSES
    assert all(Path(p).exists() for p in paths)
