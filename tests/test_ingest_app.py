from __future__ import annotations

import json

from analyzer.ingest.lift import lift_text_fields
from analyzer.model import format_ts
from tests.conftest import SAMPLES
from tests.ingest_support import messages, read, read_text

NODE_PG = """error: column "created_at" does not exist
    at /app/node_modules/pg/lib/client.js:535:17
    at async SessionRepo.list (/app/dist/repo/sessions.js:14:21) {
  length: 171,
  severity: 'ERROR',
  code: '42703',
  detail: undefined,
  hint: 'Perhaps you meant to reference the column "sessions.createdAt".',
  position: '8',
  routine: 'errorMissingColumn'
}"""


def test_pino_bunyan_and_winston_lines(tmp_path):
    lines = [
        {"level": 50, "time": 1763015050512, "pid": 57, "hostname": "web-1",
         "msg": "Failed to fetch session", "reqId": "r-1",
         "err": {"type": "DatabaseError", "message": "column sessions.session_id does not exist",
                 "code": "42703", "stack": "error: column sessions.session_id does not exist\n"
                                           "    at f (/a.js:1:1)"}},
        {"name": "api", "hostname": "web-1", "pid": 57, "level": 40, "msg": "slow query",
         "time": "2025-11-13T06:24:11.000Z", "v": 0},
        {"level": "error", "message": "column \"counters\" does not exist",
         "timestamp": "2025-11-13T06:24:12.5Z", "stack": "Error: column \"counters\" does not exist"
                                                         "\n    at g (/b.js:2:2)"},
        {"level": 30, "time": 1763015053000, "req": {"method": "GET", "url": "/api/health"},
         "res": {"statusCode": 200}, "msg": "request completed"},
    ]
    found, stats = read_text(tmp_path, "app.jsonl", "\n".join(json.dumps(x) for x in lines))
    assert stats.formats == {"app_json": 4}
    pino, bunyan, winston, http = found
    assert pino.level == "error" and pino.fields["code"] == "42703"
    assert pino.fields["error_name"] == "DatabaseError" and pino.fields["request_id"] == "r-1"
    assert pino.message.splitlines()[:2] == ["Failed to fetch session",
                                             "error: column sessions.session_id does not exist"]
    assert format_ts(pino.ts) == "2025-11-13T06:24:10.512Z"
    assert bunyan.level == "warning" and bunyan.service == "api"
    assert winston.level == "error" and winston.message.startswith('Error: column "counters"')
    assert (http.fields["method"], http.fields["path"], http.fields["status"]) == \
        ("GET", "/api/health", "200")


def test_raw_lines_between_json_lines_join_by_content_or_stay_plain(tmp_path):
    text = ('{"level":50,"msg":"boom"}\n    at f (/a.js:1:1)\nWarning: something odd\n'
            '{"level":30,"msg":"ok"}\n')
    found, stats = read_text(tmp_path, "app.jsonl", text)
    assert messages(found) == ["boom\n    at f (/a.js:1:1)", "Warning: something odd", "ok"]
    assert stats.unparsed == 1


def test_node_pg_inspect_block_is_one_event_with_its_fields(tmp_path):
    found, _ = read_text(tmp_path, "app.log", NODE_PG + "\nGET /health 200\n")
    assert len(found) == 2
    fields = found[0].fields
    assert fields["code"] == "42703" and fields["routine"] == "errorMissingColumn"
    assert fields["hint"] == 'Perhaps you meant to reference the column "sessions.createdAt".'
    assert fields["position"] == "8" and fields["severity"] == "ERROR"


def test_fields_lifted_from_text_shapes():
    assert lift_text_fields("SequelizeDatabaseError: column \"QuestionId\" does not exist\n"
                            "  sql: 'SELECT \"QuestionId\" FROM \"Answers\"',\n"
                            "  name: 'SequelizeDatabaseError'", {}) == {
        "statement": 'SELECT "QuestionId" FROM "Answers"', "error_name": "SequelizeDatabaseError"}
    assert lift_text_fields("PostgrestError: x { details: null, hint: null, code: 'PGRST204' }",
                            {}) == {"code": "PGRST204", "error_name": "PostgrestError"}
    assert lift_text_fields("ERROR:  column \"a\" does not exist at character 12", {}) == \
        {"position": "12"}
    kept = lift_text_fields("code: 'X'\nhint: 'y'", {"code": "42703"})
    assert kept == {"code": "42703", "hint": "y"}  # what the format said wins


def test_python_chained_traceback_with_psycopg_lines_is_one_event(tmp_path):
    found, stats = read(SAMPLES / "app" / "gunicorn-traceback.log")
    errors = [r for r in found if "Traceback" in r.message]
    assert errors and all(r.message.count("Traceback (most recent call last):") == 2
                          for r in errors)
    first = errors[0]
    assert first.message.splitlines()[0].endswith("[ERROR] Exception on /api/sessions/"
                                                  + first.message.split("/api/sessions/")[1]
                                                  .split()[0] + " [GET]")
    assert first.message.rstrip().endswith("(Background on this error at: "
                                           "https://sqlalche.me/e/20/f405)")
    assert first.fields["hint"] == 'Perhaps you meant to reference the column "sessions.sessionId".'
    assert first.fields["error_name"] == "psycopg2.errors.UndefinedColumn"
    assert first.fields["statement"].startswith("SELECT sessions.id, sessions.session_id")
    assert stats.unparsed == 0


def test_prisma_error_with_blank_lines_is_one_event(tmp_path):
    text = ("PrismaClientKnownRequestError: \n"
            "Invalid `prisma.session.findMany()` invocation:\n\n\n"
            "The column `sessions.created_at` does not exist in the current database.\n"
            "    at Xn.handleRequestError (/app/node_modules/@prisma/client/runtime/"
            "library.js:121:7315) {\n"
            "  code: 'P2022',\n"
            "  meta: { modelName: 'Session', column: 'sessions.created_at' }\n"
            "}\nnext event\n")
    found, _ = read_text(tmp_path, "p.log", text)
    assert len(found) == 2
    assert found[0].fields["code"] == "P2022" and found[0].fields["column"] == "sessions.created_at"
    assert found[0].fields["error_name"] == "PrismaClientKnownRequestError"


def test_java_style_caused_by_and_elided_frames_join(tmp_path):
    text = ("org.postgresql.util.PSQLException: ERROR: column \"x\" does not exist\n"
            "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse("
            "QueryExecutorImpl.java:2713)\n"
            "Caused by: java.net.SocketException: Connection reset\n"
            "\t... 12 more\nnext\n")
    found, _ = read_text(tmp_path, "j.log", text)
    assert len(found) == 2 and found[0].end_lineno == 4


def test_pino_sample_is_detected():
    _, stats = read(SAMPLES / "app" / "pino.jsonl")
    assert set(stats.formats) == {"app_json"}
