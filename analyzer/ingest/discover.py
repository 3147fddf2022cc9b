"""Sources stage: the paths a user names (files, globs, directories, `-`) -> the sources to read.

Directories are walked the way `git` and `ripgrep` do: `.gitignore` files are honoured
(pathspec), hidden and VCS folders, virtualenvs, `node_modules` and build output are skipped,
and so are FIFOs, devices, sockets and binary files (a FIFO would block the run). Symbolic links
are followed once: a directory or file reached twice (a link loop, two links to one file, a
`**` glob through a link) is read once. Each directory walked ends in a one-line summary of what
was read and what was skipped, as a non-fatal problem.
"""

from __future__ import annotations

import glob
import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.errors import InputError
from analyzer.ingest.compression import VERIFY_BYTES, sniff_codec
from analyzer.ingest.sources import Source, looks_binary

if TYPE_CHECKING:  # imported when a folder or a `**` glob is walked
    import pathspec

# Files picked up when a directory is named; an explicitly named file is always read.
LOG_SUFFIXES = (".log", ".txt", ".json", ".jsonl", ".ndjson", ".csv", ".out",
                ".gz", ".bz2", ".xz", ".zst")
# Folders of tools and builds, never logs a user means (hidden folders are skipped as well).
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "env", "site-packages",
                          "build", "dist", "target", "bower_components", "vendor"})


@dataclass(slots=True)
class Walk:
    """What one walk read and skipped, and the identities already seen (links)."""

    seen: set[tuple[int, int]] = field(default_factory=set)
    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def first_visit(self, st: os.stat_result) -> bool:
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def summary(self, where: str) -> InputError:
        parts = ", ".join(f"{count} {why}" for why, count in sorted(self.skipped.items()))
        problem = InputError(where, f"read {self.read} log file(s); skipped {parts}",
                             fatal=False)
        problem.summary = True
        return problem


def _binary_file(path: str) -> bool:
    """NUL bytes near the start of a file that is not compressed."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(VERIFY_BYTES)
    except OSError:
        return False
    return looks_binary(head) and sniff_codec(head) is None


def is_log_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(LOG_SUFFIXES)


def _is_tool_dir(entry: os.DirEntry[str]) -> str | None:
    if entry.name.startswith("."):
        return "hidden or VCS folder(s)"
    if entry.name in SKIPPED_DIRS:
        return "dependency or build folder(s)"
    if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
        return "dependency or build folder(s)"
    return None


def _gitignore(directory: str) -> pathspec.PathSpec | None:
    import pathspec

    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8",
                  errors="replace") as handle:
            return pathspec.GitIgnoreSpec.from_lines(handle)
    except OSError:
        return None


Ignores = list[tuple[str, "pathspec.PathSpec"]]


def _ignored(path: str, is_dir: bool, ignores: Ignores) -> bool:
    for base, spec in ignores:
        relative = os.path.relpath(path, base) + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


def walk_files(top: str, walk: Walk,
               wanted: Callable[[str], bool] = is_log_name) -> list[str]:
    """Files under `top` worth reading, in a stable order; what is skipped is counted."""
    found: list[str] = []
    try:
        top_stat = os.stat(top)
    except OSError:
        return found
    if not walk.first_visit(top_stat):
        walk.skipped["folder(s) reached twice by links"] += 1
        return found
    _walk_dir(top, _enclosing_ignores(top), walk, wanted, found)
    return found


def _enclosing_ignores(top: str) -> Ignores:
    """The .gitignore files above `top` up to its repository's root (the folder holding
    `.git`), as git applies them to a subfolder; none outside a repository."""
    folder = os.path.abspath(top)
    above: Ignores = []
    while True:
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            break
        folder = parent
        spec = _gitignore(folder)
        if spec is not None:
            above.append((folder, spec))
    if not os.path.exists(os.path.join(folder, ".git")):
        return []
    return above[::-1]


def _walk_dir(directory: str, ignores: Ignores, walk: Walk, wanted: Callable[[str], bool],
              found: list[str]) -> None:
    spec = _gitignore(directory)
    if spec is not None:
        ignores = [*ignores, (directory, spec)]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        walk.skipped["unreadable folder(s)"] += 1
        return
    for entry in entries:
        try:
            st = entry.stat()  # follows links
        except OSError:
            walk.skipped["broken link(s)"] += 1
            continue
        if stat.S_ISDIR(st.st_mode):
            why = _is_tool_dir(entry)
            if why is None and _ignored(entry.path, True, ignores):
                why = "ignored by .gitignore"
            if why is None and not walk.first_visit(st):
                why = "folder(s) reached twice by links"
            if why:
                walk.skipped[why] += 1
                continue
            _walk_dir(entry.path, ignores, walk, wanted, found)
        elif wanted(entry.name):
            why = _file_problem(entry.path, st, ignores, walk)
            if why:
                walk.skipped[why] += 1
                continue
            walk.read += 1
            found.append(entry.path)


def _file_problem(path: str, st: os.stat_result, ignores: Ignores, walk: Walk) -> str | None:
    if not stat.S_ISREG(st.st_mode):
        return "FIFO(s), device(s) or socket(s)"
    if _ignored(path, False, ignores):
        return "ignored by .gitignore"
    if not walk.first_visit(st):
        return "file(s) reached twice by links"
    if _binary_file(path):
        return "binary file(s)"
    return None


def _has_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def glob_files(pattern: str, walk: Walk) -> list[str]:
    """Log files matching a shell glob. `**` is matched over a loop-safe walk of the fixed
    part of the pattern (the glob module follows link loops); other globs use the glob
    module, which never recurses."""
    if "**" not in pattern:
        return sorted(glob.glob(pattern))
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if _has_glob(part))
    base = str(Path(*parts[:fixed])) if fixed else "."
    rest = "/".join(parts[fixed:])
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(["/" + rest])
    matches = [] if not os.path.isdir(base) else walk_files(
        base, walk, wanted=lambda name: not name.startswith("."))
    return [path for path in matches if spec.match_file(os.path.relpath(path, base))]


def expand_sources(paths: list[str]) -> tuple[list[Source], list[InputError]]:
    """Resolve paths to sources in a stable order; problems are returned, not raised, so one
    bad path never stops the others from being read. A directory without log files is only a
    warning when other inputs remain (`analyzer scan samples/*` with a rules folder in it),
    an error when nothing is left to read."""
    sources: list[Source] = []
    problems: list[InputError] = []
    taken: set[tuple[int, int] | str] = set()

    def add(name: str) -> None:
        key = _identity(name)
        if key not in taken:
            taken.add(key)
            sources.append(Source(name))

    for raw in paths or ["-"]:
        if raw == "-":
            add("-")
        else:
            _expand_one(raw, add, problems)
    if not sources:
        problems = [InputError(p.where, p.problem) for p in problems if not p.summary]
    return sources, problems


def _identity(name: str) -> tuple[int, int] | str:
    """The file behind a name (two links to one file are one source); the name if none."""
    if name == "-":
        return name
    try:
        st = os.stat(name)
    except OSError:
        return name  # reading it reports the problem
    return (st.st_dev, st.st_ino)


def _expand_one(raw: str, add: Callable[[str], None], problems: list[InputError]) -> None:
    walk = Walk()
    candidates = glob_files(raw, walk) if _has_glob(raw) else [raw]
    if not candidates:
        problems.append(InputError(raw, "no file matches this pattern"))
    for candidate in candidates:
        if os.path.isdir(candidate):
            files = walk_files(candidate, walk)
            if not files and not _has_glob(raw):
                problems.append(InputError(candidate, f"directory holds no log files "
                                           f"({', '.join(LOG_SUFFIXES)})", fatal=False))
            for file in files:
                add(file)
        elif not _has_glob(raw):
            add(candidate)  # a file named explicitly is always read
        elif is_log_name(os.path.basename(candidate)) and os.path.isfile(candidate):
            add(candidate)  # a glob picks log files, as a directory does
    if walk.skipped:
        problems.append(walk.summary(raw))
