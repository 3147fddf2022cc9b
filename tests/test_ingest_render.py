from __future__ import annotations

import json

from analyzer.ingest.detect import detect_format
from analyzer.model import format_ts
from tests.conftest import SAMPLES
from tests.ingest_support import messages, read, read_text

SERVICE = "srv-d0abcdefghij12345678"
A, B = SERVICE + "-x7k2p", SERVICE + "-q9m4z"


def render_object(message, ts, instance=A, level="info", **labels):
    names = {"resource": SERVICE, "instance": instance, "level": level, "type": "app", **labels}
    return {"id": "8f6b3c1e-0d2a-4c5e-9b7a-1f2e3d4c5b6a",
            "labels": [{"name": k, "value": v} for k, v in names.items()],
            "message": message, "timestamp": ts}


def render_json(*objects):
    # exactly what `render logs -o json` writes: MarshalIndent, no separator, no newline
    return "".join(json.dumps(o, indent=2) for o in objects)


def test_render_text_two_spaces_then_message_with_second_timestamps(tmp_path):
    text = ("2025-11-13 06:23:41  Server listening on port 10000\n"
            "2025-11-13 06:24:10  error: column \"created_at\" does not exist\n"
            "2025-11-13 06:24:10      at /opt/render/project/src/node_modules/pg/lib/"
            "client.js:535:17\n"
            "2025-11-13 06:24:12  GET /health 200 1.2 ms - 15\n")
    found, stats = read_text(tmp_path, "r.log", text)
    assert [r.format for r in found] == ["render_text"] * 3
    assert found[1].message == (
        'error: column "created_at" does not exist\n'
        "    at /opt/render/project/src/node_modules/pg/lib/client.js:535:17")
    assert format_ts(found[1].ts) == "2025-11-13T06:24:10Z"
    assert found[1].level == "error"
    assert (stats.lines, stats.records, stats.unparsed) == (4, 3, 0)


def test_continuation_needs_time_proximity_not_just_indentation(tmp_path):
    text = ("2025-11-13 06:24:10  Config:\n"
            "2025-11-13 06:29:00      indented much later\n"
            "2025-11-13 06:29:00  next\n")
    found, _ = read_text(tmp_path, "r.log", text)
    assert messages(found) == ["Config:", "    indented much later", "next"]


def test_render_dashboard_stack_lines_out_of_order_by_microseconds_still_join(tmp_path):
    text = ("2025-11-13T06:24:10.000050Z error: column \"x\" does not exist\n"
            "2025-11-13T06:24:10.000041Z     at f (/a.js:1:1)\n")
    found, _ = read_text(tmp_path, "r.log", text)
    assert len(found) == 1 and found[0].end_lineno == 2


def test_a_platform_exit_line_never_owns_the_stack_printed_after_it(tmp_path):
    text = ("2025-11-13T19:05:20.16Z ==> Exited with status 1\n"
            "2025-11-13T19:05:19.50Z     at Module._compile "
            "(node:internal/modules/cjs/loader:1256:14)\n")
    found, _ = read_text(tmp_path, "r.log", text)
    assert len(found) == 2


def test_render_json_concatenated_objects_with_labels(tmp_path):
    data = render_json(
        render_object("Server listening on port 10000", "2025-11-13T06:23:41Z"),
        render_object('error: column "created_at" does not exist', "2025-11-13T06:24:10.51234Z",
                      level="error"),
        render_object("GET /api/sessions 500", "2025-11-13T06:24:10.6Z", type="request",
                      method="GET", path="/api/sessions", statusCode="500", host="a.onrender.com"))
    found, stats = read_text(tmp_path, "r.json", data)
    assert detect_format(data.splitlines()[:200]).name == "render_json"
    assert [r.format for r in found] == ["render_json"] * 3
    error = found[1]
    assert (error.service, error.instance, error.level) == (SERVICE, A, "error")
    assert format_ts(error.ts) == "2025-11-13T06:24:10.51234Z"
    assert error.lineno == 23 and error.end_lineno == 45
    assert dict(found[2].fields) == {"type": "request", "method": "GET", "path": "/api/sessions",
                                     "status": "500", "host": "a.onrender.com"}
    assert stats.lines == data.count("\n") + 1 and stats.unparsed == 0


def test_interleaved_instances_are_never_glued_and_each_stack_finds_its_head(tmp_path):
    data = render_json(
        render_object('error: column "created_at" does not exist', "2025-11-13T06:24:10.000001Z"),
        render_object("    at first (/a.js:1:1)", "2025-11-13T06:24:10.000003Z"),
        render_object("    at other-instance-frame (/b.js:2:2)", "2025-11-13T06:24:10.000004Z",
                      instance=B),
        render_object("    at second (/a.js:3:3)", "2025-11-13T06:24:10.000005Z"),
        render_object("GET /health 200", "2025-11-13T06:24:10.000006Z", instance=B))
    found, stats = read_text(tmp_path, "r.json", data)
    by_instance = {r.instance: r.message for r in found if "column" in r.message}
    assert by_instance[A].splitlines()[1:] == ["    at first (/a.js:1:1)",
                                               "    at second (/a.js:3:3)"]
    assert all("other-instance" not in r.message for r in found if r.instance == A)
    assert stats.records == len(found) == 3


def test_render_json_object_cut_in_the_middle_keeps_the_rest(tmp_path):
    whole = render_json(render_object("first", "2025-11-13T06:24:10Z"))
    good = render_json(render_object('error: column "c" does not exist', "2025-11-13T06:24:11Z"))
    data = whole[:120] + good + render_json(render_object("last", "2025-11-13T06:24:12Z"))[:40]
    found, stats = read_text(tmp_path, "r.json", data)
    assert [r.format for r in found] == ["plain", "render_json", "plain"]
    assert found[1].message == 'error: column "c" does not exist'
    assert stats.unparsed == 2


def test_pino_json_inside_a_render_line_is_parsed_twice(tmp_path):
    pino = {"level": 50, "time": 1763015050512, "pid": 57, "hostname": "x",
            "msg": "Failed to fetch session",
            "err": {"type": "DatabaseError", "message": "column sessions.session_id does not exist",
                    "code": "42703", "hint": 'Perhaps you meant "sessions.sessionId".',
                    "stack": "error: column sessions.session_id does not exist\n"
                             "    at f (/a.js:1:1)"}}
    found, _ = read_text(tmp_path, "r.log", f"2025-11-13 06:24:10  {json.dumps(pino)}\n")
    record = found[0]
    assert record.format == "render_text" and record.level == "error"
    assert record.message.splitlines()[:2] == ["Failed to fetch session",
                                               "error: column sessions.session_id does not exist"]
    assert record.fields["code"] == "42703" and record.fields["error_name"] == "DatabaseError"
    assert format_ts(record.ts) == "2025-11-13T06:24:10Z"  # Render's stamp is kept


def test_render_yaml_without_document_separators(tmp_path):
    text = ("id: a1\nlabels:\n    - name: instance\n      value: " + A + "\n"
            "    - name: level\n      value: error\n"
            "message: 'error: column \"created_at\" does not exist'\n"
            "timestamp: 2025-11-13T06:24:10.51234Z\n"
            "id: a2\nlabels:\n    - name: instance\n      value: " + A + "\n"
            "message: |-\n    two\n    lines\ntimestamp: 2025-11-13T06:24:11Z\n")
    found, stats = read_text(tmp_path, "r.log", text)
    assert [r.format for r in found] == ["render_yaml", "render_yaml"]
    assert found[0].message == 'error: column "created_at" does not exist'
    assert found[0].instance == A and found[0].level == "error"
    assert found[1].message == "two\nlines" and found[1].lineno == 9
    assert stats.records == 2


def test_rfc5424_log_stream_level_from_pri(tmp_path):
    text = ("<14>1 2025-11-13T06:24:10.512Z acme-api web " + A + " " + SERVICE + " - GET / 200\n"
            "<11>1 2025-11-13T06:24:10.513-08:00 acme-api web " + A + " " + SERVICE +
            " [meta a=\"1\"] error: column \"created_at\" does not exist\n")
    found, _ = read_text(tmp_path, "s.log", text)
    assert [r.level for r in found] == ["info", "error"]
    assert found[1].message == 'error: column "created_at" does not exist'
    assert found[1].service == "acme-api" and found[1].instance == A
    assert format_ts(found[1].ts) == "2025-11-13T14:24:10.513Z"


def test_every_render_sample_is_detected_as_its_format():
    expected = {"render-text.log": "render_text", "render-json.json": "render_json",
                "render-yaml.yaml.log": "render_yaml", "log-stream.log": "render_syslog",
                "render-text-pino.log": "render_text"}
    for name, fmt in expected.items():
        _, stats = read(SAMPLES / "render" / name)
        assert set(stats.formats) == {fmt}, name


def test_platform_lines_get_a_level_from_what_they_say(tmp_path):
    text = ("2025-11-13T06:20:00Z ==> Deploying...\n"
            "2025-11-13T06:21:00Z ==> No open ports detected, continuing to scan...\n"
            "2025-11-13T06:22:00Z ==> Exited with status 1\n")
    found, _ = read_text(tmp_path, "r.log", text)
    assert [r.level for r in found] == ["info", "warning", "error"]


def test_a_pipe_that_delivers_one_line_at_a_time_is_still_detected():
    from analyzer.ingest import _head_blocks
    from analyzer.ingest.detect import detect_format, head_lines

    data = render_json(*(render_object(f"line {i}", f"2025-11-13T06:24:{i:02d}Z")
                         for i in range(10))).encode()
    one_line_blocks = iter(data.splitlines(keepends=True))
    head = _head_blocks(one_line_blocks)
    assert len(head) == 50  # waited for enough lines instead of sniffing `{` alone
    assert detect_format(head_lines(b"".join(head))).name == "render_json"


def test_render_json_compacted_by_jq_or_in_an_array_is_still_render_json(tmp_path):
    objects = [render_object(f"line {i}", f"2025-11-13T06:24:{i:02d}Z") for i in range(3)]
    for name, text in (("jq.json", "\n".join(json.dumps(o) for o in objects)),
                       ("array.json", json.dumps(objects, indent=2))):
        found, stats = read_text(tmp_path, name, text)
        assert stats.formats == {"render_json": 3}, name
        assert [r.message for r in found] == ["line 0", "line 1", "line 2"], name
