from __future__ import annotations

import hashlib
import html
import io
import json
import os
import pty
import time
from xml.etree import ElementTree

import pytest
from markdown_it import MarkdownIt

from analyzer.errors import UsageError
from analyzer.pipeline import analyze, parse_when
from analyzer.report import REPORTERS
from analyzer.report.common import buckets, duration, peak
from analyzer.report.progress import ProgressBar
from analyzer.settings import Settings
from analyzer.textsafe import md_code, md_text
from tests.conftest import SEED_LOG, SEED_SCHEMA, seed_incident_count
from tests.reportlogs import (
    CREATED_AT,
    HOUR,
    REPORT_ID,
    SCHEMA_SQL,
    SESSION_ID,
    hours_ago,
    render_log,
)

NOW = 1_763_000_000 * 10**9

# A log line an attacker controls (a request path, a user name) with every kind of payload.
HOSTILE = ('❌ column "x</code><script>alert(1)</script><img src=x onerror=alert(2)>'
           '[bold red]RED[/]\x1b[31m\x1b]0;title\x07 ``` ~~~ `tick` **b** [a](http://evil.test) '
           '@admin" does not exist')
SECRETS = ('❌ column "reportId" does not exist '
           "postgresql://postgres.abcdefghijkl:Sup3rS3cret!@aws-0-eu-central-1.pooler."
           "supabase.com:6543/postgres "
           "apikey=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0."
           "c2lnbmF0dXJlLXNpZ25hdHVyZQ Authorization: Bearer sbp_0123456789abcdef0123456789 "
           "ana@example.com")
# A secret captured into an entity (shown by every format, the table included)
SECRET_ENTITY = ('❌ column "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.'
                 'Zm9vYmFyYmF6cXV4" does not exist')
SECRET_PARTS = ("Sup3rS3cret", "eyJyb2xlIjoic2VydmljZV9yb2xlIn0", "sbp_0123456789abcdef",
                "eyJzdWIiOiJzZWNyZXQtdXNlciJ9")


def report_args(tmp_path, log, *extra):
    return ("report", str(log), "--state", str(tmp_path / "state.db"), *extra)


@pytest.fixture
def recent_log(write):
    """Errors from the last two hours, and one from 30 hours ago (outside --since 24h)."""
    start = hours_ago(2)
    events = [(start + i * 60 * 10**9, CREATED_AT if i % 2 else SESSION_ID) for i in range(20)]
    events.insert(0, (hours_ago(30), REPORT_ID))
    return write("app.log", render_log(events, healthy_every=2))


def test_parse_when_takes_durations_and_times():
    assert parse_when("24h", NOW) == NOW - 24 * HOUR
    assert parse_when("1h30m", NOW) == NOW - 90 * 60 * 10**9
    assert parse_when("2w", NOW) == NOW - 14 * 24 * HOUR
    assert parse_when("2025-11-13T06:00:00Z", NOW) == 1763013600 * 10**9
    assert parse_when("2025-11-13", NOW) == 1762992000 * 10**9
    with pytest.raises(UsageError, match="--since"):
        parse_when("yesterday", NOW)


def test_buckets_peak_and_duration():
    minute = 60 * 10**9
    assert buckets({10: 1, 11: 2, 19: 5}, 10 * minute, 19 * minute, 5) == [3, 0, 0, 0, 5]
    assert peak({3: 2, 4: 7, 5: 7}) == (4 * minute, 7)
    assert duration(289 * 10**9) == "4m 49s" and duration(0) == "0s"


def test_report_marks_new_then_ongoing_then_resolved(cli, tmp_path, recent_log, write):
    first = cli(*report_args(tmp_path, recent_log, "--since", "24h", "-o",
                             str(tmp_path / "r.json"), "--schema", str(write("s.sql", SCHEMA_SQL))))
    assert first.exit_code == 0, first.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert {i["status"] for i in data["incidents"]} == {"NEW"}
    # 30-hours-old reportId error is outside the window
    assert sorted(i["entities"]["column"] for i in data["incidents"]) == ["created_at",
                                                                          "session_id"]
    assert data["statuses"] == {"NEW": 2, "REGRESSED": 0, "ONGOING": 0, "RESOLVED": 0}
    assert data["window"]["start"] and data["run"]["id"] == 1
    # Same keys as scan, plus status and history
    incident = data["incidents"][0]
    assert set(incident) >= {"id", "rule", "title", "severity", "category", "count",
                             "first_seen", "last_seen", "services", "entities", "diagnosis",
                             "root_cause", "samples", "status", "history"}
    assert incident["diagnosis"]["kind"] == "case_style"
    assert incident["history"]["runs_seen"] == 1

    only_one = write("later.log", render_log([(hours_ago(1), CREATED_AT)]))
    second = cli(*report_args(tmp_path, only_one, "-o", str(tmp_path / "r2.json")))
    data = json.loads((tmp_path / "r2.json").read_text())
    assert [i["status"] for i in data["incidents"]] == ["ONGOING"]
    assert [i["status"] for i in data["resolved"]] == ["RESOLVED"]
    assert data["resolved"][0]["entities"]["column"] == "session_id"
    assert second.exit_code == 0
    assert data["previous_run"]["id"] == 1


def test_fail_on_sets_the_exit_status(cli, tmp_path, recent_log):
    assert cli(*report_args(tmp_path, recent_log, "--fail-on", "new")).exit_code == 1
    assert cli(*report_args(tmp_path, recent_log, "--fail-on", "new")).exit_code == 0
    assert cli(*report_args(tmp_path, recent_log, "--fail-on", "critical")).exit_code == 1
    assert cli(*report_args(tmp_path, recent_log, "--fail-on", "regressed")).exit_code == 0
    result = cli(*report_args(tmp_path, recent_log, "--fail-on", "maybe"))
    assert result.exit_code == 2 and "--fail-on" in result.stderr


def test_regressed_incident_fails_a_regressed_run(cli, tmp_path, write):
    created = write("a.log", render_log([(hours_ago(3), CREATED_AT)]))
    other = write("b.log", render_log([(hours_ago(2), REPORT_ID)]))
    assert cli(*report_args(tmp_path, created)).exit_code == 0
    assert cli(*report_args(tmp_path, other)).exit_code == 0  # created_at resolved
    back = cli(*report_args(tmp_path, created, "--fail-on", "regressed", "-o", "-"))
    assert back.exit_code == 1
    assert "**REGRESSED**" in back.stdout and "--fail-on: REGRESSED critical" in back.stderr


def test_outputs_by_suffix_and_terminal_table_by_default(cli, tmp_path, recent_log):
    outs = [tmp_path / "out" / name for name in ("r.md", "r.html", "r.json")]
    args = [arg for o in outs for arg in ("-o", str(o))]
    result = cli(*report_args(tmp_path, recent_log, *args))
    assert result.exit_code == 0 and result.stdout == ""
    assert outs[0].read_text().startswith("# Incident report")
    assert outs[1].read_text().startswith("<!DOCTYPE html>")
    assert json.loads(outs[2].read_text())["version"] == 1
    assert oct(outs[0].stat().st_mode & 0o777) != oct(0o600)
    table = cli(*report_args(tmp_path, recent_log))
    assert "ONGOING" in table.stdout and "Incidents" in table.stdout
    bad = cli(*report_args(tmp_path, recent_log, "-o", str(tmp_path / "r.pdf")))
    assert bad.exit_code == 2 and "unknown suffix" in bad.stderr


def test_corrupt_state_file_is_a_clear_error_and_kept(cli, tmp_path, recent_log):
    state = tmp_path / "state.db"
    state.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    before = hashlib.sha256(state.read_bytes()).hexdigest()
    result = cli(*report_args(tmp_path, recent_log))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"analyzer: error: {state}: ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert hashlib.sha256(state.read_bytes()).hexdigest() == before


def test_unreadable_input_does_not_record_the_run(cli, tmp_path, recent_log):
    cli(*report_args(tmp_path, recent_log))
    result = cli(*report_args(tmp_path, tmp_path / "missing.log", "-o", "-"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    # Not recorded: the incidents are not marked resolved by a run that could not read
    again = cli(*report_args(tmp_path, recent_log, "-o", "-"))
    assert "RESOLVED" not in again.stdout.split("## Details")[0].replace("0 RESOLVED", "")


def _seed_report():
    return analyze([str(SEED_LOG)], Settings(schemas=(str(SEED_SCHEMA),)))


def _scan(cli, fmt: str, text: str, *extra: str) -> str:
    result = cli("scan", "-", "-f", fmt, *extra, input=text)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_markdown_cannot_be_broken_by_a_log_line(cli):
    out = _scan(cli, "markdown", HOSTILE + "\n")
    assert "\x1b" not in out and "\x07" not in out
    # Rendered by a real CommonMark renderer (raw HTML allowed, as chat and issue sites do
    # before sanitising): the log text stays text.
    renderer = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tree = ElementTree.fromstring(f"<root>{renderer.render(out)}</root>")
    assert tree.find(".//script") is None and tree.find(".//img") is None
    assert tree.find(".//h3/strong") is None
    # the only links are the report's own, to its incidents and root causes
    incident = json.loads(_scan(cli, "json", HOSTILE + "\n"))["incidents"][0]["id"]
    assert [a.get("href") for a in tree.iter("a")] == [f"#{incident}"]
    rows = tree.findall(".//table/tbody/tr")
    assert len(rows) == 1 and len(rows[0].findall("td")) == 6  # the row kept its cells
    blocks = [code.text for code in tree.findall(".//pre/code")]
    assert len(blocks) == 1 and "<script>alert(1)</script>" in blocks[0]
    assert "[a](http://evil.test) @admin" in blocks[0]  # the whole sample, in its block


def test_markdown_prose_and_table_cells_keep_log_text_inert():
    renderer = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    hostile = "# " + HOSTILE + " | ~~gone~~ _em_ <b>bold</b>"
    document = (f"{md_text(hostile)}\n\n| a | b |\n|---|---|\n"
                f"| {md_text(hostile)} | {md_code(hostile, table=True)} |\n")
    tree = ElementTree.fromstring(f"<root>{renderer.render(document)}</root>")
    assert [child.tag for child in tree] == ["p", "table"]  # no heading, nothing else
    for tag in ("script", "img", "a", "b", "em", "strong", "s", "del", "h1"):
        assert tree.find(f".//{tag}") is None, tag
    paragraph = "".join(tree.find("p").itertext())
    assert "<script>alert(1)</script>" in paragraph and "[a](http://evil.test)" in paragraph
    assert "@admin" not in md_text(hostile)  # written &#64;: no @-mention when pasted
    cells = tree.findall(".//tbody/tr/td")
    assert len(cells) == 2 and "<b>bold</b>" in "".join(cells[1].itertext())


def test_html_escapes_log_text(cli):
    out = _scan(cli, "html", HOSTILE + "\n")
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "\x1b" not in out and "[bold red]RED[/]" in out
    assert "Content-Security-Policy" in out and "default-src 'none'" in html.unescape(out)


def test_json_strips_escapes(cli):
    data = json.loads(_scan(cli, "json", HOSTILE + "\n"))
    message = data["incidents"][0]["samples"][0]["message"]
    assert "\x1b" not in message and "\x07" not in message and "<script>" in message


def test_terminal_prints_rich_markup_literally(cli):
    out = _scan(cli, "table", HOSTILE + "\n")
    assert "[bold red]RED[/]" in out and "\x1b" not in out


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html"])
def test_secrets_are_redacted_in_every_format_unless_no_redact(cli, fmt):
    text = SECRETS + "\n" + SECRET_ENTITY + "\n"
    out = _scan(cli, fmt, text)
    for secret in SECRET_PARTS:
        assert secret not in out
    kept = _scan(cli, fmt, text, "--no-redact")
    assert "eyJzdWIiOiJzZWNyZXQtdXNlciJ9" in kept.replace("\n", "").replace("│", "")
    if fmt != "table":  # the table shows no samples
        assert "ana@example.com" in out and "Sup3rS3cret" in kept


def test_report_redacts_emails_when_asked(cli, tmp_path, write):
    log = write("s.log", render_log([(hours_ago(1), SECRETS)]))
    out = cli(*report_args(tmp_path, log, "-o", "-", "--redact-emails")).stdout
    assert "ana@example.com" not in out and "[EMAIL]" in out
    assert all(secret not in out for secret in SECRET_PARTS)


def test_every_reporter_renders_the_seed():
    report = _seed_report()
    for name, reporter in REPORTERS.items():
        buffer = io.StringIO()
        reporter(report, buffer, width=120, color=False)
        assert "created_at" in buffer.getvalue(), name


def test_html_timelines_are_svg_with_one_bar_per_busy_minute():
    buffer = io.StringIO()
    REPORTERS["html"](_seed_report(), buffer)
    out = buffer.getvalue()
    assert out.count("<svg") == 1 + seed_incident_count()  # the window and each incident
    assert "http://" not in out.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'name="viewport"' in out


class Recorder:
    def __init__(self):
        self.calls = []

    def start(self, source, total):
        self.calls.append(("start", source, total))

    def advance(self, nbytes):
        self.calls.append(("advance", nbytes))

    def finish(self):
        self.calls.append(("finish",))


def test_scan_reports_progress_in_bytes(tmp_path):
    recorder = Recorder()
    analyze([str(SEED_LOG)], Settings(block_bytes=4096), progress=recorder)
    size = SEED_LOG.stat().st_size
    assert recorder.calls[0] == ("start", str(SEED_LOG), size)
    assert sum(c[1] for c in recorder.calls if c[0] == "advance") == size
    assert recorder.calls[-1] == ("finish",)


def _pty_progress(delay: float, wait: float) -> bytes:
    master, slave = pty.openpty()
    stream = os.fdopen(slave, "w")
    bar = ProgressBar(stream, delay=delay)
    bar.start("big.log", 1000)
    bar.advance(400)
    time.sleep(wait)
    bar.advance(600)
    bar.finish()
    bar.close()
    stream.flush()
    os.set_blocking(master, False)
    try:
        return os.read(master, 65536)
    except BlockingIOError:
        return b""
    finally:
        stream.close()
        os.close(master)


def test_progress_bar_shows_on_a_terminal_only_after_a_second():
    assert b"big.log" in _pty_progress(delay=0.1, wait=0.6)
    assert _pty_progress(delay=1.0, wait=0.05) == b""


def _rendered_markdown(text: str) -> ElementTree.Element:
    renderer = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    return ElementTree.fromstring(f"<root>{renderer.render(text)}</root>")


def _prose(element: ElementTree.Element) -> str:
    """The visible text outside code spans and blocks."""
    parts = [] if element.tag in ("code", "pre") else [element.text or ""]
    for child in element:
        parts.append(_prose(child))
        parts.append(child.tail or "")
    return "".join(parts)


def test_markdown_reads_well_on_github():
    buffer = io.StringIO()
    REPORTERS["markdown"](_seed_report(), buffer)
    out = buffer.getvalue()
    tree = _rendered_markdown(out)
    # the date once, in the heading; the table holds times only and an id column
    assert tree.find("h1").text == "Incident report: 2025-11-13 06:23 → 06:29 UTC"
    head = [th.text for th in tree.findall(".//table/thead/tr/th")]
    assert "id" in head and "first seen" not in head
    for row in tree.findall(".//table/tbody/tr"):
        text = " ".join("".join(td.itertext()) for td in row.findall("td"))
        assert "2025-" not in text and len(text) <= 150, text
    # nothing found shows as —, never an empty code span
    assert all((c.text or "").strip() for c in tree.iter("code"))
    cells = ["".join(td.itertext()) for td in tree.findall(".//table/tbody/tr/td")]
    assert "—" in cells and "missing reportId → —" in cells
    # no backslash-escape shows once rendered; fixes carry code, SQL sits in sql blocks
    assert "\\" not in _prose(tree)
    codes = [c.text or "" for c in tree.iter("code")]
    assert "underscored: false" in codes and "tableName: 'sessions'" in codes
    sql = [c.text for c in tree.findall(".//pre/code") if c.get("class") == "language-sql"]
    assert any(t.startswith("ALTER TABLE public.sessions RENAME COLUMN") for t in sql)
    # every id links to its details heading, every root cause to its own
    ids = {h.text for h in tree.iter("h3")}
    for link in tree.iter("a"):
        assert link.get("href", "")[1:] in ids
