"""Planted secrets, one per documented class (README "Secrets"), and the logs that carry them.

Each class is a log line holding the secret and the fragments that must never appear in any
output. The logs are three real-shaped sources: plain text errors (unclassified incidents), a
PostgreSQL server log (a rule matches, the secret rides along in the message) and JSON app logs
(JSON-escaped text, structured fields).
"""

from __future__ import annotations

import json
from pathlib import Path

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
       "eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InByb2oiLCJyb2xlIjoic2VydmljZV9yb2xlIn0."
       "Xk3mPq9sRt7uVw1yZa2bCd4eFg6hIj8kLm0nOp")

# class -> (text placed in an error line, fragments that must not leak)
SECRETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "url_password": ("postgresql://app:PgUrlSecret01@db.example.com:5432/app",
                     ("PgUrlSecret01",)),
    "url_password_with_at_and_slash": ("postgres://app:Pa@ss/UrlSlash02x@db.example.com/app",
                                       ("UrlSlash02x", "Pa@ss")),
    "bearer": ("Authorization: Bearer BearerTok03abcdef", ("BearerTok03",)),
    "bearer_bare": ("token was Bearer BareBearer04xyzw", ("BareBearer04",)),
    "basic": ("Authorization: Basic QmFzaWMwNTpzZWNyZXQ=", ("QmFzaWMwNTpzZWNyZXQ",)),
    "password_pair": ("login retry password=PwPair06x user=bob", ("PwPair06x",)),
    "quoted_password": ('config password="Quoted Pw 07"', ("Quoted Pw 07", "Pw 07")),
    "api_key_header": ("X-Api-Key: ApiKeyHdr08abc", ("ApiKeyHdr08",)),
    "supabase_apikey_header": ("apikey: " + JWT, tuple(JWT.split("."))),
    "supabase_jwt": ("jwt " + JWT, tuple(JWT.split("."))),
    "aws_secret_env": ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYAws10",
                       ("wJalrXUtnFEMI", "bPxRfiCYAws10")),
    "aws_access_key_id": ("key AKIAIOSFODNN7SECR118", ("IOSFODNN7SECR118",)),
    "env_password": ("DB_PASSWORD=EnvPw12secret", ("EnvPw12secret",)),
    "stripe_webhook_secret": ("whsec_StripeWh13abcdefgh", ("StripeWh13",)),
    "stripe_live_key": ("sk_live_StripeLive14abcdef", ("StripeLive14",)),
    "supabase_secret_key": ("sb_secret_SbSecret15abcdef", ("SbSecret15",)),
    "sql_password": ("statement: ALTER ROLE app WITH LOGIN PASSWORD 'SqlPw16secret'",
                     ("SqlPw16secret",)),
    "cookie": ("Cookie: sb-access-token=CookieTok17abc; theme=dark", ("CookieTok17",)),
    "github_token": ("ghp_GithubTok18abcdefghijklmnopqrstuvwxyz", ("GithubTok18",)),
    "private_key": ("-----BEGIN PRIVATE KEY-----MIIEvPrivKey19-----END PRIVATE KEY-----",
                    ("MIIEvPrivKey19",)),
}
# JSON-escaped as JSON writers do (`\/` in URLs, `\"` in strings), in a plain-text line that
# carries a serialised payload
JSON_ESCAPED = {
    "json_escaped_url": ("postgres:\\/\\/app:JsonUrl20secret@db.internal\\/app",
                         ("JsonUrl20secret",)),
    "json_escaped_pair": ('{\\"password\\":\\"JsonPair21secret\\"}', ("JsonPair21secret",)),
}
ALL_FRAGMENTS = tuple(f for _, frags in [*SECRETS.values(), *JSON_ESCAPED.values()] for f in frags)


def plain_log() -> str:
    """One unclassified error per class, each its own template (the words differ)."""
    lines = [f"2025-11-13T06:{i:02d}:00Z ERROR {name.replace('_', ' ')} step failed: {text}"
             for i, (name, (text, _)) in enumerate([*SECRETS.items(), *JSON_ESCAPED.items()])]
    return "\n".join(lines) + "\n"


def postgres_log() -> str:
    """A PostgreSQL stderr log: a rule matches (undefined table) and the STATEMENT line that
    follows holds secrets, as a server logs a failing statement."""
    url, _ = SECRETS["url_password"]
    sql, _ = SECRETS["sql_password"]
    return (
        "2025-11-13 06:30:00.123 UTC [812] ERROR:  relation \"accounts\" does not exist at "
        "character 15\n"
        f"2025-11-13 06:30:00.123 UTC [812] STATEMENT:  SELECT * FROM accounts -- {url}\n"
        f"2025-11-13 06:31:00.456 UTC [813] ERROR:  syntax error at or near \"LOGINX\"\n"
        f"2025-11-13 06:31:00.456 UTC [813] STATEMENT:  {sql.removeprefix('statement: ')} "
        "LOGINX\n")


def json_log() -> str:
    """App JSON logs (pino shape): the secrets in the message and the error object."""
    rows = [json.dumps({"level": 50, "time": 1763014800000 + i * 1000,
                        "msg": f"json {name} failed: {text}",
                        "err": {"type": "Error", "message": f"upstream said {text}"}})
            for i, (name, (text, _)) in enumerate(SECRETS.items())]
    return "\n".join(rows) + "\n"


def write_logs(directory: Path) -> list[Path]:
    paths = []
    for name, text in (("app.log", plain_log()), ("postgres.log", postgres_log()),
                       ("app.jsonl", json_log())):
        path = directory / name
        path.write_text(text)
        paths.append(path)
    return paths


def leaks(text: str | bytes) -> list[str]:
    """The planted fragments found in an output."""
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return [fragment for fragment in ALL_FRAGMENTS if fragment in data]
