"""PostgreSQL's severity and tag words in every language it ships (`FEHLER`, `오류`, `TIPP`),
read from analyzer/_data/pg_words.json (written by scripts/build-pg-messages from the server's
`postgres-15.mo` catalogues), so a server running with translated lc_messages is still read:
its lines split into severity and text, its levels known, its DETAIL/HINT lines joined.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

WORDS = Path(__file__).resolve().parent.parent / "_data" / "pg_words.json"


@cache
def _words() -> dict:
    return json.loads(WORDS.read_text(encoding="utf-8"))


def severity_words() -> dict[str, str]:
    """Every language's severity word -> the English one (`FEHLER` -> `ERROR`)."""
    return _words()["severities"]


def tag_words() -> dict[str, str]:
    """Every language's DETAIL/HINT/… word -> the English one (`TIPP` -> `HINT`)."""
    return _words()["tags"]


@cache
def position_suffix() -> re.Pattern[str]:
    """The ` at character 12` elog.c appends to a message, in any language, at the end."""
    parts = [re.escape(p).replace("%d", r"\d+") for p in _words()["positions"]]
    return re.compile("(?:" + "|".join(parts) + ")$")
