from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEED_LOG = SAMPLES / "seed" / "render.log"
SEED_SCHEMA = SAMPLES / "seed" / "init.sql"


@pytest.fixture
def cli():
    """Invoke the CLI in-process: cli("scan", "x.log") -> Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def run_module(*args: str, input: bytes | None = None, cwd: Path | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m analyzer …` in a subprocess (real stdin/stdout/exit status)."""
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "analyzer", *args], input=input,
                          capture_output=True, cwd=cwd or ROOT, timeout=timeout, env=env)


@pytest.fixture
def write(tmp_path):
    """write("name.log", text_or_bytes, gz=False) -> Path"""

    def _write(name: str, content: str | bytes, gz: bool = False) -> Path:
        data = content.encode() if isinstance(content, str) else content
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if gz else data)
        return path

    return _write
