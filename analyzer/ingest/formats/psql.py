"""psql's output of failing statements: a migration run with `psql -f`, or a pasted session.

Each server error psql prints is `psql:<file>:<line>: ERROR:  <message>` (with `-f`) or a bare
`ERROR:  <message>` (interactive, `-c`), followed by what the server sent with it: `LINE n:`
with the statement and a caret line under the error position, DETAIL, HINT, CONTEXT and QUERY
lines. psql's own complaints are `psql:<file>:<line>: error: …` (one space). The severity
and tag words may be in the server's lc_messages language (FEHLER, TIPP).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.frames import EventRows, FrameFormat, LineFormat
from analyzer.ingest.levels import normalize_level
from analyzer.ingest.pgwords import severity_words, tag_words
from analyzer.model import Record


def _alternation(words: list[str]) -> str:
    escaped = (re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", w) for w in words)
    return "|".join(sorted(escaped, key=len, reverse=True))


_SEVERITIES = _alternation([w for w, en in severity_words().items()
                            if en in ("ERROR", "FATAL", "PANIC", "WARNING", "NOTICE")])
_TAGS = _alternation([*tag_words(), "LINE \\d+"])
HEAD = (rf"^(?:psql:(?P<file>.+?):(?P<script_line>\d+): )?(?:(?P<sev>{_SEVERITIES}):  "
        rf"|(?P<own>error|warning|fatal): )(?P<text>.*)$")
# what psql prints under an error: the server's tag lines, the statement and its caret
CONTINUATION = rf"^(?:(?:{_TAGS}):\s|\s)"
_HEAD = re.compile(HEAD)
_TAG_LINE = re.compile(rf"^(?P<tag>{_TAGS}):\s+(?P<text>.*)$")


class PsqlOutput(LineFormat):
    name = "psql"
    description = ("psql's output of failing statements: `psql:file.sql:12: ERROR:  …` or bare "
                   "`ERROR:  …`, with LINE n:, caret, DETAIL, HINT, CONTEXT lines")
    example = 'psql:migrations/004_sessions.sql:12: ERROR:  relation "sessions" does not exist'
    # the lines this format claims in another format's file: psql's marked lines, or a bare
    # server severity with PostgreSQL's two spaces (never node-postgres's `error: …`)
    line_pattern = (rf"^(?:psql:.+?:\d+: (?:(?:{_SEVERITIES}):  |(?:error|warning|fatal): )"
                    rf"|(?:{_SEVERITIES}):  )")

    def sniff(self, head: Sequence[str]) -> float:
        lines = pl.Series([line for line in head if line.strip()], dtype=pl.String)
        if lines.is_empty():
            return 0.0
        prefixed = lines.str.contains(r"^psql:.+?:\d+: ")
        # psql's own `error: ` (one space) only after its `psql:file:line:` mark: a bare
        # `error: …` is node-postgres
        heads = lines.str.contains(self.line_pattern)
        if not heads.any():
            return 0.0
        ours = (heads | lines.str.contains(CONTINUATION)).sum() / len(lines)
        # `psql:file:12:` is psql's own mark; bare `ERROR:  ` lines alone are a weaker sign
        return float(ours) * (0.97 if prefixed.any() else 0.6)

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        parts = pl.col("line").str.extract_groups(HEAD)
        return pl.DataFrame({"line": lines}).select(
            parsed=parts.struct.field("text").is_not_null()
            & (parts.struct.field("sev").is_not_null() | parts.struct.field("file").is_not_null()),
            message=pl.coalesce(parts.struct.field("text"), pl.col("line")),
            sev=pl.coalesce(parts.struct.field("sev"), parts.struct.field("own")),
            file=parts.struct.field("file"),
            script_line=parts.struct.field("script_line"),
        )

    def adopt(self, others: Sequence[FrameFormat]) -> None:
        """No other format reads psql's lines: its DETAIL lines are not a server log's."""

    def continues(self) -> pl.Expr:
        # psql's stderr holds only its messages: a line that starts no message continues the
        # one above (a CONTEXT of 100 PL/pgSQL frames is 100 unindented lines)
        return ~pl.col("parsed")

    def generic_applies(self) -> pl.Expr:
        return ~pl.col("parsed")

    def record(self, rows: EventRows, source: str) -> Record:
        if not rows.parsed:
            return super().record(rows, source)
        head = rows.columns
        fields: dict[str, object] = {"severity": head.get("sev")}
        if head.get("file"):
            fields["script"] = head["file"]
            fields["script_line"] = head["script_line"]
        shown = [rows.messages[0]]
        for line in rows.messages[1:]:
            tag = _TAG_LINE.match(line)
            if tag is None:
                shown.append(line)
                continue
            english = tag_words().get(tag["tag"], tag["tag"])
            if english.startswith("LINE "):
                fields.setdefault("statement", tag["text"])
            elif english in ("DETAIL", "HINT", "CONTEXT", "QUERY"):
                fields.setdefault(english.lower() if english != "QUERY" else "internal_query",
                                  tag["text"])
            shown.append(f"{english}:  {tag['text']}" if not english.startswith("LINE ")
                         else line)
        sev = head.get("sev") or ""
        return event_record(source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
                            fmt=self.name, message="\n".join(shown), raw="\n".join(rows.lines),
                            ts=None, level=normalize_level(severity_words().get(sev, sev)),
                            fields=fields)
