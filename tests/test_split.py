from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.ingest import Source
from analyzer.ingest import split as splitting
from analyzer.ingest.detect import detect_format, head_lines
from analyzer.model import SourceStats
from analyzer.pipeline import analyze
from analyzer.report import REPORTERS
from analyzer.session import load_ruleset, read_options
from analyzer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
BLOCK = 8 * 1024  # small blocks: a few hundred KiB give dozens of cuts

# One sample per format the split reads (the others are read in one process).
SPLIT_SAMPLES = {
    "render_dashboard": "seed/render.log", "render_text": "render/render-text-pino.log",
    "render_syslog": "render/log-stream.log", "supabase_edge": "supabase/edge-logs.log",
    "postgrest": "supabase/postgrest.log", "postgres": "postgres/stderr-default.log",
    "cnpg": "postgres/cnpg.jsonl", "postgres_json": "postgres/jsonlog.json",
    "psql": "postgres/psql-migration.log", "supabase_auth": "supabase/auth-logs.jsonl",
    "app_json": "app/pino.jsonl", "plain": "app/gunicorn-traceback.log",
}

CLEAN_SAMPLES = {"supabase_edge"}  # its errors are Deno boot lines no rule claims: no incidents


def repeated(tmp_path: Path, sample: str, size: int = 120_000) -> Path:
    data = (SAMPLES / sample).read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    path = tmp_path / Path(sample).name
    path.write_bytes(data * max(2, size // len(data)))
    return path


def rendered(path: Path, jobs: int, schema: str | None = None,
             block: int = BLOCK) -> tuple[str, str]:
    settings = Settings(jobs=jobs, block_bytes=block, split_min_bytes=1,
                        schemas=(schema,) if schema else ())
    report = analyze([str(path)], settings)
    out = {}
    for fmt in ("json", "markdown"):
        buffer = io.StringIO()
        REPORTERS[fmt](report, buffer, width=120, color=False)
        out[fmt] = buffer.getvalue()
    return out["json"], out["markdown"]


def split_used(monkeypatch) -> list[int]:
    """Counts the files read split, and fails on a part read again in the parent."""
    calls: list[int] = []
    real = splitting._merged

    def merged(*args, **kwargs):
        calls.append(1)
        yield from real(*args, **kwargs)

    def no_fallback(*args, **kwargs):
        raise AssertionError("a part did not continue the state before it")

    monkeypatch.setattr(splitting, "_merged", merged)
    monkeypatch.setattr(splitting, "read_part", no_fallback)
    return calls


@pytest.mark.parametrize("fmt", sorted(SPLIT_SAMPLES))
def test_split_read_reports_what_one_process_reports(tmp_path, monkeypatch, fmt):
    path = repeated(tmp_path, SPLIT_SAMPLES[fmt])
    assert detect_format(head_lines(path.read_bytes()[:65536])).name == fmt
    one = rendered(path, 1)
    calls = split_used(monkeypatch)
    jobs = 2 + sorted(SPLIT_SAMPLES).index(fmt) % 3  # 2, 3 and 4 workers in turn
    assert rendered(path, jobs) == one
    assert calls == [1]
    assert ('"incidents": []' in one[0]) == (fmt in CLEAN_SAMPLES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A real-shaped Render log from the benchmark generator: 5 % error events, stack traces
    and util.inspect blocks among them (the cuts fall inside some)."""
    path = tmp_path_factory.mktemp("split") / "render.log"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_render_log.py"),
                    str(path), "--lines", "20000", "--error-share", "0.05", "--style", "text"],
                   check=True)
    return path


def block_cutting_events(path: Path, jobs: int) -> int:
    """A block size (>= 16 KiB) for which a cut between parts falls inside a multi-line event."""
    for block in range(16 * 1024, 64 * 1024, 256):
        if _cuts_inside_events(path, jobs, block):
            return block
    raise AssertionError(f"no cut of {path} falls inside an event")


@pytest.mark.parametrize("jobs", [2, 3, 4])
def test_split_read_of_a_generated_log_is_byte_identical(generated, monkeypatch, jobs):
    block = block_cutting_events(generated, jobs)
    schema = str(SAMPLES / "seed" / "init.sql")
    one = rendered(generated, 1, schema, block)
    calls = split_used(monkeypatch)
    assert rendered(generated, jobs, schema, block) == one
    assert calls == [1]


_RENDER_TEXT_PREFIX = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  ")


def _cuts_inside_events(path: Path, jobs: int, block: int = BLOCK) -> int:
    """How many of the cuts between parts fall inside a multi-line event: the line after the
    cut continues the one before it (indented, or a PostgreSQL DETAIL/STATEMENT line)."""
    blocks = splitting.plan_blocks(Source(str(path)), block)
    assert blocks is not None
    inside = 0
    with open(path, "rb") as handle:
        for part in splitting.cut_parts(blocks, jobs)[1:]:
            handle.seek(part[0].offset)
            first = _RENDER_TEXT_PREFIX.sub(b"", handle.readline())
            if first[:1] in (b" ", b"\t", b"}") or b"STATEMENT:" in first or b"DETAIL:" in first:
                inside += 1
    return inside


@pytest.mark.parametrize("sample", ["postgres/stderr-default.log", "app/gunicorn-traceback.log"])
def test_a_cut_inside_a_multi_line_event_keeps_it_whole(tmp_path, monkeypatch, sample):
    """PostgreSQL's STATEMENT/DETAIL lines (joined by pid), a Python traceback."""
    path = repeated(tmp_path, sample)
    block = block_cutting_events(path, 2)
    one = rendered(path, 1, block=block)
    calls = split_used(monkeypatch)
    assert rendered(path, 2, block=block) == one
    assert calls == [1]


def test_a_cut_inside_a_stack_trace_keeps_the_trace_whole(tmp_path, monkeypatch):
    head = b"2025-11-13 06:00:00  GET / 200 1.0 ms - 1\n" * 180
    trace = (b"2025-11-13 06:00:01  Error: column sessions.session_id does not exist\n"
             + b"    at SessionService.getSession (/src/services/session.js:72:15)\n" * 40)
    path = tmp_path / "cut.log"
    path.write_bytes((head + trace) * 12)
    block = block_cutting_events(path, 2)
    one = rendered(path, 1, block=block)
    calls = split_used(monkeypatch)
    assert rendered(path, 2, block=block) == one
    assert calls == [1]
    assert '"count": 12' in one[0]  # one incident, each trace one event


def _killed(task):  # runs in the worker: it dies as a killed process does
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_worker_is_a_one_line_input_error(tmp_path, monkeypatch):
    path = repeated(tmp_path, "seed/render.log")
    source = Source(str(path))
    fmt = detect_format(head_lines(path.read_bytes()[:65536]))
    blocks = splitting.plan_blocks(source, BLOCK)
    monkeypatch.setattr(splitting, "_run_task", _killed)
    settings = Settings()
    options = read_options(load_ruleset(settings), settings)
    with pytest.raises(InputError) as caught:
        list(splitting.read_split(source, SourceStats(str(path)), fmt, options, blocks, 2,
                                  redact=True, emails=False))
    assert "worker process" in str(caught.value.problem) and "\n" not in str(caught.value)


def test_a_killed_worker_fails_the_scan_with_exit_2(tmp_path):
    path = repeated(tmp_path, "seed/render.log", 400_000)
    script = (
        "import os, signal, sys\n"
        "import analyzer.ingest.split as s\n"
        "from analyzer.cli import app\n"
        "s._run_task = __import__('tests.test_split', fromlist=['_killed'])._killed\n"
        "sys.argv = ['analyzer', 'scan', '--format', 'json', sys.argv[1]]\n"
        "app()\n")
    env = {**os.environ, "ANALYZER_CONFIG": str(tmp_path / "none.toml")}
    (tmp_path / "none.toml").write_text(f"block-bytes = {BLOCK}\nsplit-min-bytes = 1\n")
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if "worker process" in line]
    assert len(errors) == 1 and "Traceback" not in done.stderr


def test_small_or_compressed_or_piped_input_is_read_in_one_process(tmp_path):
    fmt = detect_format(head_lines((SAMPLES / "seed" / "render.log").read_bytes()))
    path = repeated(tmp_path, "seed/render.log")
    assert splitting.splittable(Source(str(path)), fmt, 2, 1)
    assert not splitting.splittable(Source(str(path)), fmt, 1, 1)
    assert not splitting.splittable(Source(str(path)), fmt, 2, path.stat().st_size + 1)
    assert not splitting.splittable(Source("-"), fmt, 2, 1)
    crlf = tmp_path / "crlf.log"
    crlf.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert splitting.plan_blocks(Source(str(crlf)), BLOCK) is None


def test_the_parts_are_the_blocks_of_the_one_process_read(tmp_path):
    path = repeated(tmp_path, "postgres/stderr-default.log")
    blocks = splitting.plan_blocks(Source(str(path)), BLOCK)
    assert blocks is not None
    parts = splitting.cut_parts(blocks, 3)
    assert len(parts) == 3 and [b for p in parts for b in p] == blocks
    data = path.read_bytes()
    from analyzer.ingest.sources import iter_blocks

    assert [data[b.offset:b.offset + b.size] for b in blocks] == \
        list(iter_blocks(Source(str(path)), BLOCK))
    assert sum(b.lines for b in blocks) == data.count(b"\n")


def test_an_event_longer_than_a_block_is_read_on_from_the_true_state(tmp_path, monkeypatch):
    """A stack trace longer than a block: the lead-in (one block of its frames) cannot know
    where the event began, the check sees it, and the rest is read in the parent."""
    head = b"2025-11-13 06:00:00  GET / 200 1.0 ms - 1\n" * 400
    trace = (b"2025-11-13 06:00:01  Error: column sessions.session_id does not exist\n"
             + b"    at SessionService.getSession (/src/services/session.js:72:15) " * 1
             + b"\n" + b"    at Layer.handle (/src/node_modules/express/router/layer.js:95:5)\n"
             * 450)
    path = tmp_path / "long.log"
    path.write_bytes(head + trace + head + trace + head)
    one = rendered(path, 1, block=16 * 1024)
    fallbacks: list[int] = []
    real = splitting.read_part

    def read_part(*args, **kwargs):
        fallbacks.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(splitting, "read_part", read_part)
    assert rendered(path, 4, block=16 * 1024) == one
    assert fallbacks == [1]


def test_jobs_must_be_one_or_more_and_is_checked_before_reading(cli, tmp_path):
    result = cli("scan", "--jobs", "0", str(tmp_path / "missing.log"))
    assert result.exit_code == 2 and "--jobs: expected 1 or more, got 0" in result.stderr
    config = tmp_path / "analyzer.toml"
    config.write_text('jobs = "two"\n')
    result = cli("scan", "--config", str(config), str(SAMPLES / "seed" / "render.log"))
    assert result.exit_code == 2 and "jobs: expected a number" in result.stderr
