# ruff: noqa: E501 - the log lines it writes are as long as real ones
# Generates the per-format samples (samples/render, samples/postgres, samples/supabase,
# samples/app) and their expectation sidecars from one scenario: the seed incident
# (a Sequelize + supabase-js service on Render, its Supabase Postgres) as each log shape shows
# it. Deterministic; run from the repository root:
#   python benchmarks/generate_format_samples.py
# The expectations are the generator's own ground truth (how many of each error it wrote), not
# what the analyzer happens to report. Layouts follow ../shared/reference/formats.md.
import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "samples"
START_NS = int(datetime(2025, 11, 13, 6, 20, tzinfo=UTC).timestamp()) * 10**9
SCHEMA = "../seed/init.sql"
SERVICE = "srv-d4c0unse1ingapi0001"
INSTANCES = (SERVICE + "-x7k2p", SERVICE + "-q9m4z")
REF = "xyzcompanyref0000000"


def iso(ns, digits=9, zone="Z"):
    seconds, frac = divmod(ns, 10**9)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{frac:09d}"[:digits].rstrip("0") if digits else ""
    return text + ("." + fraction if fraction else "") + zone


def pg_time(ns, millis=True):
    seconds, frac = divmod(ns, 10**9)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{frac // 10**6:03d}" if millis else "") + " UTC"


# -- the application (Render) side -----------------------------------------------------------


@dataclass
class AppEvent:
    ts: int
    lines: list
    instance: str = INSTANCES[0]
    error: tuple = ()  # (rule, entities) the event must produce
    pino: dict = field(default_factory=dict)  # the same event as a pino object


PGRST204 = (
    "postgrest.column_not_in_schema_cache",
    (("column", "created_at"), ("table", "sessions")),
)
SESSION_ID = ("postgres.undefined_column", (("column", "session_id"), ("table", "sessions")))
REPORT_ID = ("postgres.undefined_column", (("column", "reportId"),))
COUNTERS = ("postgres.undefined_column", (("column", "counters"),))
CREATED_AT_INSERT = ("postgres.undefined_column", (("column", "created_at"), ("table", "sessions")))

FRAMES = [
    "    at SessionService.getSession (/opt/render/project/src/services/sessionService.js:72:15)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "    at async Socket.<anonymous> (/opt/render/project/src/websocket/handlers.js:58:27)",
]


def app_events(rnd, count):
    events, ns = [], START_NS

    def step(low=0.05, high=2.0):
        nonlocal ns
        ns += int(rnd.uniform(low, high) * 10**9)
        return ns

    for line in (
        "==> Deploying...",
        "==> Running 'node src/server.js'",
        "✅ Database connection established (Sequelize, postgres dialect)",
        "🚀 Server running on port 10000",
        "==> Your service is live 🎉",
    ):
        events.append(AppEvent(step(0.3, 2), [line]))
    errors = (
        [PGRST204] * 5
        + [SESSION_ID] * 4
        + [REPORT_ID] * 3
        + [COUNTERS] * 3
        + [("relation", ())] * 2
    )
    slots = sorted(rnd.sample(range(12, count), len(errors)))
    plan = dict(zip(slots, rnd.sample(errors, len(errors)), strict=False))
    for index in range(count):
        instance = INSTANCES[rnd.random() < 0.4]
        if index in plan:
            events.append(error_event(plan[index], step(), rnd))
            continue
        r, millis = rnd.random(), f"{rnd.uniform(0.8, 45):.3f}"
        if r < 0.4:
            line, res = f"GET /api/health 200 {millis} ms - 15", ("GET", "/api/health", 200)
        elif r < 0.65:
            line, res = (
                f"GET /api/users/me 200 {millis} ms - {rnd.randint(180, 420)}",
                ("GET", "/api/users/me", 200),
            )
        elif r < 0.8:
            line, res = (
                f"POST /api/messages 201 {millis} ms - {rnd.randint(40, 90)}",
                ("POST", "/api/messages", 201),
            )
        elif r < 0.9:
            line, res = (
                f"💓 heartbeat: {rnd.randint(1, 9)} sockets open, rss={rnd.randint(88, 140)}MB",
                None,
            )
        else:
            line, res = (
                'Executing (default): SELECT "id", "sessionId" FROM "sessions" WHERE '
                f"\"userId\" = 'user_{rnd.randint(1000, 9999)}';",
                None,
            )
        pino = (
            {"msg": line}
            if res is None
            else {
                "req": {"id": rnd.randint(1, 99999), "method": res[0], "url": res[1]},
                "res": {"statusCode": res[2]},
                "responseTime": float(millis),
                "msg": "request completed",
            }
        )
        events.append(AppEvent(step(), [line], instance, pino=pino))
    return events


def error_event(kind, ns, rnd):
    if kind == PGRST204:
        return AppEvent(
            ns,
            [
                "❌ Failed to create session in Supabase:",
                "    Could not find the 'created_at' column of 'sessions' in the schema cache",
            ],
            error=kind,
            pino={
                "msg": "Failed to create session in Supabase",
                "err": {
                    "type": "PostgrestError",
                    "code": "PGRST204",
                    "details": None,
                    "hint": None,
                    "message": "Could not find the 'created_at' column of 'sessions' in the schema cache",
                },
            },
        )
    if kind == SESSION_ID:
        return AppEvent(
            ns,
            [
                "❌ [CRITICAL] Failed to fetch session from Supabase:",
                "    Error: column sessions.session_id does not exist",
                *FRAMES,
            ],
            error=kind,
            pino={
                "msg": "Failed to fetch session from Supabase",
                "err": {
                    "type": "DatabaseError",
                    "code": "42703",
                    "message": "column sessions.session_id does not exist",
                    "hint": 'Perhaps you meant to reference the column "sessions.sessionId".',
                    "stack": "error: column sessions.session_id does not exist\n"
                    + "\n".join(FRAMES),
                },
            },
        )
    if kind == REPORT_ID:
        lines = [
            'error: column "reportId" does not exist',
            "    at /opt/render/project/src/node_modules/pg/lib/client.js:535:17",
            "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
            "    at async ReportService.attach (/opt/render/project/src/services/reportService.js:31:9) {",
            "  length: 107,",
            "  severity: 'ERROR',",
            "  code: '42703',",
            "  detail: undefined,",
            "  hint: undefined,",
            f"  position: '{rnd.randint(20, 60)}',",
            "  schema: undefined,",
            "  table: undefined,",
            "  column: undefined,",
            "  file: 'parse_relation.c',",
            "  line: '3722',",
            "  routine: 'errorMissingColumn'",
            "}",
        ]
        return AppEvent(
            ns,
            lines,
            error=kind,
            pino={
                "msg": "attach report failed",
                "err": {
                    "type": "DatabaseError",
                    "code": "42703",
                    "message": 'column "reportId" does not exist',
                    "routine": "errorMissingColumn",
                    "stack": "\n".join(lines[:4]).rstrip(" {"),
                },
            },
        )
    if kind == COUNTERS:
        return AppEvent(
            ns,
            ['❌ column "counters" does not exist'],
            error=kind,
            pino={"msg": 'column "counters" does not exist', "err": {"code": "42703"}},
        )
    lines = [
        '❌ Error loading active session: SequelizeDatabaseError: relation "counseling_sessions" does not exist',
        "    at Query.formatError (/opt/render/project/src/node_modules/sequelize/lib/dialects/postgres/query.js:386:16)",
        "    at async SessionService.getActiveSession (/opt/render/project/src/services/sessionService.js:41:21)",
    ]
    return AppEvent(
        ns,
        lines,
        pino={
            "msg": "Error loading active session",
            "err": {
                "type": "SequelizeDatabaseError",
                "code": "42P01",
                "message": 'relation "counseling_sessions" does not exist',
                "stack": "\n".join(lines[1:]),
            },
        },
    )


def physical_lines(events, rnd, interleave):
    """(ns, instance, text) per physical line; Render stamps each line, microseconds apart.
    With interleave, the other instance's next line lands inside a multi-line event."""
    out, pending = [], []
    for event in events:
        at = event.ts
        for text in event.lines:
            out.append((at, event.instance, text))
            at += rnd.randint(2, 9) * 1000
        if interleave and len(event.lines) > 2:
            other = INSTANCES[event.instance == INSTANCES[0]]
            pending.append(
                (event.ts + 3500, other, f"GET /api/health 200 {rnd.uniform(1, 9):.3f} ms - 15")
            )
    return sorted(out + pending, key=lambda item: item[0])


def render_text(lines):
    return "".join(f"{iso(ns, 0, '').replace('T', ' ')}  {text}\n" for ns, _, text in lines)


def render_object(ns, instance, text, index):
    level = "error" if any(w in text for w in ("❌", "error", "Error")) else "info"
    return {
        "id": f"{index:08x}-0d2a-4c5e-9b7a-1f2e3d4c5b6a",
        "labels": [
            {"name": "resource", "value": SERVICE},
            {"name": "instance", "value": instance},
            {"name": "level", "value": level},
            {"name": "type", "value": "app"},
        ],
        "message": text,
        "timestamp": iso(ns),
    }


def render_json(lines):
    return "".join(
        json.dumps(render_object(ns, inst, text, i), indent=2, ensure_ascii=False)
        for i, (ns, inst, text) in enumerate(lines)
    )


def yaml_scalar(text):
    if (
        text == ""
        or text[0] in " '\"{[&*!|>%@`#-?:,]}"
        or ": " in text
        or " #" in text
        or text.endswith(":")
    ):
        return "'" + text.replace("'", "''") + "'"
    return text


def render_yaml(lines):
    out = []
    for i, (ns, inst, text) in enumerate(lines):
        obj = render_object(ns, inst, text, i)
        out.append(f"id: {obj['id']}\nlabels:\n")
        for label in obj["labels"]:
            out.append(f"    - name: {label['name']}\n      value: {label['value']}\n")
        out.append(f"message: {yaml_scalar(text)}\ntimestamp: {obj['timestamp']}\n")
    return "".join(out)


def render_syslog(lines):
    out = []
    for ns, inst, text in lines:
        pri = 8 + (3 if any(w in text for w in ("❌", "error", "Error")) else 6)
        out.append(f"<{pri}>1 {iso(ns, 6)} counseling-api web {inst} {SERVICE} - {text}\n")
    return "".join(out)


def render_text_with_pino(events, rnd):
    """render logs text where some app lines are pino JSON (parsed twice)."""
    out = []
    for event in events:
        if (
            (event.error == SESSION_ID
            and rnd.random() < 0.5)
            or (event.pino and rnd.random() < 0.1 and not event.error)
        ):
            obj = {
                "level": 50 if event.error else 30,
                "time": event.ts // 10**6,
                "pid": 57,
                "hostname": event.instance,
                **event.pino,
            }
            out.append((event.ts, event.instance, json.dumps(obj, ensure_ascii=False)))
        else:
            out.extend((event.ts + k * 1000, event.instance, t) for k, t in enumerate(event.lines))
    return out


def app_pino(events):
    out = []
    for event in events:
        if not event.pino:
            continue
        obj = {
            "level": 50 if event.error or "err" in event.pino else 30,
            "time": event.ts // 10**6,
            "pid": 57,
            "hostname": event.instance,
            "name": "counseling-api",
            **event.pino,
        }
        out.append(json.dumps(obj, ensure_ascii=False))
    return "\n".join(out) + "\n"


# -- the database side ------------------------------------------------------------------------


@dataclass
class PgEvent:
    ts: int
    pid: int
    severity: str
    message: str
    code: str = "00000"
    user: str = ""
    db: str = ""
    app: str = ""
    host: str = ""
    hint: str = ""
    detail: str = ""
    statement: str = ""
    position: str = ""
    error: tuple = ()


INSERT_SQL = (
    'INSERT INTO "sessions" ("id","session_id","user_id","counselor_id","status",'
    '"started_at","created_at","updated_at")\n\tVALUES (DEFAULT,$1,$2,$3,$4,$5,$6,$7) '
    'RETURNING "id","session_id","user_id","counselor_id","status","started_at",'
    '"ended_at","duration","counters","emotions_data","created_at","updated_at";'
)


def pg_events(rnd, count):
    events, ns = [], START_NS
    errors = (
        [CREATED_AT_INSERT] * 4
        + [SESSION_ID] * 4
        + [REPORT_ID] * 2
        + [COUNTERS] * 2
        + [("relation", ())] * 2
    )
    slots = sorted(rnd.sample(range(5, count), len(errors)))
    plan = dict(zip(slots, rnd.sample(errors, len(errors)), strict=False))
    for index in range(count):
        ns += int(rnd.uniform(0.05, 3) * 10**9)
        pid = rnd.choice((4242, 4250, 4263, 4277))
        session = dict(user="authenticator", db="postgres", app="postgrest", host="10.0.1.17")
        kind = plan.get(index)
        if kind == CREATED_AT_INSERT:
            events.append(
                PgEvent(
                    ns,
                    pid,
                    "ERROR",
                    'column "created_at" of relation "sessions" does not exist',
                    "42703",
                    statement=INSERT_SQL,
                    position="91",
                    error=kind,
                    **dict(session, user="postgres", app="counseling-api"),
                )
            )
        elif kind == SESSION_ID:
            events.append(
                PgEvent(
                    ns,
                    pid,
                    "ERROR",
                    "column sessions.session_id does not exist",
                    "42703",
                    hint='Perhaps you meant to reference the column "sessions.sessionId".',
                    statement='WITH pgrst_source AS ( SELECT "public"."sessions"."session_id" '
                    'FROM "public"."sessions" WHERE "public"."sessions"."session_id" = $1 )',
                    position="52",
                    error=kind,
                    **session,
                )
            )
        elif kind in (REPORT_ID, COUNTERS):
            column = "reportId" if kind == REPORT_ID else "counters"
            events.append(
                PgEvent(
                    ns,
                    pid,
                    "ERROR",
                    f'column "{column}" does not exist',
                    "42703",
                    statement=f'SELECT "{column}" FROM "sessions" WHERE "sessionId" = $1',
                    position="8",
                    error=kind,
                    **dict(session, user="postgres", app="counseling-api"),
                )
            )
        elif kind:
            events.append(
                PgEvent(
                    ns,
                    pid,
                    "ERROR",
                    'relation "counseling_sessions" does not exist',
                    "42P01",
                    statement='SELECT "id" FROM "counseling_sessions" AS "Session" LIMIT 1;',
                    position="17",
                    **dict(session, user="postgres", app="counseling-api"),
                )
            )
        else:
            r = rnd.random()
            if r < 0.3:
                events.append(
                    PgEvent(
                        ns,
                        pid,
                        "LOG",
                        f"connection received: host=10.0.1.{rnd.randint(2, 60)} port={rnd.randint(30000, 60000)}",
                    )
                )
            elif r < 0.55:
                events.append(
                    PgEvent(
                        ns,
                        pid,
                        "LOG",
                        "connection authorized: user=authenticator database=postgres application_name=postgrest",
                        **session,
                    )
                )
            elif r < 0.7:
                events.append(PgEvent(ns, 27, "LOG", "checkpoint starting: time"))
            elif r < 0.8:
                events.append(
                    PgEvent(
                        ns,
                        27,
                        "LOG",
                        f"checkpoint complete: wrote {rnd.randint(3, 90)} buffers (0.1%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.{rnd.randint(100, 999)} s, sync=0.002 s, total=0.{rnd.randint(100, 999)} s",
                    )
                )
            elif r < 0.9:
                events.append(
                    PgEvent(
                        ns,
                        pid,
                        "LOG",
                        f'duration: {rnd.uniform(0.1, 40):.3f} ms  statement: SELECT "id", "sessionId" FROM "sessions" WHERE "userId" = $1',
                        **session,
                    )
                )
            else:
                events.append(
                    PgEvent(
                        ns,
                        pid,
                        "LOG",
                        f"disconnection: session time: 0:00:{rnd.randint(10, 59)}.{rnd.randint(100, 999)} user=authenticator database=postgres host=10.0.1.17 port={rnd.randint(30000, 60000)}",
                        **session,
                    )
                )
    return events


PREFIXES = {
    "default": lambda e: f"{pg_time(e.ts)} [{e.pid}] ",
    "supabase": lambda e: (
        f"{e.host} {pg_time(e.ts)} [{e.pid}] {e.user}@{e.db} "
        if e.user
        else f" {pg_time(e.ts)} [{e.pid}] "
    ),
    "rds": lambda e: (
        f"{pg_time(e.ts, millis=False)}:{e.host + '(51544)' if e.host else ''}:"
        f"{e.user + '@' + e.db if e.user else '@'}:[{e.pid}]:"
    ),
}


def pg_stderr(events, style, rnd):
    prefix, out = PREFIXES[style], []
    for index, e in enumerate(events):
        message = e.message + (f" at character {e.position}" if e.position else "")
        out.append(f"{prefix(e)}{e.severity}:  {message}")
        if e.error and rnd.random() < 0.5 and index + 1 < len(events):
            other = events[index + 1]  # another backend's line lands between ERROR and STATEMENT
            other_pid = PgEvent(**{**other.__dict__, "pid": 9999, "ts": e.ts})
            out.append(
                f'{prefix(other_pid)}LOG:  automatic analyze of table "postgres.public.sessions"'
            )
        for tag, value in (("DETAIL", e.detail), ("HINT", e.hint), ("STATEMENT", e.statement)):
            if value:
                out.append(f"{prefix(e)}{tag}:  {value}")
    return "\n".join(out) + "\n"


def pg_csv(events):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for line, e in enumerate(events, 1):
        writer.writerow(
            [
                pg_time(e.ts),
                e.user,
                e.db,
                e.pid,
                f"{e.host}:51544" if e.host else "",
                f"6734a1b2.{e.pid:x}",
                line,
                "SELECT" if e.user else "",
                "2025-11-13 06:19:01 UTC",
                f"12/{line}",
                0,
                e.severity,
                e.code,
                e.message,
                e.detail,
                e.hint,
                "",
                "",
                "",
                e.statement.replace("\t", "  "),
                e.position,
                "",
                e.app,
                "client backend" if e.user else "checkpointer",
                "",
                0,
            ]
        )
    return buffer.getvalue().replace('"0"', "0")


def pg_json(events):
    out = []
    for e in events:
        obj = {
            "timestamp": pg_time(e.ts),
            "user": e.user or None,
            "dbname": e.db or None,
            "pid": e.pid,
            "remote_host": e.host or None,
            "session_id": f"6734a1b2.{e.pid:x}",
            "error_severity": e.severity,
            "state_code": e.code,
            "message": e.message,
            "detail": e.detail or None,
            "hint": e.hint or None,
            "statement": e.statement or None,
            "cursor_position": int(e.position) if e.position else None,
            "application_name": e.app or None,
            "backend_type": "client backend" if e.user else "checkpointer",
            "query_id": 0,
        }
        out.append(json.dumps({k: v for k, v in obj.items() if v is not None}))
    return "\n".join(out) + "\n"


# -- Supabase exports -------------------------------------------------------------------------


def supabase_rows(pg, rnd):
    rows = []
    for i, e in enumerate(pg):
        parsed = {
            "application_name": e.app or None,
            "backend_type": "client backend",
            "command_tag": "SELECT",
            "connection_from": f"{e.host}:51544" if e.host else None,
            "context": None,
            "database_name": e.db or None,
            "detail": e.detail or None,
            "error_severity": e.severity,
            "hint": e.hint or None,
            "process_id": e.pid,
            "query": e.statement or None,
            "query_pos": int(e.position) if e.position else None,
            "session_id": f"6734a1b2.{e.pid:x}",
            "sql_state_code": e.code,
            "timestamp": pg_time(e.ts),
            "user_name": e.user or None,
        }
        rows.append(
            (
                "postgres_logs",
                e.ts,
                f"{i:08x}-5c1d-4a9e-8f60-2d7c1a9e4b11",
                e.message,
                {"host": f"db-{REF}", "parsed": [parsed]},
                e,
            )
        )
        if rnd.random() < 0.5:
            status = 200 if rnd.random() < 0.9 else 401
            path = rnd.choice(
                (
                    "/rest/v1/sessions?select=id,sessionId,status",
                    "/rest/v1/users?select=*",
                    "/auth/v1/user",
                )
            )
            message = (
                f"GET | {status} | 203.0.113.{rnd.randint(2, 90)} | 8f1a2b3c4d5e{i:04x} | "
                f"https://{REF}.supabase.co{path} | node"
            )
            rows.append(
                (
                    "edge_logs",
                    e.ts + 1000,
                    f"{i:08x}-edge-4a9e-8f60-2d7c1a9e4b11",
                    message,
                    {
                        "request": [
                            {
                                "method": "GET",
                                "path": path.split("?")[0],
                                "host": f"{REF}.supabase.co",
                            }
                        ],
                        "response": [{"status_code": status, "headers": [{"proxy_status": None}]}],
                    },
                    None,
                )
            )
    return rows


def bq_json(rows):
    out = [
        {"event_message": msg, "id": rid, "metadata": [meta], "timestamp": ns // 1000}
        for _, ns, rid, msg, meta, _ in rows
    ]
    return json.dumps(out, indent=2) + "\n"


def clickhouse_json(rows):
    out = []
    for source, ns, rid, msg, meta, _ in rows:
        attributes = {}
        for key, value in meta.items():
            if isinstance(value, list):
                for inner_key, inner in value[0].items():
                    if isinstance(inner, list):
                        for k, v in inner[0].items():
                            if v is not None:
                                attributes[f"{key}.{inner_key}.{k}"] = str(v)
                    elif inner is not None:
                        attributes[f"{key}.{inner_key}"] = str(inner)
            elif value is not None:
                attributes[key] = str(value)
        severity = attributes.get("parsed.error_severity", "INFO")
        out.append(
            {
                "id": rid,
                "timestamp": iso(ns, 6, ""),
                "event_message": msg,
                "severity_text": severity,
                "source": source,
                "log_attributes": attributes,
            }
        )
    return json.dumps(out, indent=2) + "\n"


def legacy_csv(rows):
    lines = ['"identifier","timestamp","id","event_message","error_severity","detail","hint"']
    for _, ns, rid, msg, _, e in rows:
        if e is None:
            continue
        values = [
            f"db-{REF}",
            str(ns // 1000),
            rid,
            msg,
            e.severity,
            e.detail or "null",
            e.hint or "null",
        ]
        lines.append(",".join(f'"{v}"' for v in values))  # react-csv < 2.2.1: quotes not escaped
    return "\ufeff" + "\n".join(lines) + "\n"


def papa_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "timestamp", "event_message", "log_type", "status", "level", "pathname"])
    for _source, ns, rid, msg, meta, e in rows:
        if e is not None:
            writer.writerow([rid, iso(ns, 6, ""), msg, "postgres", e.code, e.severity.lower(), ""])
        else:
            status = meta["response"][0]["status_code"]
            writer.writerow(
                [rid, iso(ns, 6, ""), msg, "edge", status, "info", meta["request"][0]["path"]]
            )
    return buffer.getvalue()


def markdown(rows):
    blocks = []
    for n, (_, ns, rid, msg, meta, _) in enumerate(rows, 1):
        details = json.dumps({"id": rid, "metadata": [meta]}, indent=2)
        blocks.append(
            f"## Log {n}\n\n**Timestamp:** {iso(ns, 6)}\n\n**Message:** {msg}\n\n"
            f"**Details:**\n```json\n{details}\n```"
        )
    return "\n\n---\n\n".join(blocks) + "\n"


def edge_lines(rows):
    return "".join(msg + "\n" for source, _, _, msg, _, _ in rows if source == "edge_logs")


def auth_lines(rnd, count):
    out, ns, errors = [], START_NS, 0
    for i in range(count):
        ns += int(rnd.uniform(0.2, 4) * 10**9)
        base = {
            "component": "api",
            "method": "GET",
            "path": "/user",
            "referer": "https://app.example.com",
            "remote_addr": f"203.0.113.{rnd.randint(2, 90)}",
            "request_id": f"9a1f{i:04x}",
            "time": iso(ns, 0),
        }
        r = rnd.random()
        if i in (40, 95):
            errors += 1
            line = {
                **base,
                "method": "POST",
                "path": "/signup",
                "status": 500,
                "level": "info",
                "error": 'failed to create user: ERROR: column "counters" of relation "sessions" does not exist (SQLSTATE 42703)',
                "msg": "500: Database error saving new user",
            }
        elif r < 0.08:
            line = {
                **base,
                "status": 403,
                "level": "info",
                "error_code": "bad_jwt",
                "error": "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired",
                "msg": "403: invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired",
            }
        elif r < 0.5:
            line = {
                **base,
                "duration": rnd.randint(900000, 9000000),
                "status": 200,
                "level": "info",
                "msg": "request completed",
            }
        else:
            line = {
                **base,
                "method": "POST",
                "path": "/token",
                "status": 200,
                "level": "info",
                "grant_type": "refresh_token",
                "msg": "request completed",
                "duration": rnd.randint(900000, 9000000),
            }
        out.append(json.dumps(dict(sorted(line.items()))))
    return "\n".join(out) + "\n", errors


def postgrest_log(rnd, count):
    out, ns, errors = [], START_NS, {"PGRST204": 0, "42703": 0}
    out.append("13/Nov/2025:06:20:00 +0000: Starting PostgREST 12.2.3...")
    out.append("13/Nov/2025:06:20:00 +0000: Listening on port 3000")
    out.append(
        "13/Nov/2025:06:20:00 +0000: Successfully connected to PostgreSQL 15.8 on aarch64-unknown-linux-gnu"
    )
    out.append("13/Nov/2025:06:20:00 +0000: Schema cache loaded in 212.4 milliseconds")
    for i in range(count):
        ns += int(rnd.uniform(0.2, 3) * 10**9)
        stamp = datetime.fromtimestamp(ns // 10**9, UTC).strftime(
            "%d/%b/%Y:%H:%M:%S +0000"
        )
        ip = f"203.0.113.{rnd.randint(2, 90)}"
        if i % 45 == 17:
            errors["PGRST204"] += 1
            out.append(
                f'{ip} - authenticated [{stamp}] "POST /sessions?columns=%22session_id%22,%22created_at%22 HTTP/1.1" 400 - "" "node"'
            )
            out.append(
                f'{stamp}: {{"code":"PGRST204","details":null,"hint":null,"message":"Could not find the \'created_at\' column of \'sessions\' in the schema cache"}}'
            )
        elif i % 45 == 33:
            errors["42703"] += 1
            out.append(
                f'{ip} - anon [{stamp}] "GET /sessions?select=session_id HTTP/1.1" 400 - "" "node"'
            )
            out.append(
                f'{stamp}: {{"code":"42703","details":null,"hint":"Perhaps you meant to reference the column \\"sessions.sessionId\\".","message":"column sessions.session_id does not exist"}}'
            )
        elif i == 120:
            out.append(f'{stamp}: Received a schema cache reload message on the "pgrst" channel')
            out.append(f"{stamp}: Schema cache loaded in 187.9 milliseconds")
        else:
            path = rnd.choice(
                ("/sessions?select=id,sessionId,status", "/users?select=*", "/rpc/get_stats")
            )
            out.append(f'{ip} - anon [{stamp}] "GET {path} HTTP/1.1" 200 - "" "node"')
    return "\n".join(out) + "\n", errors


PY_TRACE = """[{stamp}] [57] [ERROR] Exception on /api/sessions/{sid} [GET]
Traceback (most recent call last):
  File "/opt/render/project/src/.venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 1910, in _execute_context
    self.dialect.do_execute(
  File "/opt/render/project/src/.venv/lib/python3.11/site-packages/sqlalchemy/engine/default.py", line 736, in do_execute
    cursor.execute(statement, parameters)
psycopg2.errors.UndefinedColumn: column sessions.session_id does not exist
LINE 1: SELECT sessions.id, sessions.session_id FROM sessions WHERE ...
                            ^
HINT:  Perhaps you meant to reference the column "sessions.sessionId".

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/opt/render/project/src/app/views.py", line 42, in get_session
    row = db.session.execute(stmt).one()
sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column sessions.session_id does not exist
LINE 1: SELECT sessions.id, sessions.session_id FROM sessions WHERE ...
                            ^
HINT:  Perhaps you meant to reference the column "sessions.sessionId".

[SQL: SELECT sessions.id, sessions.session_id FROM sessions WHERE sessions.session_id = %(session_id_1)s]
(Background on this error at: https://sqlalche.me/e/20/f405)"""


def python_log(rnd, count):
    out, ns, errors = [], START_NS, 0
    out.append("[2025-11-13 06:20:00 +0000] [55] [INFO] Starting gunicorn 22.0.0")
    out.append("[2025-11-13 06:20:00 +0000] [57] [INFO] Booting worker with pid: 57")
    for i in range(count):
        ns += int(rnd.uniform(0.2, 3) * 10**9)
        stamp = datetime.fromtimestamp(ns // 10**9, UTC).strftime(
            "%Y-%m-%d %H:%M:%S +0000"
        )
        if i % 60 == 25:
            errors += 1
            out.append(PY_TRACE.format(stamp=stamp, sid=f"sess_{rnd.randint(10**9, 10**10)}"))
        else:
            out.append(
                f'127.0.0.1 - - [{stamp[:19]}] "GET /api/health HTTP/1.1" 200 15 "-" "Render/1.0"'
            )
    return "\n".join(out) + "\n", errors


# -- expectations -----------------------------------------------------------------------------


def expect(path, counts, note, schema=SCHEMA, extra=None):
    lines = [
        f"# {note}",
        "# Generated with the sample by benchmarks/generate_format_samples.py "
        "(its own ground truth).",
        f"schema: [{schema}]",
    ]
    if extra:
        lines.append("input:")
        lines.extend(f"  {k}: {v}" for k, v in extra.items())
    lines.append("incidents:" if counts else "incidents: []")
    for (rule, entities), count in sorted(counts.items()):
        shown = ", ".join(f"{k}: {v}" for k, v in entities)
        lines.append(f"  - rule: {rule}\n    entities: {{{shown}}}\n    count: {count}")
    path.with_name(path.name.split(".")[0] + ".expect.yaml").write_text("\n".join(lines) + "\n")


def clean(records):
    """Every event one record, no line left unparsed."""
    return {"records": records, "unparsed": 0}


def tally(items):
    counts = {}
    for item in items:
        if item and item[0] != "relation":
            counts[item] = counts.get(item, 0) + 1
    return counts


def write(relative, text, counts=None, note="", extra=None):
    path = ROOT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    if counts is not None:
        expect(path, counts, note, extra=extra)


def main():
    rnd = random.Random(20251113)
    events = app_events(rnd, 300)
    app_counts = tally(e.error for e in events)
    app_records = len(events)
    interleaved = app_records + sum(len(e.lines) > 2 for e in events)
    write(
        "render/render-text.log",
        render_text(physical_lines(events, rnd, False)),
        app_counts,
        "`render logs` text output of the seed incident",
        extra=clean(app_records),
    )
    write(
        "render/render-json.json",
        render_json(physical_lines(events, rnd, True)),
        app_counts,
        "`render logs -o json`: two instances interleaved, stacks still assembled",
        extra=clean(interleaved),
    )
    write(
        "render/render-yaml.yaml.log",
        render_yaml(physical_lines(events, rnd, True)),
        app_counts,
        "`render logs -o yaml`: two instances interleaved",
        extra=clean(interleaved),
    )
    write(
        "render/log-stream.log",
        render_syslog(physical_lines(events, rnd, True)),
        app_counts,
        "Render log stream (RFC 5424 syslog)",
        extra=clean(interleaved),
    )
    write(
        "render/render-text-pino.log",
        render_text(render_text_with_pino(events, rnd)),
        app_counts,
        "`render logs` text of a pino app: JSON messages are parsed twice",
        extra=clean(app_records),
    )
    write(
        "app/pino.jsonl",
        app_pino(events),
        app_counts,
        "pino JSON lines of the same service",
        extra=clean(sum(bool(e.pino) for e in events)),
    )

    pg = pg_events(rnd, 320)
    pg_counts = tally(e.error for e in pg)
    for style in PREFIXES:
        text = pg_stderr(pg, style, rnd)
        write(
            f"postgres/stderr-{style}.log",
            text,
            pg_counts,
            f"PostgreSQL stderr, {style} log_line_prefix",
            extra=clean(len(pg) + text.count("automatic analyze")),
        )
    write(
        "postgres/csvlog.csv",
        pg_csv(pg),
        pg_counts,
        "PostgreSQL csvlog (26 columns)",
        extra=clean(len(pg)),
    )
    write(
        "postgres/jsonlog.json",
        pg_json(pg),
        pg_counts,
        "PostgreSQL jsonlog (PG15+)",
        extra=clean(len(pg)),
    )

    rows = supabase_rows(pg, rnd)
    write(
        "supabase/logs-explorer-bigquery.json",
        bq_json(rows),
        pg_counts,
        "Supabase Logs Explorer JSON download, BigQuery era (nested metadata, µs timestamps)",
        extra=clean(len(rows)),
    )
    write(
        "supabase/logs-explorer-clickhouse.json",
        clickhouse_json(rows),
        pg_counts,
        "Supabase Logs Explorer JSON, ClickHouse era (flat log_attributes, zone-less times)",
        extra=clean(len(rows)),
    )
    write(
        "supabase/supabase_logs.csv",
        legacy_csv(rows),
        pg_counts,
        "Supabase legacy CSV download (BOM, all quoted, quotes not escaped, null)",
        extra=clean(len(pg)),
    )
    write(
        "supabase/unified-logs.csv",
        papa_csv(rows),
        pg_counts,
        "Supabase Unified Logs CSV (RFC 4180, CRLF; postgres status is the SQLSTATE)",
        extra=clean(len(rows)),
    )
    write(
        "supabase/copy-as-markdown.txt",
        markdown(rows[:120]),
        tally(e.error for *_, e in rows[:120] if e is not None),
        "Supabase Logs Explorer 'Copy as Markdown' of 120 rows",
        extra=clean(120),
    )
    write("supabase/edge-logs.log", edge_lines(rows))  # no error text: must stay silent
    auth, auth_errors = auth_lines(rnd, 260)
    write(
        "supabase/auth-logs.jsonl",
        auth,
        {
            (
                "postgres.undefined_column",
                (("column", "counters"), ("table", "sessions")),
            ): auth_errors
        },
        "Supabase Auth (GoTrue) JSON lines; a trigger's 42703 inside 'Database error saving new user'",
        extra=clean(260),
    )
    pgrst, pgrst_errors = postgrest_log(rnd, 300)
    write(
        "supabase/postgrest.log",
        pgrst,
        {PGRST204: pgrst_errors["PGRST204"], SESSION_ID: pgrst_errors["42703"]},
        "PostgREST stderr and access log",
        extra=clean(pgrst.count("\n")),
    )
    py, py_errors = python_log(rnd, 300)
    write(
        "app/gunicorn-traceback.log",
        py,
        {SESSION_ID: py_errors},
        "gunicorn + SQLAlchemy/psycopg2 tracebacks (chained) as plain text",
        extra={"records": 302, "unparsed": 0},
    )


if __name__ == "__main__":
    main()
