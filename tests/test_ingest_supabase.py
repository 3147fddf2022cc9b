from __future__ import annotations

import json

from analyzer.model import format_ts
from tests.conftest import SAMPLES
from tests.ingest_support import read, read_text

BQ_ROW = {
    "event_message": "column sessions.created_at does not exist",
    "id": "3b0e8a52-5c1d-4a9e-8f60-2d7c1a9e4b11",
    "metadata": [{"host": "db-abcdefghijklmnopqrst", "parsed": [{
        "application_name": "postgrest", "error_severity": "ERROR",
        "hint": "Perhaps you meant to reference the column \"sessions.createdAt\".",
        "query": "SELECT created_at FROM sessions", "query_pos": 52,
        "sql_state_code": "42703", "timestamp": "2025-11-13 06:24:10.512 UTC",
        "user_name": "authenticator", "database_name": "postgres"}]}],
    "timestamp": 1763015050512000}
CH_ROW = {
    "id": "a1", "timestamp": "2026-06-22T09:34:06.215000", "source": "postgres_logs",
    "event_message": "column sessions.created_at does not exist", "severity_text": "ERROR",
    "log_attributes": {"parsed.error_severity": "ERROR", "parsed.sql_state_code": "42703",
                       "parsed.hint": "Perhaps you meant to reference the column "
                                      "\"sessions.createdAt\".",
                       "parsed.user_name": "authenticator"}}
EDGE_ROW = {
    "id": "e1", "timestamp": 1763015050600000,
    "event_message": "POST | 400 | 203.0.113.7 | 8f1a2b3c4d5e6f71 | https://abcdefghijklmnopqrst"
                     ".supabase.co/rest/v1/sessions?columns=%22created_at%22 | node",
    "metadata": [{"request": [{"method": "POST", "path": "/rest/v1/sessions"}],
                  "response": [{"status_code": 400, "headers": [
                      {"proxy_status": "PostgREST; error=PGRST204"}]}]}]}
AUTH_ROW = {
    "id": "u1", "timestamp": "1763015051000000", "metadata": [{"level": "info"}],
    "event_message": json.dumps({
        "component": "api", "level": "info", "method": "GET", "path": "/user", "status": 403,
        "error": "invalid JWT: token is expired", "msg": "403: invalid JWT: token is expired",
        "request_id": "9a1f", "time": "2025-11-13T06:24:11Z"})}


def test_both_storage_generations_give_the_same_fields(tmp_path):
    found, stats = read_text(tmp_path, "x.json", json.dumps([BQ_ROW, CH_ROW], indent=2))
    assert stats.formats == {"supabase_json": 2}
    for record in found:
        assert record.fields["code"] == "42703"
        assert record.fields["user"] == "authenticator" and record.level == "error"
        assert record.message.startswith("column sessions.created_at does not exist\nHINT:  ")
    assert format_ts(found[0].ts) == "2025-11-13T06:24:10.512Z"  # µs epoch
    assert format_ts(found[1].ts) == "2026-06-22T09:34:06.215Z"  # zone-less ISO is UTC
    assert found[1].service == "postgres_logs"


def test_edge_rows_take_the_postgrest_code_from_proxy_status(tmp_path):
    found, _ = read_text(tmp_path, "x.json", json.dumps([EDGE_ROW]))
    record = found[0]
    assert record.fields["code"] == "PGRST204" and record.fields["status"] == "400"
    assert record.fields["method"] == "POST" and record.level == "warning"


def test_auth_rows_take_their_level_from_the_status_not_level(tmp_path):
    found, _ = read_text(tmp_path, "x.json", json.dumps([AUTH_ROW]))
    record = found[0]
    assert record.level == "warning" and record.fields["status"] == "403"
    assert record.message == "403: invalid JWT: token is expired"


def test_compact_copy_single_row_and_api_result_shapes(tmp_path):
    for name, text in (("compact.json", json.dumps([BQ_ROW, EDGE_ROW])),
                       ("row.json", json.dumps(BQ_ROW, indent=2) + "\n" + json.dumps(EDGE_ROW)),
                       ("api.json", json.dumps({"result": [BQ_ROW, EDGE_ROW], "error": None}))):
        found, stats = read_text(tmp_path, name, text)
        assert stats.formats == {"supabase_json": 2}, name
        assert found[0].fields["code"] == "42703", name


def test_legacy_csv_with_bom_unescaped_quotes_and_null(tmp_path):
    text = ('\ufeff"identifier","timestamp","id","event_message","error_severity","hint"\n'
            '"db-abc","1763015050512000","3b0e","column "created_at" does not exist","ERROR",'
            '"Perhaps you meant to reference the column "sessions.createdAt"."\n'
            '"db-abc","1763015051512000","3b0f","checkpoint starting: time","LOG","null"\n')
    found, stats = read_text(tmp_path, "supabase_logs.csv", text.encode("utf-8"))
    assert stats.formats == {"supabase_csv": 2} and stats.unparsed == 0
    assert found[0].message.startswith('column "created_at" does not exist')
    assert found[0].fields["hint"] == \
        'Perhaps you meant to reference the column "sessions.createdAt".'
    assert "hint" not in found[1].fields  # the literal null is no value
    assert format_ts(found[0].ts) == "2025-11-13T06:24:10.512Z"


def test_rfc_csv_with_crlf_multiline_fields_and_a_bad_row(tmp_path):
    text = ('id,timestamp,event_message,log_type,status\r\n'
            '3b0e,2026-06-22T09:34:06.215000,"column ""created_at"" does not exist",'
            'postgres,42703\r\n'
            '3b0f,2026-06-22T09:34:07.215000,"two\nlines",postgres,00000\r\n'
            'bad,row\r\n')
    found, stats = read_text(tmp_path, "x.csv", text)
    assert [r.format for r in found] == ["supabase_csv", "supabase_csv", "plain"]
    assert found[0].fields["code"] == "42703"  # Unified Logs: status is the SQLSTATE
    assert found[1].message == "two\nlines" and found[1].end_lineno == 4
    assert stats.unparsed == 1


def test_markdown_copy_blocks(tmp_path):
    block = ("## Log {n}\n\n**Timestamp:** 2025-11-13T06:24:1{n}.512Z\n\n**Message:** {msg}\n\n"
             "**Details:**\n```json\n{details}\n```")
    text = "\n\n---\n\n".join([
        block.format(n=1, msg="column sessions.created_at does not exist",
                     details=json.dumps({"metadata": BQ_ROW["metadata"]}, indent=2)),
        block.format(n=2, msg="checkpoint starting: time", details="{}")])
    found, stats = read_text(tmp_path, "copy.md", text)
    assert stats.formats == {"supabase_markdown": 2}
    assert found[0].fields["code"] == "42703" and found[0].level == "error"
    assert format_ts(found[1].ts) == "2025-11-13T06:24:12.512Z"


def test_pasted_edge_lines(tmp_path):
    text = ("GET | 400 | 203.0.113.7 | 8f1a2b3c4d5e6f70 | https://abcdefghijklmnopqrst.supabase.co"
            "/rest/v1/sessions?select=id,created_at | node\n") * 2
    found, _ = read_text(tmp_path, "edge.log", text)
    assert found[0].format == "supabase_edge" and found[0].level == "warning"
    assert found[0].fields["path"] == "/rest/v1/sessions" and found[0].fields["status"] == "400"


def test_postgrest_stderr_and_access_lines(tmp_path):
    text = ("13/Nov/2025:06:20:00 +0000: Schema cache loaded in 212.4 milliseconds\n"
            '203.0.113.7 - anon [13/Nov/2025:06:24:10 +0000] "GET /sessions?select=created_at '
            'HTTP/1.1" 400 - "" "node"\n'
            '13/Nov/2025:06:24:10 +0000: {"code":"PGRST204","details":null,"hint":null,'
            '"message":"Could not find the \'created_at\' column of \'sessions\' in the schema '
            'cache"}\n')
    found, stats = read_text(tmp_path, "pgrst.log", text)
    assert stats.formats == {"postgrest": 3}
    assert found[1].fields["status"] == "400" and found[1].fields["user"] == "anon"
    assert found[2].fields["code"] == "PGRST204"
    assert found[2].message.startswith("Could not find the 'created_at' column")
    assert format_ts(found[0].ts) == "2025-11-13T06:20:00Z"


def test_auth_json_lines(tmp_path):
    found, stats = read_text(tmp_path, "auth.jsonl", AUTH_ROW["event_message"] + "\n")
    assert stats.formats == {"supabase_auth": 1} and found[0].level == "warning"


def test_every_supabase_sample_is_detected_as_its_format():
    expected = {"logs-explorer-bigquery.json": "supabase_json",
                "logs-explorer-clickhouse.json": "supabase_json",
                "supabase_logs.csv": "supabase_csv", "unified-logs.csv": "supabase_csv",
                "copy-as-markdown.txt": "supabase_markdown", "edge-logs.log": "supabase_edge",
                "auth-logs.jsonl": "supabase_auth", "postgrest.log": "postgrest"}
    for name, fmt in expected.items():
        _, stats = read(SAMPLES / "supabase" / name)
        assert set(stats.formats) == {fmt}, name
