"""Every reporter's output for the seed incident, byte for byte, against tests/golden/:
the terminal table at 80 and 120 columns, JSON, Markdown, HTML, the post-mortem, and the
`watch` event lines and JSON events. After an intended change: pytest --update-golden."""

from __future__ import annotations

import io
import os

import pytest

from analyzer.ingest import expand_sources, read_source
from analyzer.model import SourceStats
from analyzer.pipeline import analyze
from analyzer.report import REPORTERS
from analyzer.report.common import cleaner
from analyzer.report.live import LineView
from analyzer.report.outage import Selection
from analyzer.report.postmortem import facts_from_report
from analyzer.report.postmortem_md import render_markdown
from analyzer.session import load_ruleset, load_schema
from analyzer.settings import Settings
from analyzer.stream import Watcher
from tests.conftest import ROOT

LOG, SCHEMA = "samples/seed/render.log", "samples/seed/init.sql"


@pytest.fixture(scope="module")
def seed():
    """The seed report, read with paths relative to the repository (as the README shows)."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        settings = Settings(schemas=(SCHEMA,))
        yield analyze([LOG], settings), settings
    finally:
        os.chdir(here)


@pytest.mark.parametrize(("name", "fmt", "width"), [
    ("seed.table-80.txt", "table", 80), ("seed.table-120.txt", "table", 120),
    ("seed.json", "json", 120), ("seed.md", "markdown", 120), ("seed.html", "html", 120),
])
def test_reporters_match_their_golden_files(seed, golden, name, fmt, width, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763016000")  # the HTML's generation time
    report, _ = seed
    out = io.StringIO()
    REPORTERS[fmt](report, out, width=width, color=False)
    golden(name, out.getvalue())


def test_postmortem_matches_its_golden_file(seed, golden):
    report, _ = seed
    cause = report.root_causes[0].id
    out = io.StringIO()
    render_markdown(facts_from_report(Selection(root_causes=(cause,)), report), out,
                    cleaner(True, False))
    golden("seed.postmortem.md", out.getvalue())


@pytest.mark.parametrize(("name", "as_json"), [("seed.watch.txt", False),
                                               ("seed.watch.jsonl", True)])
def test_watch_events_match_their_golden_files(golden, name, as_json, monkeypatch):
    monkeypatch.chdir(ROOT)
    settings = Settings(schemas=(SCHEMA,))
    watcher = Watcher(load_ruleset(settings), settings, load_schema(settings, []))
    stats = watcher.session.open_source(LOG)
    (source,), _ = expand_sources([LOG])
    for record in read_source(source, stats, options=watcher.session.options):
        watcher.add_record(record)
    out = io.StringIO()
    view = LineView(out, cleaner(True, False), as_json=as_json)
    view.update(watcher.take_events())
    golden(name, out.getvalue())
    assert isinstance(stats, SourceStats) and stats.lines > 0


def _readme_block(after: str) -> str:
    """The output of the first code block after `after` in the README, its `$ …` line off."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(after, 1)[1].split("```\n", 1)[1].split("```", 1)[0]
    command, output = block.split("\n", 1)
    assert command.startswith("$ analyzer scan samples/seed/render.log")
    return output


def test_the_readme_shows_the_80_column_seed_report_as_the_golden_file_has_it(seed):
    whole = _readme_block("<summary>The whole report at 80 columns")
    assert whole == (ROOT / "tests" / "golden" / "seed.table-80.txt").read_text(encoding="utf-8")
    report, _ = seed
    out = io.StringIO()
    REPORTERS["table"](report, out, width=80, color=False, brief=True)
    assert _readme_block("On an 80-column terminal (`--brief`") == out.getvalue()
