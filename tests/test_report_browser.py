"""The HTML report in a real headless browser (Debian's chromium; .ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import SEED_LOG, SEED_SCHEMA, seed_incident_count
from tests.reportlogs import hours_ago, render_log

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("ANALYZER_REQUIRE_BROWSER"),
    reason="chromium not installed (.ci/run installs it and requires this test)")

# No double quote inside: the rule's capture is the quoted column name.
HOSTILE = ('❌ column "</code></pre><script>document.title=\'PWNED\'</script>'
           "<img src=x onerror=document.title=/PWNED/.source><a href=http://evil.test>x</a>"
           '<style>body{display:none}</style>" does not exist')
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--hide-scrollbars"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None, "chromium is required here (apt-get install chromium)"
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def html_report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    log = tmp / "hostile.log"
    log.write_text(SEED_LOG.read_text() + render_log([(hours_ago(1), HOSTILE)]))
    out = tmp / "report.html"
    result = subprocess.run(
        [sys.executable, "-m", "analyzer", "report", str(log), "--schema", str(SEED_SCHEMA),
         "--state", str(tmp / "state.db"), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1])
    assert result.returncode == 0, result.stderr
    return out


def test_report_renders_in_chromium_and_log_text_cannot_inject(tmp_path, html_report):
    result = chromium(tmp_path, "--dump-dom", html_report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Elements()
    dom.feed(result.stdout)
    tags = [tag for tag, _ in dom.tags]
    # It rendered: the summary, the window timeline, a card per incident
    assert dom.title.startswith("Incident report") and "PWNED" not in dom.title
    # the seed's incidents plus the hostile line's own
    cards = seed_incident_count() + 1
    assert tags.count("svg") == 1 + cards and tags.count("section") == cards
    # Nothing the log said became an element or an attribute
    assert "script" not in tags and "img" not in tags and "a" not in tags
    assert tags.count("style") == 1
    for tag, attrs in dom.tags:
        assert not any(name.startswith("on") or name in ("src", "href") for name in attrs), tag
    text = "".join(dom.text)
    assert "<script>document.title='PWNED'</script>" in text
    assert "<a href=http://evil.test>x</a>" in text and "<style>body{display:none}" in text


def png_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_report_fits_a_phone_screen(tmp_path, html_report):
    shot = tmp_path / "phone.png"
    result = chromium(tmp_path, "--window-size=412,915", f"--screenshot={shot}",
                      html_report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert png_size(shot) == (412, 915)
    assert shot.stat().st_size > 20_000  # text and charts, not a blank page
