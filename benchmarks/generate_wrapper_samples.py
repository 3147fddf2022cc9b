# ruff: noqa: E501 - the log lines it writes are as long as real ones
"""Writes the raw logs of the wrapper and PostgreSQL-variant samples in samples/postgres from
real software: a real PostgreSQL server (scripts/pg-server) runs the same failing statements
under several log_line_prefix / log_destination settings, rsyslog writes its syslog output
(its default RFC 3339 template, RSYSLOG_TraditionalFileFormat, and a logplex-shaped template
for Heroku), psql's COPY … FORCE_QUOTE * re-exports its csvlog, and node prints a real
ECONNREFUSED error for the docker compose sample. Run as root from the repository root, with
nothing else listening on /dev/log:

    python benchmarks/generate_wrapper_samples.py [--port 54336]

The .expect.yaml files beside the samples were reviewed by hand against these logs; rerun the
sample tests after regenerating (times and pids change).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samples" / "postgres"
FAILING = """\
create table if not exists accounts (id int primary key, email text unique, balance int check (balance >= 0));
insert into accounts values (1, 'a@example.com', 10) on conflict do nothing;
select id,
\tcreated_at
\tfrom accounts;
insert into accounts values (1, 'b@example.com', 5);
select * from sessions where user_id = 1;
update accounts set balance = -1 where id = 1;
select 'not-a-uuid'::uuid;
"""
SECOND_SESSION = ("select pg_sleep(0.001)", "select * from sessions", "select id, nope from accounts")
RSYSLOG = """\
module(load="imuxsock" SysSock.Name="/dev/log")
$FileCreateMode 0644
template(name="logplex" type="string" string="%timereported:::date-rfc3339% app[postgres.%procid%]: [DATABASE]%msg%\\n")
local0.* {dir}/syslog.log
local0.* {dir}/syslog-bsd.log;RSYSLOG_TraditionalFileFormat
local1.* {dir}/heroku.log;logplex
"""
HEROKU_PREFIX = ('sql_error_code = %e time_ms = "%m" pid="%p" proc_start_time="%s" session_id="%c" '
                 'vtid="%v" tid="%x" log_line="%l" database="%d" connection_source="%r" user="%u" '
                 'application_name="%a" ')
CSV_COLUMNS = ["log_time", "user_name", "database_name", "process_id", "connection_from", "session_id", "session_line_num", "command_tag", "session_start_time", "virtual_transaction_id", "transaction_id", "error_severity", "sql_state_code", "message", "detail", "hint", "internal_query", "internal_query_pos", "context", "query", "query_pos", "location", "application_name", "backend_type", "leader_pid", "query_id"]


class Server:
    def __init__(self, port: int) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="wrapper-samples-pg-"))
        self.port = port
        subprocess.run([str(ROOT / "scripts" / "pg-server"), "start", str(self.dir), str(port)],
                       check=True, capture_output=True)
        self.stderr = self.dir / "log" / "postgresql"

    def psql(self, *commands: str, script: str | None = None) -> None:
        args = ["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres"]
        for command in commands:
            args += ["-c", command]
        subprocess.run(args, input=script, text=True, capture_output=True)

    def run(self, prefix: str, destination: str, facility: str = "local0", *, two: bool = False) -> str:
        """Run the statements under these settings; the stderr log lines they wrote."""
        before = self.stderr.stat().st_size
        self.psql(f"alter system set log_line_prefix = '{prefix}'",
                  f"alter system set log_destination = '{destination}'",
                  f"alter system set syslog_facility = '{facility}'", "select pg_reload_conf()")
        time.sleep(1)
        self.psql(script=FAILING)
        if two:
            self.psql(*SECOND_SESSION)
        time.sleep(1)
        with self.stderr.open() as log:
            log.seek(before)
            return log.read()

    def stop(self) -> None:
        subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", str(self.dir)], capture_output=True)


def errors_only(text: str) -> str:
    """The lines of the failing statements (the configuration reload lines dropped)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "ERROR:" in line)
    return "\n".join(lines[start:]) + "\n"


def syslog_events(path: Path) -> str:
    """The postgres events of a syslog file, without the configuration reload messages."""
    key = re.compile(r"\[(?:postgres\.)?(\d+)\]: (?:\[[A-Z_]+\] )?\[(\d+)-(\d+)\]")
    lines = path.read_text().splitlines()
    drop = {key.search(line).group(1, 2) for line in lines  # type: ignore[union-attr]
            if key.search(line) and ("parameter " in line or "SIGHUP" in line)}
    return "\n".join(line for line in lines if key.search(line)
                     and key.search(line).group(1, 2) not in drop) + "\n"  # type: ignore[union-attr]


def csv_rows(server: Server, pid: str) -> list[list[str]]:
    with (server.dir / "log" / "postgresql.csv").open(newline="") as log:
        return [row for row in csv.reader(log) if len(row) > 12 and row[3] == pid and row[11] == "ERROR"]


def quoted_csvlog(server: Server, rows: list[list[str]]) -> str:
    """The csvlog rows loaded into the documentation's postgres_log table and copied out with
    every field quoted."""
    source = server.dir / "errors.csv"
    with source.open("w", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    os.chmod(source, 0o644)
    columns = ", ".join(f"{c} text" for c in CSV_COLUMNS)
    target = server.dir / "quoted.csv"
    server.psql(script=f"drop table if exists postgres_log; create table postgres_log ({columns});\n"
                       f"\\copy postgres_log from '{source}' with csv\n"
                       f"\\copy (select * from postgres_log order by session_line_num::int) to '{target}' with (format csv, force_quote *)\n")
    return target.read_text()


def cnpg(rows: list[list[str]]) -> str:
    out = [json.dumps({"level": "info", "ts": "2026-12-01T17:04:01.118683773Z", "logger": "instance-manager",
                       "msg": "Instance is still down, will retry in 1 second", "logging_pod": "pg-acme-1"},
                      separators=(",", ":"))]
    for row in rows:
        record = {k: v for k, v in zip(CSV_COLUMNS, row, strict=False) if v != ""}
        ts = datetime.datetime.strptime(row[0], "%Y-%m-%d %H:%M:%S.%f UTC").strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
        out.append(json.dumps({"level": "info", "ts": ts, "logger": "postgres", "msg": "record",
                               "logging_pod": "pg-acme-1", "record": record}, separators=(",", ":")))
    return "\n".join(out) + "\n"


def gcloud(stderr: str) -> str:
    """Cloud SQL's entries: one per server message (its tab-led continuations inside)."""
    events: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("\t") and events:
            events[-1] += "\n" + line
        elif line:
            events.append(line)
    entries = []
    for i, text in enumerate(events):
        t = datetime.datetime.strptime(re.match(r"(\S+ \S+) UTC", text).group(1), "%Y-%m-%d %H:%M:%S.%f")  # type: ignore[union-attr]
        entries.append({
            "insertId": "s" + hashlib.sha1(text.encode()).hexdigest()[:12] + f"{i:02d}",
            "logName": "projects/acme-prod/logs/cloudsql.googleapis.com%2Fpostgres.log",
            "receiveTimestamp": (t + datetime.timedelta(milliseconds=350)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z",
            "resource": {"labels": {"database_id": "acme-prod:acme-db", "project_id": "acme-prod",
                                    "region": "europe-west1"}, "type": "cloudsql_database"},
            "severity": "ERROR" if re.search(r"\] db=\S* (?:ERROR|DETAIL|STATEMENT):", text) else "INFO",
            "textPayload": text,
            "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z",
        })
    entries.insert(2, {
        "insertId": "65f1c2a0000d3e5b4c8a1f27",
        "jsonPayload": {"message": "connect ECONNREFUSED 10.20.0.3:5432", "level": "error", "code": "ECONNREFUSED"},
        "labels": {"instanceId": "00f46b9285c7d5b3a1e0c9d8e7f6a5b4c3d2e1f0"},
        "logName": "projects/acme-prod/logs/run.googleapis.com%2Fstderr",
        "receiveTimestamp": entries[0]["receiveTimestamp"],
        "resource": {"labels": {"configuration_name": "api", "location": "europe-west1", "project_id": "acme-prod",
                                "revision_name": "api-00042-xyz", "service_name": "api"}, "type": "cloud_run_revision"},
        "severity": "ERROR",
        "timestamp": entries[0]["timestamp"],
    })
    return json.dumps(entries, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def compose(stderr: str) -> str:
    """docker compose's prefixes over the server's lines, a real Node error cutting into them."""
    node = subprocess.run(["node", "-e", "require('net').connect(5432,'127.0.0.1').on('error', e => console.error(e))"],
                          capture_output=True, text=True).stderr.splitlines()
    db = stderr.splitlines()
    rest = ["13/Nov/2025:06:20:00 +0000: Starting PostgREST 12.2.3...", "13/Nov/2025:06:20:00 +0000: Listening on port 3000"]

    def prefixed(name: str, lines: list[str]) -> list[str]:
        return [f"{name:<20}| {line}".rstrip() for line in lines]

    out = prefixed("supabase_rest_acme", rest) + prefixed("supabase_db_acme", db[:3]) + prefixed("api-1", node[:3])
    out += prefixed("supabase_db_acme", db[3:5]) + prefixed("api-1", node[3:]) + prefixed("supabase_db_acme", db[5:])
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=54336)
    args = parser.parse_args()
    server = Server(args.port)
    syslog_dir = Path(tempfile.mkdtemp(prefix="wrapper-samples-syslog-"))
    (syslog_dir / "rsyslog.conf").write_text(RSYSLOG.format(dir=syslog_dir))
    rsyslogd = subprocess.Popen(["rsyslogd", "-n", "-f", str(syslog_dir / "rsyslog.conf"),
                                 "-i", str(syslog_dir / "rsyslogd.pid")])
    try:
        time.sleep(1)
        (OUT / "stderr-sqlstate-prefix.log").write_text(errors_only(server.run("%m [%p] %e %q%u@%d ", "stderr,csvlog,jsonlog")))
        default = errors_only(server.run("%m [%p] %q%u@%d ", "stderr,csvlog,jsonlog"))
        (OUT / "docker-compose.log").write_text(compose(default))
        cloudsql = errors_only(server.run("%m [%p]: [%l-1] db=%d,user=%u ", "stderr,csvlog,jsonlog"))
        (OUT / "gcloud-cloudsql.json").write_text(gcloud(cloudsql))
        pid = re.search(r"\[(\d+)\]", cloudsql).group(1)  # type: ignore[union-attr]
        rows = csv_rows(server, pid)
        (OUT / "csvlog-quoted.csv").write_text(quoted_csvlog(server, rows))
        (OUT / "cnpg.jsonl").write_text(cnpg(rows))
        server.run("user=%u,db=%d,app=%a,client=%h ", "syslog", "local0", two=True)
        server.run(HEROKU_PREFIX, "syslog", "local1", two=True)
        time.sleep(1)
        for name in ("syslog.log", "syslog-bsd.log", "heroku.log"):
            (OUT / name).write_text(syslog_events(syslog_dir / name))
    finally:
        rsyslogd.send_signal(signal.SIGTERM)
        rsyslogd.wait(timeout=10)
        server.stop()
        shutil.rmtree(syslog_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
