"""Run the analyzer in a subprocess under an address-space limit and a time bound, and say how
much memory it really took (peak RSS from wait4)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADDRESS_SPACE = 400 * 1024 * 1024
# Thread pools and allocators reserve address space they never touch: a glibc malloc arena of
# 64 MiB per thread, OpenBLAS buffers, a polars worker per core, jemalloc (polars' allocator)
# keeping freed pages mapped, glibc serving 16 MiB blocks from a fragmenting heap once its
# mmap threshold has crept up. These settings make what is reserved what is used, so the
# 400 MB limit bounds what the analyzer holds, not the machine's core count. Peak RSS is
# checked as well.
LEAN_THREADS = {
    "MALLOC_ARENA_MAX": "1", "MALLOC_MMAP_THRESHOLD_": "1048576",
    "OPENBLAS_NUM_THREADS": "1", "POLARS_MAX_THREADS": "1",
    "_RJEM_MALLOC_CONF": "narenas:1,retain:false,dirty_decay_ms:0,muzzy_decay_ms:0",
}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: bytes
    stderr: bytes
    peak_rss_mb: float
    seconds: float

    @property
    def err(self) -> str:
        return self.stderr.decode(errors="replace")


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_bounded(*args: str, scratch: Path, stdin_path: Path | None = None,
                stdin_from: list[str] | None = None, timeout: float = 60) -> Run:
    """`python -m analyzer ARGS` under RLIMIT_AS = 400 MB; killed past `timeout` seconds.
    Its stdin is a file, or the stdout of the command `stdin_from` (a pipe), or empty."""
    env = {**os.environ, **LEAN_THREADS, "COLUMNS": "160", "NO_COLOR": "1"}
    started = time.monotonic()
    feeder = None
    with open(scratch / "bounded.out", "w+b") as out, \
            open(scratch / "bounded.err", "w+b") as err:
        if stdin_from:
            feeder = subprocess.Popen(stdin_from, stdout=subprocess.PIPE)
            stdin = feeder.stdout
        else:
            stdin = open(stdin_path or os.devnull, "rb")  # noqa: SIM115 - closed below
        try:
            proc = subprocess.Popen([sys.executable, "-m", "analyzer", *args], stdin=stdin,
                                    stdout=out, stderr=err, cwd=ROOT, env=env,
                                    preexec_fn=_limit)
            status, usage = _wait(proc, timeout)
        finally:
            stdin.close()  # type: ignore[union-attr]
            if feeder is not None:
                feeder.kill()
                feeder.wait()
        out.seek(0)
        err.seek(0)
        return Run(os.waitstatus_to_exitcode(status), out.read(), err.read(),
                   usage.ru_maxrss / 1024, time.monotonic() - started)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, resource.struct_rusage]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise AssertionError(f"still running after {timeout} s")
        time.sleep(0.05)
