"""A real `analyzer serve` process on loopback, and the real things tests talk to it with:
TCP/TLS syslog senders, HTTP clients, a webhook receiver and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-0123456789abcdef"
SECRET = "webhook-secret-for-tests"


def syslog_line(message: str, *, ts: str = "2025-11-13T06:24:10.513Z", pri: int = 11,
                host: str = "acme-api", instance: str = "srv-d0abc-x7k2p",
                token: str | None = TOKEN) -> bytes:
    line = f"<{pri}>1 {ts} {host} web {instance} srv-d0abc - {message}"
    return ((token + " ") if token else "").encode() + line.encode()


def octet_counted(messages: list[bytes]) -> bytes:
    return b"".join(str(len(m)).encode() + b" " + m for m in messages)


def newline_framed(messages: list[bytes]) -> bytes:
    return b"".join(m + b"\n" for m in messages)


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    state: Path
    args: list[str]
    http: str | None = None
    syslog: tuple[str, int] | None = None
    stderr_path: Path | None = None

    # --- sending -------------------------------------------------------------------------
    def send_syslog(self, data: bytes, tls_ca: Path | None = None) -> None:
        assert self.syslog is not None
        raw = socket.create_connection(self.syslog, timeout=10)
        conn: socket.socket = raw
        if tls_ca is not None:
            context = ssl.create_default_context(cafile=str(tls_ca))
            conn = context.wrap_socket(raw, server_hostname="localhost")
        with conn:
            conn.sendall(data)

    def post(self, path: str, body: bytes, *, token: str | None = TOKEN, gzipped: bool = False,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        sent = gzip.compress(body) if gzipped else body
        request = urllib.request.Request(f"{self.http}{path}", data=sent, method="POST")
        request.add_header("Content-Type", "application/json")
        if gzipped:
            request.add_header("Content-Encoding", "gzip")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        return _open(request)

    def get(self, path: str, *, token: str | None = TOKEN) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(f"{self.http}{path}")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        return _open(request)

    def incidents(self) -> dict[str, dict[str, Any]]:
        status, _, body = self.get("/api/incidents")
        assert status == 200, body
        return {i["id"]: i for i in json.loads(body)["incidents"]}

    def health(self) -> dict[str, Any]:
        return json.loads(self.get("/healthz", token=None)[2])

    def wait_for(self, predicate, timeout: float = 20.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = predicate()
            if last:
                return last
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; last: {last!r}; "
                             f"stderr: {self.stderr()[-2000:]}")

    def wait_flushed(self, events: int) -> None:
        self.wait_for(lambda: self.health()["flushed_events"] >= events, what=f"{events} flushed")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path else ""

    # --- stopping ------------------------------------------------------------------------
    def terminate(self, timeout: float = 30.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill9(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


def _open(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def start_serve(tmp: Path, *extra: str, state: Path | None = None, syslog: bool = True,
                http: bool = True, env: dict[str, str] | None = None) -> Served:
    token_file = tmp / "tokens"
    token_file.write_text(f"# tokens\n{TOKEN}\n")
    state = state or tmp / "state.db"
    args = [sys.executable, "-m", "analyzer", "serve", "--token-file", str(token_file),
            "--state", str(state), "--flush-every", "0.5", *extra]
    if syslog:
        args += ["--syslog", "127.0.0.1:0"]
    if http:
        args += ["--http", "127.0.0.1:0"]
    stderr_path = tmp / f"serve-{time.monotonic_ns()}.err"
    handle = open(stderr_path, "wb")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=handle,
                            env={**os.environ, **(env or {})})
    served = Served(proc, state, args, stderr_path=stderr_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = stderr_path.read_text(errors="replace")
        found = re.search(r"listening on (.*)", text)
        if found:
            for address in found.group(1).split():
                scheme, _, where = address.partition("://")
                host, _, port = where.rpartition(":")
                if scheme.startswith("syslog"):
                    served.syslog = (host, int(port))
                else:
                    served.http = f"http://{host}:{port}"
            return served
        if proc.poll() is not None:
            raise AssertionError(f"serve exited {proc.returncode}: {text}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("serve did not start: " + stderr_path.read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a self-signed certificate ---------------------------------------------------------------
def self_signed(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


# --- receivers of alerts -----------------------------------------------------------------
@dataclass
class WebhookReceiver:
    """A local HTTP server that keeps every POST and checks its HMAC signature."""

    secret: str = SECRET
    received: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0

    def __post_init__(self) -> None:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stamp = self.headers.get("X-Analyzer-Timestamp", "")
                wanted = "sha256=" + hmac.new(owner.secret.encode(), stamp.encode() + b"."
                                              + body, hashlib.sha256).hexdigest()
                if hmac.compare_digest(wanted, self.headers.get("X-Analyzer-Signature", "")):
                    owner.received.append(json.loads(body))
                else:
                    owner.bad_signatures += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"hmac+http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()


class MailReceiver:
    """A real SMTP server (aiosmtpd) on loopback keeping each message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[list[str], bytes]] = []
        owner = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                owner.messages.append((list(envelope.rcpt_tos), envelope.content))
                return "250 OK"

        self.port = free_port()  # aiosmtpd's Controller cannot bind port 0 itself
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.url = (f"mailto://127.0.0.1:{self.port}?from=analyzer@example.com"
                    "&to=oncall@example.com&mode=insecure")

    def close(self) -> None:
        self.controller.stop()
