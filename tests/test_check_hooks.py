"""The pre-commit hook the repository ships (.pre-commit-hooks.yaml): valid for pre-commit's
own manifest loader, and its entry, run as pre-commit runs it (no file names, the repository as
the working directory), fails on the seed's model and passes once it is fixed."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from pre_commit.clientlib import load_manifest

from tests.conftest import ROOT, SEED_SCHEMA

APPS = ROOT / "samples" / "apps"


def hook() -> dict:
    (found,) = [h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
                if h["id"] == "analyzer-check"]
    return found


def run_hook(repository: Path) -> subprocess.CompletedProcess[str]:
    definition = hook()
    command = shlex.split(definition["entry"]) + list(definition["args"])
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(command, cwd=repository, capture_output=True, text=True, env=env,
                          timeout=120)


def test_hook_definition_is_valid_and_watches_model_files():
    definition = hook()
    assert definition["language"] == "python" and definition["pass_filenames"] is False
    for name in ("models/Session.js", "src/entity/User.ts", "app/models.py", "schema.prisma",
                 "app/models/staff.rb", "schema.sql"):
        assert re.search(definition["files"], name), name
    assert not re.search(definition["files"], "README.md")


def test_hook_fails_on_the_seed_model_and_passes_after_the_fix(tmp_path):
    for state, status in (("before", 1), ("after", 0)):
        repository = tmp_path / state
        shutil.copytree(APPS / "seed" / state, repository)
        shutil.copy(SEED_SCHEMA, repository / "schema.sql")
        result = run_hook(repository)
        assert result.returncode == status, result.stderr
        assert "Traceback" not in result.stderr
        assert ("counseling_sessions" in result.stdout) == (state == "before")
