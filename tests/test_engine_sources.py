"""Engine sources on real embedded engines: every sample log written as Parquet and JSON by
the test, scanned through DuckDB (parquet:, json:, a duckdb:/// database) and embedded
ClickHouse (chdb:), gives the incidents a file scan of the same events gives."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analyzer.engines import Transfer
from analyzer.pipeline import analysis_session, analyze, read_engine_source
from analyzer.report.jsonout import report_dict
from analyzer.settings import Settings
from tests.conftest import SAMPLES
from tests.engine_support import all_records, incident_view, write_jsonl, write_parquet
from tests.test_samples import expectation_for, sample_logs

LOGS = sample_logs()


def _settings(log: Path) -> Settings:
    expected = expectation_for(log) or {}
    return Settings(schemas=tuple(str(log.parent / s) for s in expected.get("schema", [])))


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[Path, tuple[Path, Path]]:
    """Per sample log: its events as Parquet and JSON lines (written once per module)."""
    root = tmp_path_factory.mktemp("engines")
    written = {}
    for i, log in enumerate(LOGS):
        records = all_records(log)
        written[log] = (write_parquet(records, root / f"{i}.parquet"),
                        write_jsonl(records, root / f"{i}.jsonl"))
    return written


@pytest.fixture(scope="module")
def file_views() -> dict[Path, dict]:
    return {log: incident_view(report_dict(analyze([str(log)], _settings(log))), str(log))
            for log in LOGS}


@pytest.mark.parametrize("engine", ["parquet", "json", "chdb"])
@pytest.mark.parametrize("log", LOGS, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_engine_scan_finds_what_a_file_scan_finds(log, engine, tables, file_views):
    parquet, jsonl = tables[log]
    url = {"parquet": f"parquet:{parquet}", "json": f"json:{jsonl}",
           "chdb": f"chdb:{parquet}"}[engine]
    report = report_dict(analyze([url], _settings(log)))
    assert not [p for p in report.get("problems", []) if p.get("fatal")]
    assert incident_view(report, url) == file_views[log]


def test_a_duckdb_database_table_and_what_came_back(tables, tmp_path):
    log = SAMPLES / "seed" / "render.log"
    database = tmp_path / "logs.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(f"CREATE TABLE app_logs AS SELECT lineno, ts AS event_time, service, "
                    f"message AS body, fields FROM read_parquet('{tables[log][0]}')")
    url = f"duckdb:///{database}?table=app_logs&message=body&time=event_time"
    session = analysis_session([], Settings())
    transfer = Transfer()
    read_engine_source(session, url, transfer=transfer)
    report = report_dict(session.report())
    expected = report_dict(analyze([str(log)]))
    assert [(i["id"], i["count"], i["first_seen"]) for i in report["incidents"]] == \
        [(i["id"], i["count"], i["first_seen"]) for i in expected["incidents"]]
    records = len(all_records(log))
    # the engine prefiltered: only the candidates came back, and the table's size is known
    assert transfer.rows_total == records == report["input"]["lines"]
    assert 0 < transfer.rows_back == report["input"]["records"] < records
    assert transfer.bytes_back > 0


def test_bad_engine_sources_are_one_line_problems(cli, tmp_path, tables):
    parquet = tables[SAMPLES / "seed" / "render.log"][0]
    cases = {
        f"parquet:{tmp_path}/none-*.parquet": "parquet:",
        f"parquet:{parquet}?message=nope": "message=nope: no such column",
        f"duckdb:///{tmp_path}/x.duckdb": "needs ?table=NAME",
        "clickhouse://default:s3cret@127.0.0.1:1/db?table=logs": "cannot open",
    }
    for url, wanted in cases.items():
        result = cli("scan", url, str(SAMPLES / "seed" / "render.log"), "-f", "json")
        assert result.exit_code == 2, (url, result.stderr)
        lines = [line for line in result.stderr.splitlines() if wanted in line]
        assert lines, (url, result.stderr)
        assert "Traceback" not in result.stderr and "s3cret" not in result.stderr
        # the file beside it was still analysed
        assert '"incidents": [' in result.stdout and '"count"' in result.stdout
