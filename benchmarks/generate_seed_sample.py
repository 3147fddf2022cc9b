# Generates samples/seed/render.log (the seed incident as a Render dashboard download):
#   python benchmarks/generate_seed_sample.py > samples/seed/render.log
# Deterministic: the same output on every run.
import random
from datetime import UTC, datetime, timedelta

rnd = random.Random(20251113)
t = datetime(2025, 11, 13, 6, 19, 58, 120000, tzinfo=UTC)
out = []

FIXED = {}

def ts():
    key = t.strftime("%H:%M:%S.%f")
    if key in FIXED:
        return FIXED[key]
    ns = t.microsecond * 1000 + rnd.randint(0, 999)
    digits = f"{ns:09d}".rstrip("0")
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ("." + digits if digits else "") + "Z"

def emit(msg, gap=(0.001, 0.9)):
    global t
    t += timedelta(seconds=rnd.uniform(*gap))
    out.append(f"{ts()} {msg}")

def cont(msg):
    global t
    t += timedelta(microseconds=rnd.randint(1, 40))
    out.append(f"{ts()} {msg}")

users = [f"user_{rnd.randint(1000,9999)}" for _ in range(12)]
counselors = ["counselor_ai_v2", "counselor_ai_v2", "counselor_kim"]
def sid():
    return "sess_" + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(16))
def sock():
    return "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") for _ in range(20))
def ms():
    return f"{rnd.uniform(0.8, 45):.3f}"

# deploy
for line in ["==> Cloning from https://github.com/maeum-lab/counseling-api",
             "==> Checking out commit 4f9c2e1a7b3d8e6f5a4b3c2d1e0f9a8b7c6d5e4f in branch main",
             "==> Using Node.js version 20.18.0 (default)",
             "==> Running build command 'npm ci'...",
             "added 412 packages, and audited 413 packages in 9s",
             "67 packages are looking for funding",
             "  run `npm fund` for details",
             "found 0 vulnerabilities",
             "==> Uploading build...",
             "==> Uploaded in 4.1s. Compression took 1.3s",
             "==> Build successful 🎉",
             "==> Deploying...",
             "==> Running 'node src/server.js'"]:
    emit(line, (0.2, 3.0))
emit("[dotenv@16.4.5] injecting env (14) from .env", (0.3, 0.6))
emit("🔧 Environment: production")
emit("🗄️  Connecting to Supabase: https://xyzcompanyref.supabase.co")
emit("Executing (default): SELECT 1+1 AS result")
emit("✅ Database connection established (Sequelize, postgres dialect)")
emit("✅ Supabase client initialized")
emit("🔌 WebSocket server ready on /ws")
emit("🚀 Server running on port 10000")
emit("==> Your service is live 🎉", (1, 3))
emit("==> ")
emit("==> ///////////////////////////////////////////////////////////")
emit("==> Available at your primary URL https://counseling-api.onrender.com")
emit("==> ///////////////////////////////////////////////////////////")

def healthy(n):
    for _ in range(n):
        r = rnd.random()
        if r < 0.35:
            emit(f"HEAD / 200 {ms()} ms - -", (0.2, 4))
        elif r < 0.55:
            emit(f"GET /api/health 200 {ms()} ms - 15", (0.2, 4))
        elif r < 0.7:
            emit(f"GET /api/users/me 200 {ms()} ms - {rnd.randint(180, 420)}", (0.2, 4))
        elif r < 0.8:
            emit(f"GET /api/counselors 304 {ms()} ms - -", (0.2, 4))
        elif r < 0.9:
            emit(f"💓 heartbeat: {rnd.randint(1, 9)} sockets open, rss={rnd.randint(88, 140)}MB", (0.5, 5))
        else:
            emit(f"POST /api/auth/refresh 200 {ms()} ms - {rnd.randint(700, 900)}", (0.2, 4))

healthy(60)

def sequelize_relation_error():
    q = ('SELECT "id", "session_id" AS "sessionId", "user_id" AS "userId", "counselor_id" AS "counselorId", '
         '"status", "started_at" AS "startedAt", "ended_at" AS "endedAt", "duration", "counters", '
         '"emotions_data" AS "emotionsData", "created_at" AS "createdAt", "updated_at" AS "updatedAt" '
         f'FROM "counseling_sessions" AS "Session" WHERE "Session"."user_id" = \'{rnd.choice(users)}\' '
         'AND "Session"."status" = \'active\' ORDER BY "Session"."created_at" DESC LIMIT 1;')
    emit(f"Executing (default): {q}", (0.01, 0.05))
    emit("❌ Error loading active session: SequelizeDatabaseError: relation \"counseling_sessions\" does not exist", (0.005, 0.02))
    for frame in ["    at Query.formatError (/opt/render/project/src/node_modules/sequelize/lib/dialects/postgres/query.js:386:16)",
                  "    at Query.run (/opt/render/project/src/node_modules/sequelize/lib/dialects/postgres/query.js:87:18)",
                  "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
                  "    at async PostgresQueryInterface.select (/opt/render/project/src/node_modules/sequelize/lib/dialects/abstract/query-interface.js:407:12)",
                  "    at async Function.findAll (/opt/render/project/src/node_modules/sequelize/lib/model.js:1140:21)",
                  "    at async Function.findOne (/opt/render/project/src/node_modules/sequelize/lib/model.js:1240:12)",
                  "    at async SessionService.getActiveSession (/opt/render/project/src/services/sessionService.js:41:21)",
                  "    at async Socket.<anonymous> (/opt/render/project/src/websocket/handlers.js:58:27) {",
                  "  name: 'SequelizeDatabaseError',",
                  "  parent: error: relation \"counseling_sessions\" does not exist",
                  "      at Parser.parseErrorMessage (/opt/render/project/src/node_modules/pg-protocol/dist/parser.js:283:98)",
                  "      at Parser.handlePacket (/opt/render/project/src/node_modules/pg-protocol/dist/parser.js:122:29) {",
                  "    length: 118,",
                  "    severity: 'ERROR',",
                  "    code: '42P01',",
                  "    position: '266',",
                  "    file: 'parse_relation.c',",
                  "    line: '1392',",
                  "    routine: 'parserOpenTable',",
                  f"    sql: {q!r}",
                  "  },",
                  f"  sql: {q!r},",
                  "  parameters: {}",
                  "}"]:
        cont(frame)

def create_failure(at=None):
    global t
    s = sock()
    u = rnd.choice(users)
    emit(f"🔌 Client connected: {s}", (0.5, 6))
    emit(f"📨 [{s}] start_session user={u} counselor={rnd.choice(counselors)}", (0.05, 0.4))
    if at:
        t = at
        FIXED[t.strftime("%H:%M:%S.%f")] = "2025-11-13T06:23:03.093444433Z"
        out.append(f"{ts()} ❌ Failed to create session in Supabase:")
    else:
        emit("❌ Failed to create session in Supabase:", (0.1, 0.3))
    cont("    Could not find the 'created_at' column of 'sessions' in the schema cache")
    emit(f"⚠️  [{s}] session_error sent to client: SESSION_CREATE_FAILED", (0.001, 0.01))

def create_failure_object(column):
    emit("❌ Failed to create session in Supabase: {", (0.1, 0.3))
    cont("  code: 'PGRST204',")
    cont("  details: null,")
    cont("  hint: null,")
    cont(f"  message: \"Could not find the '{column}' column of 'sessions' in the schema cache\"")
    cont("}")

def fetch_failure(at=None):
    global t
    s = sock()
    emit(f"📨 [{s}] resume_session id={sid()}", (0.3, 5))
    if at:
        t = at
        FIXED[t.strftime("%H:%M:%S.%f")] = "2025-11-13T06:23:37.931640683Z"
        out.append(f"{ts()} ❌ [CRITICAL] Failed to fetch session from Supabase:")
    else:
        emit("❌ [CRITICAL] Failed to fetch session from Supabase:", (0.05, 0.2))
    cont("    Error: column sessions.session_id does not exist")
    cont("    at SessionService.getSession (/opt/render/project/src/services/sessionService.js:72:15)")
    cont("    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)")
    cont("    at async Socket.<anonymous> (/opt/render/project/src/websocket/handlers.js:91:23)")
    emit(f"GET /api/sessions/{sid()} 500 {ms()} ms - 64", (0.001, 0.02))

def report_failure():
    emit(f"📝 Generating counseling report for session {sid()}", (0.5, 6))
    emit("❌ column \"reportId\" does not exist", (0.05, 0.3))
    emit(f"POST /api/reports 500 {ms()} ms - 71", (0.001, 0.02))

def counters_failure():
    emit(f"🧠 [emotion] analyzed {rnd.randint(2, 9)} utterances, saving counters", (0.5, 6))
    emit("❌ column \"counters\" does not exist", (0.05, 0.3))

# first failure 06:23:03 per the post-mortem: jump to just before it
t = datetime(2025, 11, 13, 6, 22, 44, tzinfo=UTC)
healthy(6)
t = datetime(2025, 11, 13, 6, 22, 58, 500000, tzinfo=UTC)
create_failure(at=datetime(2025, 11, 13, 6, 23, 3, 93444, tzinfo=UTC))
healthy(8)
sequelize_relation_error()
t = datetime(2025, 11, 13, 6, 23, 33, 900000, tzinfo=UTC)
fetch_failure(at=datetime(2025, 11, 13, 6, 23, 37, 931640, tzinfo=UTC))
events = ([create_failure] * 9 + [fetch_failure] * 7 + [report_failure] * 3 + [counters_failure] * 3
          + [sequelize_relation_error] * 2
          + [lambda: create_failure_object("session_id")] * 3
          + [lambda: create_failure_object("user_id")] * 2
          + [lambda: create_failure_object("started_at")] * 1)
rnd.shuffle(events)
for event in events:
    healthy(rnd.randint(2, 6))
    event()
healthy(25)
print("\n".join(out))
