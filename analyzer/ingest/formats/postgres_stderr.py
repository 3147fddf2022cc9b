"""PostgreSQL stderr logs with any `log_line_prefix`.

Every line is `<prefix><SEVERITY>:  <text>`. The prefix is not configured here but recognised
by its pieces wherever they sit: a timestamp (%m, %t, with zone), `[pid]` (or `[pid-line]`,
`[pid]:`), `user@db`, a leading host (%h) or `host(port)` (%r), a session id (%c) and
`app=`/`application_name=` text. That covers the default `'%m [%p] '`, Debian's
`'%m [%p] %q%u@%d '`, Supabase's `'%h %m [%p] %q%u@%d '`, RDS's `'%t:%r:%u@%d:[%p]:'` and most
hand-made ones.

One error is several lines: DETAIL/HINT/QUERY/CONTEXT/LOCATION/STATEMENT lines of the same pid
(each repeating the prefix) and tab-led continuation lines. Lines of other backends can come in
between, so rows are first regrouped (each tag line moved under the last ERROR of its pid), then
a tag line continues the line above when both have the same pid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from analyzer.ingest.events import event_record
from analyzer.ingest.formats.base import share
from analyzer.ingest.formats.frames import EventRows, LineFormat
from analyzer.ingest.levels import normalize_level
from analyzer.ingest.pgwords import severity_words, tag_words
from analyzer.ingest.sqlstate import prefix_sqlstate
from analyzer.ingest.timestamps import parse_iso_ns
from analyzer.model import Record

SEVERITIES = ("DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5", "LOG", "INFO", "NOTICE",
              "WARNING", "ERROR", "FATAL", "PANIC")
TAGS = ("DETAIL", "HINT", "QUERY", "CONTEXT", "LOCATION", "STATEMENT", "BACKTRACE")
_TAG_FIELDS = {"DETAIL": "detail", "HINT": "hint", "QUERY": "internal_query",
               "CONTEXT": "context", "STATEMENT": "statement", "LOCATION": "location",
               "BACKTRACE": "backtrace"}
# the same words in every language PostgreSQL ships (lc_messages = de_DE: FEHLER, TIPP, …)
ALL_SEVERITIES = tuple(dict.fromkeys(SEVERITIES + tuple(severity_words())))
ALL_TAGS = tuple(dict.fromkeys(TAGS + tuple(tag_words())))
# longest first (FATALE before FATAL); escaped for Rust's regex too (which rejects `\ `)
_WORDS = "|".join(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", w)
                  for w in sorted(ALL_SEVERITIES + ALL_TAGS, key=len, reverse=True))
# The prefix ends where the severity starts: at the line start, or after a space, ':' or ']'.
LINE_RE = (rf"^(?P<prefix>(?:.{{0,240}}?[\s:\]])?)(?P<sev>{_WORDS}):  (?P<text>.*)$")
_SEVERITY_AT_END = rf"(?:^|[\s:\]])({_WORDS})$"
_TIME = (r"(?P<ts>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?"
         r"(?: ?[A-Z]{2,5}| ?[+-]\d{2}(?::?\d{2})?)?)")
_EPOCH = r"(?P<epoch>\b\d{10}\.\d{3}\b)"
_PID = r"\[(?P<pid>\d+)(?:-\d+)?\]"
_USER_DB = r"(?P<user>[^\s@:\[\]()]+)@(?P<db>[^\s@:\[\]()]+)"
_REMOTE = (r"(?<![\d.])(?P<rhost>\d{1,3}(?:\.\d{1,3}){3}|(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}"
           r"|[0-9a-f:]*::[0-9a-f:]*|\[local\])(?:\((?P<port>\d+)\))?")
_SESSION = r"\b(?P<session>[0-9a-f]{6,}\.[0-9a-f]+)\b"
_APP = r"\b(?:app|application_name|appname)=\"?(?P<app>[^\s,\]\"]+)"
# key=value prefixes (`user=%u,db=%d`, Cloud SQL's `db=%d,user=%u`, Heroku's `user="%u"`);
# earlier parts give way to later ones, so `user@db` wins where both are written.
_KV_USER = r"\b(?:user|usr)=\"?(?P<user>[^\s,@\[\]()\"]+)"
_KV_DB = r"\b(?:db|database)=\"?(?P<db>[^\s,@\[\]()\"]+)"
_KV_PID = r"\bpid=\"?(?P<pid>\d+)"
_PREFIX_PARTS = tuple(re.compile(p) for p in (_KV_USER, _KV_DB, _KV_PID, _TIME, _EPOCH, _PID,
                                              _USER_DB, _REMOTE, _SESSION, _APP))
_CODE_RE = re.compile(r"^(?P<code>[0-9A-Z]{5}): (?P<rest>.*)$", re.DOTALL)


def prefix_fields(prefix: str) -> dict[str, Any]:
    """The log_line_prefix pieces found in prefix, by canonical field name."""
    found: dict[str, Any] = {}
    for pattern in _PREFIX_PARTS:
        match = pattern.search(prefix)
        if match:
            found.update({k: v for k, v in match.groupdict().items() if v})
    names = {"user": "user", "db": "database", "pid": "pid", "rhost": "host",
             "session": "session_id", "app": "application_name", "ts": "ts_text",
             "epoch": "epoch"}
    return {names[k]: v for k, v in found.items() if k in names}


class PostgresStderr(LineFormat):
    name = "postgres"
    description = ("PostgreSQL stderr log, any log_line_prefix (default, Debian, Supabase, "
                   "RDS): `<prefix>ERROR:  …` + DETAIL/HINT/STATEMENT lines")
    example = ('2025-11-13 06:24:10.512 UTC [4242] ERROR:  column "created_at" does not exist '
               "at character 8")
    line_pattern = LINE_RE
    open_events = 16  # a pid's DETAIL/STATEMENT may follow other backends' lines

    def sniff(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        series = pl.Series(lines, dtype=pl.String)
        prefixed = series.str.extract_groups(LINE_RE).struct.field("prefix")
        # A real prefix holds a time or a pid; a bare "ERROR:  x" line is not enough.
        ours = prefixed.str.contains(r"\d{2}:\d{2}:\d{2}|\[\d+\]|\b\d{10}\.\d{3}\b")
        tabbed = series.str.starts_with("\t")
        return share(ours.fill_null(False) | tabbed) * 0.95

    def columns(self, lines: pl.Series) -> pl.DataFrame:
        # The severity ends at the first ":  " (colon, two spaces: elog.c's separator), so one
        # literal search and a short anchored regex replace a lazy regex over every line.
        # (splitn, not find + slice: find counts bytes, slice characters: a Korean line)
        line = pl.col("line")
        parts = line.str.splitn(":  ", 2)
        frame = pl.DataFrame({"line": lines}).with_columns(
            head=parts.struct.field("field_0"), rest=parts.struct.field("field_1"))
        frame = frame.with_columns(head=pl.when(pl.col("rest").is_null()).then(None)
                                   .otherwise(pl.col("head")))
        frame = frame.with_columns(sev=pl.col("head").str.extract(_SEVERITY_AT_END, 1))
        parsed = pl.col("sev").is_not_null()
        is_tag = pl.col("sev").is_in(list(ALL_TAGS)).fill_null(False)
        prefix = pl.col("head").str.slice(
            0, pl.col("head").str.len_chars() - pl.col("sev").str.len_chars())
        text = pl.col("rest")
        return frame.select(
            parsed=parsed,
            prefix=prefix,
            sev=pl.col("sev"),
            pid=prefix.str.extract(r"\[(\d+)(?:-\d+)?\]", 1),
            is_tag=is_tag,
            # Tag lines keep their tag so the assembled message reads like the log.
            message=pl.when(is_tag).then(pl.concat_str(pl.col("sev"), pl.lit(":  "), text))
            .when(parsed).then(text)
            .otherwise(line),
        )

    def arrange(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Move each tag line (and the tab lines under it) right below the last non-tag line
        of the same pid, keeping the order of everything else."""
        tagged = frame.get_column("is_tag").fill_null(False)
        if not tagged.any():
            return frame
        row = pl.col("_row")  # a column, not int_range: inside over() that would restart
        is_head = pl.col("parsed") & ~pl.col("is_tag")
        pid = pl.col("pid").forward_fill()
        tag_owner = pl.when(is_head).then(row).forward_fill().over(pid)
        owner = (pl.when(is_head).then(row)
                 .when(pl.col("is_tag")).then(pl.coalesce(tag_owner, row))
                 .otherwise(None).forward_fill())
        return (frame.with_row_index("_row")
                .with_columns(_owner=pl.coalesce(owner, row))
                .sort("_owner", "_row").drop("_owner", "_row"))

    def continues(self) -> pl.Expr:
        same_pid = pl.col("pid") == pl.col("pid").shift(1)
        tab_line = ~pl.col("parsed") & pl.col("line").str.starts_with("\t")
        return (pl.col("is_tag") & same_pid.fill_null(False)) | tab_line

    def generic_applies(self) -> pl.Expr:
        # A prefixed line always starts an event (or is a tag line, above); an unparsed line
        # in a Postgres log joins the event above only if its content says so.
        return ~pl.col("parsed")

    def record(self, rows: EventRows, source: str) -> Record:
        head = rows.columns
        if not rows.parsed:
            return super().record(rows, source)
        fields = prefix_fields(head.get("prefix") or "")
        ts_text, epoch = fields.pop("ts_text", None), fields.pop("epoch", None)
        ts = parse_iso_ns(ts_text) if ts_text else None
        if ts is None and epoch:
            ts = int(float(epoch) * 1_000_000_000)
        message, tag_values = _split_event(rows.messages)
        code = _CODE_RE.match(message)
        if code:
            fields["code"], message = code.group("code"), code.group("rest")
        else:
            in_prefix = prefix_sqlstate(head.get("prefix") or "",
                                        normalize_level(head.get("sev")))
            if in_prefix:
                fields["code"] = in_prefix
        fields["severity"] = head.get("sev")
        for tag, value in tag_values.items():
            fields.setdefault(_TAG_FIELDS[tag], value)
        shown = "\n".join([message, *(f"{tag}:  {value}" for tag, value in tag_values.items())])
        return event_record(source=source, lineno=rows.lineno, end_lineno=rows.end_lineno,
                            fmt=self.name, message=shown, raw="\n".join(rows.lines), ts=ts,
                            level=normalize_level(head.get("sev")), fields=fields)


def _split_event(messages: list[str]) -> tuple[str, dict[str, str]]:
    """The main text (with its tab continuations) and the tag lines' texts by tag."""
    # A wrapper may carry a line with its continuations (a Cloud Logging entry): each lost
    # its leading tab like a continuation row does.
    messages = [text.replace("\n\t", "\n") if "\n\t" in text else text for text in messages]
    main: list[str] = [messages[0]]
    tags: dict[str, list[str]] = {}
    current = main
    for text in messages[1:]:
        tag, sep, rest = text.partition(":  ")
        tag = tag_words().get(tag, tag)
        if sep and tag in _TAG_FIELDS:
            current = tags.setdefault(tag, [])
            if current:
                current.append("")
            current.append(rest)
        else:
            current.append(text.removeprefix("\t"))
    return "\n".join(main), {tag: "\n".join(lines).strip() for tag, lines in tags.items()}
