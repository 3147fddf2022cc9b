from __future__ import annotations

import pytest

from analyzer.textsafe import printable, redact, strip_ansi

SECRETS = [
    ("postgresql://postgres.abcd:S3cr3t-pw@aws-0-eu.pooler.supabase.com:6543/postgres", "S3cr3t"),
    ("Authorization: Bearer abcdef0123456789abcdef", "abcdef0123456789"),
    ("apikey=sb_secret_AbCdEf0123456789xyz", "AbCdEf0123456789"),
    ('{"password": "hunter22"}', "hunter22"),
    ("key eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.abcDEF123_-xyz", "eyJyb2xl"),
    ("stripe sk_live_51HcD2eFgHiJkLmNoP", "51HcD2eFg"),
    ("restricted rk_live_51HcD2eFgHiJkLmNoP", "51HcD2eFg"),
    ("AUTHORIZATION: BEARER abcdef0123456789abcdef", "abcdef0123456789"),
    ("PGPASSWORD=Tr0ub4dor&3 psql", "Tr0ub4dor"),
    ("Client_Secret: 'zq8-Lm2-Pk0'", "zq8-Lm2"),
    ("aws AKIAIOSFODNN7EXAMPLE", "IOSFODNN7"),
    ("openai sk-proj-abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnop"),
    ("slack xoxb-1234567890-abcdefghij", "1234567890-abc"),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA"),
    ("google AIzaSyA-1234567890abcdefghijklmnopqrstu", "SyA-1234567890"),
    ("github ghp_abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnop"),
    ("MYSQL://root:rootpw@db:3306/app", "rootpw"),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_secrets_are_redacted(text, secret):
    assert secret not in redact(text)


def test_ordinary_text_is_left_alone():
    text = 'column "created_at" of relation "sessions" does not exist at https://x.io:8080/a'
    assert redact(text) == text


def test_emails_only_when_asked():
    assert redact("mail ana@example.com") == "mail ana@example.com"
    assert redact("mail ana@example.com", emails=True) == "mail [EMAIL]"


def test_printable_removes_escapes_and_controls_but_keeps_newlines_and_tabs():
    text = "a\x1b[31mred\x1b[0m\x1b]8;;http://x\x07link\x1b]8;;\x07\x00\x08\u202e\tb\nc"
    assert printable(text) == "aredlink\tb\nc"
    assert strip_ansi("\x1b(Bplain") == "plain"

