"""Directories and globs are read the way git and ripgrep see a tree."""

from __future__ import annotations

import json
import os
import time

import pytest

from analyzer.ingest import expand_sources
from tests.conftest import run_module


@pytest.fixture
def tree(tmp_path):
    """A project folder with logs, and everything a walk must not read."""
    root = tmp_path / "project"
    for folder in ("logs/sub", ".git", "node_modules/pkg", "venv/lib", "build", "tmp"):
        (root / folder).mkdir(parents=True)
    (root / "logs/a.log").write_text("ERROR: first\n")
    (root / "logs/sub/b.log").write_text("ERROR: second\n")
    (root / "logs/c.tmp.log").write_text("ERROR: ignored by a pattern\n")
    (root / "tmp/d.log").write_text("ERROR: ignored folder\n")
    (root / ".gitignore").write_text("tmp/\n*.tmp.log\n")
    (root / ".git/x.log").write_text("ERROR: vcs\n")
    (root / "node_modules/pkg/npm-debug.log").write_text("ERROR: dependency\n")
    (root / "venv/pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "venv/lib/pip.log").write_text("ERROR: virtualenv\n")
    (root / "build/out.log").write_text("ERROR: build output\n")
    (root / "logs/core.log").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200))
    os.mkfifo(root / "logs/pipe.log")
    os.symlink("..", root / "logs/sub/loop")  # a link loop
    os.symlink("a.log", root / "logs/again.log")  # the same file twice
    return root


def _names(sources, root):
    return sorted(os.path.relpath(s.name, root) for s in sources)


def test_a_directory_is_walked_like_git_sees_it(tree):
    sources, problems = expand_sources([str(tree)])
    assert _names(sources, tree) == ["logs/a.log", "logs/sub/b.log"]
    (summary,) = [str(p) for p in problems]
    assert summary.startswith(f"{tree}: read 2 log file(s); skipped ")
    for why in ("1 FIFO(s), device(s) or socket(s)", "1 binary file(s)",
                "3 dependency or build folder(s)", "1 hidden or VCS folder(s)",
                "2 ignored by .gitignore", "1 file(s) reached twice by links",
                "1 folder(s) reached twice by links"):
        assert why in summary


def test_a_glob_through_a_link_loop_reads_each_file_once_and_ends(tree):
    started = time.monotonic()
    sources, _ = expand_sources([f"{tree}/**/*.log"])
    assert time.monotonic() - started < 5
    assert _names(sources, tree) == ["logs/a.log", "logs/sub/b.log"]


def test_a_file_named_twice_or_through_a_link_is_read_once(tree):
    logs = tree / "logs"
    sources, _ = expand_sources([str(logs / "a.log"), str(logs / "again.log"),
                                 str(logs / "a.log")])
    assert len(sources) == 1


def test_the_cli_scan_of_a_tree_with_a_fifo_does_not_block(tree):
    result = run_module("scan", str(tree), "--format", "json", timeout=30)
    assert result.returncode == 0, result.stderr.decode()
    assert len(json.loads(result.stdout)["input"]["sources"]) == 2
    assert b"read 2 log file(s); skipped" in result.stderr


def test_a_binary_file_named_explicitly_is_read_with_a_warning(tree):
    result = run_module("scan", str(tree / "logs/core.log"))
    assert result.returncode == 0
    assert b"looks binary (NUL bytes near its start)" in result.stderr
    assert result.stdout == b""  # no events in it: no "No incidents found."


def test_a_subfolder_of_a_repository_honours_the_gitignore_above_it(tree):
    sources, _ = expand_sources([str(tree / "logs")])
    assert _names(sources, tree) == ["logs/a.log", "logs/sub/b.log"]  # *.tmp.log ignored
    (tree / ".git").rename(tree / "not-a-repo")
    sources, _ = expand_sources([str(tree / "logs")])  # outside a repository: not applied
    assert "logs/c.tmp.log" in _names(sources, tree)
