"""The HTML report in a real headless browser (Debian's chromium; .ci/run installs it)."""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
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
    assert tags.count("svg") == 1 + cards
    assert sum(attrs.get("class") == "card" for _, attrs in dom.tags) == cards
    # Nothing the log said became an element or an attribute; the only links are the
    # report's own, to its own anchors
    assert "script" not in tags and "img" not in tags
    assert tags.count("style") == 1
    ids = {attrs["id"] for _, attrs in dom.tags if attrs.get("id")}
    for tag, attrs in dom.tags:
        assert not any(name.startswith("on") or name == "src" for name in attrs), tag
        if "href" in attrs:
            assert tag == "a" and (attrs["href"] or "")[1:] in ids, attrs
    text = "".join(dom.text)
    assert "<script>document.title='PWNED'</script>" in text
    assert "<a href=http://evil.test>x</a>" in text and "<style>body{display:none}" in text


# A page of our own, served with the report from one loopback HTTP server (same origin), that
# measures the report in an iframe of a given width: the report itself runs no script (its
# CSP forbids it), so the measuring is done from outside.
PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="report.html" style="width:%dpx;height:900px;border:0"></iframe>
<pre id="facts"></pre>
<script>
document.getElementById("f").addEventListener("load", function () {
  var d = this.contentDocument, w = this.contentWindow;
  function px(el) { return parseFloat(w.getComputedStyle(el).fontSize); }
  function all(sel) { return Array.prototype.slice.call(d.querySelectorAll(sel)); }
  var facts = {
    h1: px(d.querySelector("h1")),
    labels: all(".tick, figcaption, svg text").map(px),
    ticks: all(".axis").map(function (a) { return a.textContent; }),
    legend: all(".key").map(function (k) { return k.textContent; }),
    scrollWidth: d.documentElement.scrollWidth, clientWidth: d.documentElement.clientWidth,
    wide: all("body *").filter(function (e) {
      return !e.closest(".scroll, pre") &&
        e.getBoundingClientRect().right > d.documentElement.clientWidth + 1;
    }).map(function (e) { return e.tagName + "." + e.className; }),
    links: all(".cause a").map(function (a) {
      var target = d.getElementById(a.getAttribute("href").slice(1));
      return [a.getAttribute("href"), target ? target.className : null];
    }),
    causes: all(".cause").length,
    openDetails: all("details[open]").length, details: all("details").length,
    topbar: d.querySelector(".topbar").textContent,
    tiles: all(".tile-label").map(function (t) { return t.textContent; }),
    rows: all(".summary-table a").map(function (a) {
      var target = d.getElementById(a.getAttribute("href").slice(1));
      return target ? target.className : null;
    }),
    causesBeforeTable: !!(d.querySelector(".cause").compareDocumentPosition(
      d.querySelector(".summary-table")) & 4),
    fixes: all(".cause .fix").length
  };
  document.getElementById("facts").textContent = JSON.stringify(facts);
});
</script></body></html>"""


def measure(tmp_path: Path, report: Path, width: int) -> dict:
    site = tmp_path / f"site-{width}"
    site.mkdir()
    shutil.copy(report, site / "report.html")
    (site / "probe.html").write_text(PROBE % width)
    handler = type("Quiet", (http.server.SimpleHTTPRequestHandler,),
                   {"log_message": lambda *a: None})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: handler(*a, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/probe.html"
        result = chromium(tmp_path, "--dump-dom", url)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="facts">([^<]+)</pre>', result.stdout)
    assert found, result.stdout[-2000:]
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("width", [1280, 412])
def test_report_layout_in_chromium(tmp_path, html_report, width):
    facts = measure(tmp_path, html_report, width)
    # chart labels read smaller than the title, and are there: ticks and a legend
    assert facts["labels"] and max(facts["labels"]) < facts["h1"]
    assert all(len(axis) > 0 for axis in facts["ticks"]) and "critical" in facts["legend"]
    # one shared time axis: every chart has the same ticks
    assert len(set(facts["ticks"])) == 1
    # nothing wider than the screen (tables and samples scroll inside their own box)
    assert facts["scrollWidth"] <= facts["clientWidth"] and not facts["wide"], facts["wide"]
    # every root-cause link lands on an incident card; samples start collapsed
    assert facts["causes"] >= 2 and facts["links"]
    assert all(target == "card" for _, target in facts["links"]), facts["links"]
    assert facts["details"] and facts["openDetails"] == 0
    # a top bar (name, version, generation time), key figures, root causes (each with its
    # fix) before the summary table, whose every row links to its incident card
    assert facts["topbar"].startswith("analyzer ") and "generated " in facts["topbar"]
    assert facts["tiles"] == ["incidents", "by severity", "window", "input"], facts["tiles"]
    assert facts["causesBeforeTable"] and facts["fixes"] == facts["causes"]
    assert facts["rows"] and set(facts["rows"]) == {"card"}


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
