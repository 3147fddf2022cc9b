from __future__ import annotations

import gzip
import os
import shutil
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


GOLDEN = ROOT / "tests" / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite the golden files under tests/golden/ from the current "
                          "output instead of comparing with them.")


@pytest.fixture
def golden(request):
    """golden("name.ext", text): the text must equal tests/golden/name.ext; with
    --update-golden the file is (re)written instead."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {name}: run pytest --update-golden"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden file (pytest --update-golden)"

    return check


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


# -- a real PostgreSQL server (tests marked `postgres`) ------------------------------------------

@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """(dsn, logdir) of a real server: the one .ci/run started (ANALYZER_TEST_PG_DSN and
    ANALYZER_TEST_PG_LOGDIR), else one started here with scripts/pg-server. Skips only when no
    PostgreSQL binaries exist on the machine."""
    dsn, logdir = os.environ.get("ANALYZER_TEST_PG_DSN"), os.environ.get("ANALYZER_TEST_PG_LOGDIR")
    if dsn and logdir:
        yield dsn, Path(logdir)
        return
    import glob
    import socket

    if not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl") and not shutil.which("pg_ctl"):
        pytest.skip("no PostgreSQL server binaries on this machine (apt-get install postgresql)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = Path("/tmp") / f"analyzer-test-pg-{os.getpid()}-{port}"
    script = ROOT / "scripts" / "pg-server"
    started = subprocess.run([str(script), "start", str(directory), str(port)],
                             capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        subprocess.run([str(script), "stop", str(directory)], capture_output=True, timeout=60)
        pytest.fail(f"scripts/pg-server could not start PostgreSQL: {started.stderr.strip()}")
    try:
        yield started.stdout.strip(), directory / "log"
    finally:
        subprocess.run([str(script), "stop", str(directory)], capture_output=True, timeout=60)


def seed_incident_count(schema: bool = True) -> int:
    """How many incidents `scan` finds in the seed log: tests of other outputs compare with
    it instead of repeating a number that grows with the rule pack."""
    from analyzer.pipeline import analyze
    from analyzer.settings import Settings

    schemas = (str(SEED_SCHEMA),) if schema else ()
    return len(analyze([str(SEED_LOG)], Settings(schemas=schemas)).incidents)
