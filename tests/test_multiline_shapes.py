import csv
import io

from analyzer.pipeline import analyze
from analyzer.settings import Settings
from tests.conftest import ROOT
from tests.ingest_support import messages, read_text

HDFS = ROOT / "tests" / "fixtures" / "loghub" / "HDFS_150.log"

# `render logs -o text` of two instances: instance B's stack frame lands inside instance A's
# util.inspect block, and B's last frame after an access line.
INTERLEAVED = """\
2025-11-13 06:24:10  error: column "x" does not exist
2025-11-13 06:24:10      at Parser.parseErrorMessage (/app/pg-protocol/parser.js:283:98) {
2025-11-13 06:24:10    length: 104,
2025-11-13 06:24:10      at process.processTicksAndRejections (node:internal/process/task:95:5)
2025-11-13 06:24:10    severity: 'ERROR',
2025-11-13 06:24:10    code: '42703',
2025-11-13 06:24:10  }
2025-11-13 06:24:10  GET /api/health 200 2 ms
2025-11-13 06:24:10      at async SessionService.getSession (/app/services/sessionService.js:72:15)
"""


def test_interleaved_blocks_are_split_never_glued(tmp_path):
    found, stats = read_text(tmp_path, "render.log", INTERLEAVED)
    assert messages(found) == [
        'error: column "x" does not exist\n'
        "    at Parser.parseErrorMessage (/app/pg-protocol/parser.js:283:98) {\n"
        "  length: 104,\n  severity: 'ERROR',\n  code: '42703',\n}",
        "    at process.processTicksAndRejections (node:internal/process/task:95:5)",
        "GET /api/health 200 2 ms",
        "    at async SessionService.getSession (/app/services/sessionService.js:72:15)",
    ]
    assert stats.interleaved == 2


def test_interleaving_gives_one_hint_in_problems(tmp_path):
    path = tmp_path / "render.log"
    path.write_text(INTERLEAVED)
    report = analyze([str(path)], Settings())
    hints = [p.message for p in report.problems if "interleaved" in p.message]
    assert len(hints) == 1 and "use -o json for multi-instance services" in hints[0]
    assert [i.rule for i in report.incidents] == ["node_postgres.undefined_column"]


def test_a_stack_in_its_own_shape_joins_without_a_hint(tmp_path):
    text = ("2025-11-13 06:24:10  Error: boom\n"
            "2025-11-13 06:24:10      at main (/app/index.js:3:9) {\n"
            "2025-11-13 06:24:10    code: 'E1',\n"
            "2025-11-13 06:24:10    parent: error: relation \"x\" does not exist\n"
            "2025-11-13 06:24:10        at Parser.parseErrorMessage (/app/parser.js:1:1)\n"
            "2025-11-13 06:24:10  }\n")
    found, stats = read_text(tmp_path, "render.log", text)
    assert len(found) == 1 and stats.interleaved == 0


def test_templates_per_line_gives_one_row_per_hdfs_line(cli):
    result = cli("templates", str(HDFS), "--format", "csv", "--per-line")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    lines = HDFS.read_text().splitlines()
    assert sum(line.endswith(":") for line in lines) >= 10  # the shape this is about
    assert [int(row["line"]) for row in rows] == list(range(1, len(lines) + 1))


def test_a_python_frame_after_another_workers_line_is_not_glued_to_it(tmp_path):
    text = ("2025-11-13 06:24:10  Traceback (most recent call last):\n"
            '2025-11-13 06:24:10    File "/app/views.py", line 12, in get\n'
            "2025-11-13 06:24:10      rows = fetch()\n"
            "2025-11-13 06:24:10  GET /api/health 200 2 ms\n"
            '2025-11-13 06:24:10    File "/app/db.py", line 40, in fetch\n'
            "2025-11-13 06:24:10      cur.execute(sql)\n"
            "2025-11-13 06:24:10  psycopg.errors.UndefinedColumn: column \"x\" does not exist\n")
    found, stats = read_text(tmp_path, "render.log", text)
    assert messages(found)[1] == "GET /api/health 200 2 ms"
    assert messages(found)[2].startswith('  File "/app/db.py", line 40')
    assert stats.interleaved == 1
