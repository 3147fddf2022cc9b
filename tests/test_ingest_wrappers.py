import json
import re

import pytest

from analyzer.ingest import FORMATS
from analyzer.ingest.detect import detect_format
from tests.conftest import SAMPLES
from tests.ingest_support import read, read_text

PG = SAMPLES / "postgres"


def _errors(records):
    return [r for r in records if r.level == "error"]


_CHUNK = re.compile(r"postgres\[(\d+)\]: \[(\d+)-(\d+)\]")


def test_syslog_chunks_of_one_pid_and_seq_are_one_event_whatever_comes_between(tmp_path):
    lines = (PG / "syslog.log").read_text().splitlines()
    keys = [_CHUNK.search(line).groups() for line in lines]
    # the continuation chunks of the multi-line statement come after another backend's error
    pid, seq = next((k[0], k[1]) for k, line in zip(keys, lines, strict=True) if "#011" in line)
    moved = [i for i, k in enumerate(keys) if (k[0], k[1]) == (pid, seq) and k[2] != "1"]
    other = max(i for i, k in enumerate(keys) if k[0] != pid and k[2] == "1")
    order = [i for i in range(len(lines)) if i not in moved]
    at = order.index(other) + 1
    order[at:at] = moved
    records, stats = read_text(tmp_path, "pg.log", "\n".join(lines[i] for i in order) + "\n")
    assert stats.formats == {"postgres_syslog": 7}
    statement = next(r for r in records if "created_at" in r.message).fields["statement"]
    assert statement == "select id,\n\tcreated_at\n\tfrom accounts;"
    assert all("created_at" not in r.message for r in records if "nope" in r.message)


def test_syslog_records_carry_the_process_id_and_the_time_of_the_header():
    text = (PG / "syslog.log").read_text()
    records, _ = read(PG / "syslog.log")
    error = next(r for r in records if "sessions" in r.message)
    assert f"postgres[{error.fields['pid']}]: " in text and error.fields["user"] == "postgres"
    assert error.ts is not None and error.format == "postgres_syslog"
    assert error.fields["database"] == "postgres" and error.fields["application_name"] == "psql"


def test_bsd_syslog_time_without_a_year_is_no_time():
    records, _ = read(PG / "syslog-bsd.log")
    assert len(_errors(records)) == 7 and all(r.ts is None for r in _errors(records))


def test_heroku_sql_error_code_is_the_code_of_every_error():
    records, stats = read(PG / "heroku.log")
    errors = _errors(records)
    assert [r.fields["code"] for r in errors] == ["42703", "23505", "42P01", "23514", "22P02",
                                                  "42P01", "42703"]
    assert all(r.service == "DATABASE" for r in errors)
    assert errors[1].fields["detail"] == "Key (id)=(1) already exists."
    assert stats.formats == {"heroku_postgres": 7}


def test_heroku_logs_of_other_dynos_are_read_between_the_database_lines(tmp_path):
    text = ('2026-12-01T16:59:17.300000+00:00 heroku[router]: at=info method=GET path="/" '
            'status=200 bytes=150\n'
            "2026-12-01T16:59:17.320000+00:00 app[web.1]: Error: boom\n"
            "2026-12-01T16:59:17.320000+00:00 app[web.1]:     at main (/app/index.js:3:9)\n"
            + (PG / "heroku.log").read_text())
    records, stats = read_text(tmp_path, "heroku.log", text)
    assert stats.unparsed == 0 and set(stats.formats) == {"heroku_postgres"}
    web = next(r for r in records if r.instance == "web.1")
    assert web.message == "Error: boom\n    at main (/app/index.js:3:9)"
    assert len(_errors(records)) == 8


def test_percent_e_in_the_prefix_gives_the_code_of_every_error():
    records, _ = read(PG / "stderr-sqlstate-prefix.log")
    assert [r.fields.get("code") for r in _errors(records)] == [
        "42703", "23505", "42P01", "23514", "22P02"]


def test_docker_compose_services_are_instances_and_their_blocks_never_glue():
    records, stats = read(PG / "docker-compose.log")
    assert stats.unparsed == 0
    node = next(r for r in records if "ECONNREFUSED" in r.message)
    assert node.instance == "api-1" and node.message.endswith("port: 5432\n}")
    assert "accounts" not in node.message
    pg = next(r for r in records if "created_at" in r.message)
    assert pg.instance == "supabase_db_acme" and pg.format == "docker_compose"
    assert pg.fields["statement"].endswith("from accounts;") and "ECONN" not in pg.message
    assert pg.raw.startswith("supabase_db_acme    | 2026-")
    rest = next(r for r in records if r.format == "postgrest")  # a line another format claimed
    assert rest.instance == "supabase_rest_acme"


def test_docker_compose_timestamps_are_the_time_of_lines_without_one(tmp_path):
    text = ("web-1  | 2025-11-13T06:24:10.512345678Z Error: boom\n"
            "web-1  | 2025-11-13T06:24:10.512400000Z     at main (/app/index.js:3:9)\n")
    records, _ = read_text(tmp_path, "c.log", text)
    assert len(records) == 1 and records[0].ts == 1763015050512345678
    assert records[0].message == "Error: boom\n    at main (/app/index.js:3:9)"


@pytest.mark.parametrize("text", [
    "INFO  | server started\nERROR | request failed\nINFO  | done\n",
    "a | b | c\nd | e | f\n",
    "2025-11-13 | ERROR | boom\n2025-11-14 | INFO | ok\n",
])
def test_pipe_separated_text_is_no_docker_compose(text):
    assert detect_format(text.splitlines()).name != "docker_compose"


def test_gcloud_entries_one_per_line_read_like_the_array(tmp_path):
    entries = json.loads((PG / "gcloud-cloudsql.json").read_text())
    lines = "\n".join(json.dumps(e) for e in entries) + "\n"
    as_lines, line_stats = read_text(tmp_path, "sink.json", lines)
    as_array, _ = read(PG / "gcloud-cloudsql.json")
    assert [r.message for r in as_lines] == [r.message for r in as_array]
    assert line_stats.formats["gcloud_logging"] == 5
    error = next(r for r in as_lines if "created_at" in r.message)
    assert error.service == "acme-prod:acme-db"
    assert f"[{error.fields['pid']}]: [1-1]" in (PG / "gcloud-cloudsql.json").read_text()
    assert error.fields["statement"] == "select id,\n\tcreated_at\n\tfrom accounts;"
    app = next(r for r in as_lines if "ECONNREFUSED" in r.message)
    assert app.level == "error" and app.fields["code"] == "ECONNREFUSED"


def test_cnpg_records_are_csvlog_records_of_their_pod():
    records, _ = read(PG / "cnpg.jsonl")
    error = next(r for r in records if "sessions" in r.message)
    assert error.instance == "pg-acme-1" and error.fields["code"] == "42P01"
    assert error.level == "error" and error.ts is not None
    assert records[0].level == "info" and "still down" in records[0].message


def test_csvlog_with_every_field_quoted_is_csvlog():
    head = (PG / "csvlog-quoted.csv").read_text().splitlines()
    assert detect_format(head).name == "postgres_csv"
    records, _ = read(PG / "csvlog-quoted.csv")
    assert [r.fields["code"] for r in records] == ["42703", "23505", "42P01", "23514", "22P02"]
    assert all(r.ts is not None for r in records)


@pytest.mark.parametrize("name", ["docker_compose", "gcloud_logging", "postgres_syslog",
                                  "heroku_postgres", "cnpg"])
def test_each_wrapper_is_registered(name):
    assert name in FORMATS
