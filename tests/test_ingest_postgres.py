from __future__ import annotations

import pytest

from analyzer.model import format_ts
from tests.ingest_support import read_text

ERROR = 'column "created_at" does not exist at character 8'
HINT = 'Perhaps you meant to reference the column "sessions.createdAt".'


@pytest.mark.parametrize(("prefix", "expected"), [
    ("2025-11-13 06:24:10.512 UTC [4242] ", {"pid": "4242"}),
    ("2025-11-13 06:24:10.512 UTC [4242] app@prod ",
     {"pid": "4242", "user": "app", "database": "prod"}),
    ("172.18.0.6 2025-11-13 06:24:10.512 UTC [4242] authenticator@postgres ",
     {"pid": "4242", "user": "authenticator", "database": "postgres", "host": "172.18.0.6"}),
    ("2025-11-13 06:24:10 UTC:10.0.1.17(51544):app@prod:[4242]:",
     {"pid": "4242", "user": "app", "database": "prod", "host": "10.0.1.17"}),
    ("2025-11-13 06:24:10.512 UTC [4242-1] app=psql,user=app,db=prod ",
     {"pid": "4242", "application_name": "psql"}),
])
def test_stderr_prefix_pieces_are_recognised_whatever_the_log_line_prefix(tmp_path, prefix,
                                                                           expected):
    text = f"{prefix}ERROR:  {ERROR}\n{prefix}HINT:  {HINT}\n"
    found, stats = read_text(tmp_path, "pg.log", text * 3)
    assert len(found) == 3 and stats.formats == {"postgres": 3}
    record = found[0]
    assert record.message == f"{ERROR}\nHINT:  {HINT}"
    assert record.fields["hint"] == HINT and record.fields["severity"] == "ERROR"
    assert record.level == "error" and record.fields["position"] == "8"
    for name, value in expected.items():
        assert record.fields[name] == value, name
    assert format_ts(record.ts).startswith("2025-11-13T06:24:10")


def test_detail_lines_of_a_pid_join_its_error_across_other_backends_lines(tmp_path):
    text = ("2025-11-13 06:24:10.512 UTC [4242] ERROR:  column sessions.session_id does not exist\n"
            "2025-11-13 06:24:10.512 UTC [4250] LOG:  checkpoint starting: time\n"
            "2025-11-13 06:24:10.512 UTC [4242] HINT:  Perhaps you meant \"sessions.sessionId\".\n"
            "2025-11-13 06:24:10.512 UTC [4242] STATEMENT:  SELECT session_id, user_id\n"
            "\tFROM sessions WHERE user_id = $1\n"
            "2025-11-13 06:24:12.003 UTC [4250] ERROR:  relation \"user_profiles\" does not exist\n"
            "2025-11-13 06:24:12.003 UTC [4250] STATEMENT:  SELECT * FROM user_profiles\n")
    found, stats = read_text(tmp_path, "pg.log", text)
    assert [(r.lineno, r.end_lineno) for r in found] == [(1, 5), (2, 2), (6, 7)]
    assert found[0].fields["statement"] == \
        "SELECT session_id, user_id\nFROM sessions WHERE user_id = $1"
    assert found[0].fields["hint"] == 'Perhaps you meant "sessions.sessionId".'
    assert found[1].message == "checkpoint starting: time"
    assert found[2].fields["statement"] == "SELECT * FROM user_profiles"
    assert (stats.lines, stats.records, stats.unparsed) == (7, 3, 0)


def test_verbose_errors_give_the_sqlstate(tmp_path):
    text = "2025-11-13 06:24:10.512 UTC [42] ERROR:  42703: column \"x\" does not exist\n" \
           "2025-11-13 06:24:10.512 UTC [42] LOCATION:  errorMissingColumn, parse_relation.c:3722\n"
    found, _ = read_text(tmp_path, "pg.log", text)
    assert found[0].fields["code"] == "42703"
    assert found[0].message.startswith('column "x" does not exist')
    assert found[0].fields["location"].startswith("errorMissingColumn")


def test_non_session_lines_starting_with_a_space_are_still_parsed(tmp_path):
    text = " 2025-11-13 06:25:00.001 UTC [27] LOG:  checkpoint starting: time\n" * 2
    found, stats = read_text(tmp_path, "pg.log", text)
    assert stats.formats == {"postgres": 2} and found[0].fields["pid"] == "27"


CSV_ERROR = (
    '2025-11-13 06:24:10.512 UTC,"authenticator","postgres",4242,"10.0.1.17:51544",'
    '6734a1b2.1092,5,"SELECT",2025-11-13 06:24:01 UTC,12/3381,0,ERROR,42703,'
    '"column sessions.created_at does not exist",,"Perhaps you meant to reference the column '
    '""sessions.createdAt"".",,,,"SELECT sessions.created_at\nFROM sessions",8,,"postgrest",'
    '"client backend",,0\n')
CSV_LOG = ('2025-11-13 06:24:11.000 UTC,,,27,,6734a1b2.1b,1,,2025-11-13 06:24:01 UTC,,0,LOG,'
           '00000,"checkpoint starting: time",,,,,,,,,"","checkpointer",,0\n')


def test_csvlog_records_span_lines_and_columns_become_fields(tmp_path):
    found, stats = read_text(tmp_path, "pg.csv", CSV_ERROR + CSV_LOG)
    assert [r.format for r in found] == ["postgres_csv", "postgres_csv"]
    error = found[0]
    assert (error.lineno, error.end_lineno) == (1, 2)
    assert error.fields["code"] == "42703"
    assert error.fields["hint"] == 'Perhaps you meant to reference the column "sessions.createdAt".'
    assert error.fields["statement"] == "SELECT sessions.created_at\nFROM sessions"
    assert {k: error.fields[k] for k in ("user", "database", "pid", "host", "application_name")} \
        == {"user": "authenticator", "database": "postgres", "pid": "4242",
            "host": "10.0.1.17", "application_name": "postgrest"}
    assert error.message.splitlines()[0] == "column sessions.created_at does not exist"
    assert (stats.lines, stats.records) == (3, 2)


def test_csvlog_row_with_a_wrong_column_count_is_kept_as_plain(tmp_path):
    found, stats = read_text(tmp_path, "pg.csv", CSV_ERROR + "2025-11-13,too,few\n" + CSV_LOG)
    assert [r.format for r in found] == ["postgres_csv", "plain", "postgres_csv"]
    assert stats.unparsed == 1 and found[1].message == "2025-11-13,too,few"


def test_csvlog_of_older_versions_with_fewer_columns(tmp_path):
    pg12 = CSV_LOG.rsplit(',"checkpointer",,0', 1)[0] + "\n"  # 23 columns
    found, stats = read_text(tmp_path, "pg.csv", CSV_ERROR + pg12)
    assert stats.formats == {"postgres_csv": 2}
    assert found[1].message == "checkpoint starting: time"


def test_jsonlog_keys_become_fields(tmp_path):
    line = ('{"timestamp":"2025-11-13 06:24:10.512 UTC","user":"app","dbname":"prod","pid":4242,'
            '"remote_host":"10.0.1.17","error_severity":"ERROR","state_code":"42703",'
            '"message":"column \\"created_at\\" does not exist","hint":"Perhaps you meant '
            'to reference the column \\"sessions.createdAt\\".","statement":"SELECT created_at '
            'FROM sessions","cursor_position":8,"application_name":"node-postgres"}\n')
    found, stats = read_text(tmp_path, "pg.json", line * 2)
    assert stats.formats == {"postgres_json": 2}
    record = found[0]
    assert record.fields["code"] == "42703" and record.fields["database"] == "prod"
    assert record.fields["statement"] == "SELECT created_at FROM sessions"
    assert record.fields["position"] == "8" and record.level == "error"
    assert record.message.splitlines()[0] == 'column "created_at" does not exist'
