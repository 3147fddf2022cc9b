"""Time and peak memory of `analyzer scan` on hostile input: what the issue measured before.

    python benchmarks/hostile_bench.py

Each case runs the real CLI in a fresh process (no memory limit) and reports wall time, the
child's own peak RSS (wait4), its exit status and the last line it wrote on stderr. Inputs are
made here with the standard library and zstandard (a pipe for the endless line).
"""

from __future__ import annotations

import bz2
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zstandard

WRITE_ONE_LINE = ("import sys\nblock = b'a' * (1 << 20)\n"
                  "for _ in range(1000): sys.stdout.buffer.write(block)")


def cases(folder: Path, make: bool = False) -> list[tuple[str, list[str], list[str] | None]]:
    """The cases; with make, their input files are written (in a process of their own: Linux
    hands a parent's peak RSS on to its children, so the measuring process stays small)."""
    def made(name: str, data: bytes | None) -> str:
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        return str(path)

    zeros = b"\0" * (100 << 20) if make else b""

    def data(build):  # type: ignore[no-untyped-def]
        return build() if make else None

    return [
        ("one line (the start-up baseline)",
         [made("one.log", data(lambda: b"ERROR: one\n"))], None),
        ("1 GB without a newline (stdin pipe)", ["-"], [sys.executable, "-c", WRITE_ONE_LINE]),
        ("5 MB of blank lines", [made("blank.log", data(lambda: b"\n" * 5_000_000))], None),
        ("100 KB gzip bomb of newlines (100 MB)",
         [made("nl.gz", data(lambda: gzip.compress(b"\n" * (100 << 20), 9)))], None),
        ("100 KB gzip bomb of zeros (100 MB)",
         [made("zero.gz", data(lambda: gzip.compress(zeros, 9)))], None),
        ("bzip2 bomb (100 MB of zeros)",
         [made("zero.bz2", data(lambda: bz2.compress(zeros, 9)))], None),
        ("zstd bomb (100 MB of zeros)",
         [made("zero.zst", data(lambda: zstandard.ZstdCompressor(level=19).compress(zeros)))],
         None),
        ("1,000 events ending in a lone CR",
         [made("cr.log", data(lambda: b"".join(b"ERROR: job %d failed\r" % n
                                                for n in range(1000))))], None),
    ]


def run(args: list[str], feeder: list[str] | None) -> tuple[float, float, int, str]:
    start = time.perf_counter()
    source = subprocess.Popen(feeder, stdout=subprocess.PIPE) if feeder else None
    child = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", *args],
                             stdin=source.stdout if source else subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = child.stderr.read().decode(errors="replace").strip().splitlines()
    _, status, usage = os.wait4(child.pid, 0)
    if source:
        source.kill()
        source.wait()
    return (time.perf_counter() - start, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status), err[-1] if err else "")


def main() -> None:
    if sys.argv[1:2] == ["--make"]:
        cases(Path(sys.argv[2]), make=True)
        return
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, __file__, "--make", folder], check=True)
        print("| input | s | peak RSS MB | exit | stderr (last line) |")
        print("|---|---|---|---|---|")
        for name, args, feeder in cases(Path(folder)):
            seconds, rss, code, last = run(args, feeder)
            last = last.replace(folder, "…")
            print(f"| {name} | {seconds:.1f} | {rss:.1f} | {code} | {last} |")


if __name__ == "__main__":
    main()
