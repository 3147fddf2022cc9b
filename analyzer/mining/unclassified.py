"""Records no rule matched -> `unclassified` incidents, one per mined template.

Candidates are error-level records: the format's level (error, critical) or error markers in
the text (`Error:`, `❌`, `FATAL`, `Traceback`, `Exception`, an HTTP 5xx status). Their head
line (masks.head_line) goes to a TemplateMiner; every cluster becomes an Incident with the
template as title, the top values of each variable as entities and the template id as id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from analyzer.mining.cluster import OVERFLOW_TOKENS
from analyzer.mining.masks import PLACEHOLDERS, WILDCARD, head_line, is_variable
from analyzer.mining.miner import Cluster, MinerParams, TemplateMiner
from analyzer.model import Incident, Record, Sample, frozen_map

RULE_ID = "unclassified"
CATEGORY = "unclassified"
SEVERITY = "high"  # an unknown error: worth a look, never `critical` until a rule says so
TOP_VALUES = 3

# The prefilter's test for lines that may be error-level, as (literals, regex) alternatives
# (see ingest Marker; each regex valid for Rust's regex crate and Python's re, and each match
# holds one of its literals): words, not substrings, so a JSON key such as "error_severity" or a
# count of "0 errors" does not make every line a candidate; `TypeError` still does. The HTTP
# ones are the status as a separate word in access-log lines (`GET /x 502 1.2 ms`).
_SPACES = " \t\n\r\f\v"  # what `\s` is in ASCII
_SUFFIX_WORDS = ("error", "exception")  # also the end of a class name: TypeError
_WORDS = ("traceback", "fatal", "panic", "critical", "unhandled", "uncaught")
ERROR_MARKER_PARTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("❌",), "❌"),
    (_SUFFIX_WORDS, r"(?i:(?:" + "|".join(_SUFFIX_WORDS) + r")\b)"),
    (_WORDS, r"(?i:\b(?:" + "|".join(_WORDS) + r")\b)"),
    (tuple(f"{space}5" for space in _SPACES), r"[ \t\n\r\f\v]5\d\d[ \t\n\r\f\v]"),
    (('"level"',), r'"level"\s*:\s*(?:50|60)\b'),
    (("status",), r"(?i:status(?:_?code)?[\"']?\s*[:=]\s*[\"']?5\d\d\b)"),
    # An error body printed without a level (`{"code":"42P05","message":…,"details":…}`).
    (('"code"',), r'"code"\s*:\s*"(?:[0-9A-Z]{5}|PGRST\d{3})"'),
    (('"details"', '"hint"'), r'"(?:details|hint)"\s*:'),
)
_ERROR_WORDS = _SUFFIX_WORDS + _WORDS
# What makes a text error-level: each test runs only when the text holds one of its literals
# (case-folded), which every match holds; most texts then cost a few substring tests.
_ERROR_TESTS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("❌",), re.compile("❌")),
    (_ERROR_WORDS, re.compile(r"(?i:\b(?:" + "|".join(_ERROR_WORDS) + r")\b)")),
    # TypeError, SequelizeDatabaseError (not session_error)
    (_SUFFIX_WORDS, re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b")),
    ((" 5",), re.compile(r"^(?:[A-Z]+ )?\S*/\S* 5\d\d \d")),  # access log: [METHOD] /path 5xx
    (("status",), re.compile(r"(?i:\bstatus(?:_?code)?[\"']?\s*[:=]\s*[\"']?5\d\d\b)")),
)
_ERROR_LEVELS = frozenset({"error", "critical"})
# What a code field holds when it names an error: 42P05, PGRST116, P2022, ECONNREFUSED.
_ERROR_CODE = re.compile(r"^[0-9A-Z][0-9A-Z_]{3,31}$")


def is_candidate(record: Record) -> bool:
    """An error-level record: by the source's own severity, its HTTP status, or its text. A
    level guessed from free text is not trusted (`session_error sent` is not an error)."""
    if "severity" in record.fields:
        return record.level in _ERROR_LEVELS
    # An error code (a SQLSTATE of an error class, a PGRST or driver code) on an error-level
    # record: a JSON error body whose code no rule knows still becomes an incident.
    code = record.fields.get("code")
    if record.level in _ERROR_LEVELS and code is not None and _ERROR_CODE.match(str(code)) \
            and not str(code).startswith(("00", "01", "02")):
        return True
    status = str(record.fields.get("status", ""))
    if len(status) == 3 and status.startswith("5"):
        return True
    return is_error_text(record.message[:512])


def is_error_text(text: str) -> bool:
    folded = text.casefold()
    return any(any(literal in folded for literal in literals) and test.search(text)
               for literals, test in _ERROR_TESTS)


def add_record(miner: TemplateMiner, record: Record, redact: Callable[[str], str]) -> Cluster:
    """Mine one candidate record; its sample (redacted) is the example payload."""
    example = [record.ts, record.source, record.lineno, redact(record.message),
               record.service or record.instance]
    return miner.add(head_line(record.message), ts=record.ts, example=example)


def new_miner(max_samples: int) -> TemplateMiner:
    return TemplateMiner(MinerParams(max_examples=max(max_samples, 1)))


_SELF_NAMED = frozenset({"<ip>", "<uuid>", "<ts>", "<url>", "<path>", "<email>"})
_NAME_CLEAN = re.compile(r"[^a-z0-9_]+")
_TYPE_NAMES = {"<num>": "number", "<id>": "id", "<hex>": "hex", "<ip>": "ip", "<uuid>": "uuid",
               "<ts>": "time", "<url>": "url", "<path>": "path", "<email>": "email",
               "<str>": "name", WILDCARD: "value"}


def variable_names(tokens: list[str]) -> dict[int, str]:
    """A readable, unique identifier for each variable position: the word that labels it
    (`column "<str>"` -> column, `uid=<num>` -> uid), else its type (ip, path, number…)."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for i, token in enumerate(tokens):
        if not is_variable(token):
            continue
        kind = _placeholder(token)
        # a typed value names itself; a generic one is named by the word labelling it
        labelled = None if kind in _SELF_NAMED else _label(tokens, i)
        name = labelled or _TYPE_NAMES.get(kind, "value")
        base, n = name, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[i] = name
    return names


def _placeholder(token: str) -> str:
    for placeholder in PLACEHOLDERS:
        if placeholder in token:
            return placeholder
    return WILDCARD


def _label(tokens: list[str], position: int) -> str | None:
    token = tokens[position]
    inside = token[: token.find("<")].rstrip("=:([\"'`")
    if inside and "=" in token[: token.find("<") + 1]:
        candidate = inside  # key=value within one token
    elif position > 0 and not is_variable(tokens[position - 1]):
        candidate = tokens[position - 1]
    else:
        return None
    name = _NAME_CLEAN.sub("_", candidate.lower()).strip("_")
    if not name or not name[0].isalpha() or len(name) > 30:
        return None
    return name


OVERFLOW_ID = hashlib.sha256(b"t1\x1funclassified overflow").hexdigest()[:12]
OVERFLOW_TITLE = "Errors past the template store's limit (templates not kept apart)"


def overflow_incident(cluster: Cluster) -> Incident:
    """The overflow cluster as one incident: its count, span and first examples."""
    return Incident(
        id=OVERFLOW_ID, rule=RULE_ID, title=OVERFLOW_TITLE, severity=SEVERITY,
        category=CATEGORY, count=cluster.count, first_seen=cluster.first_seen,
        last_seen=cluster.last_seen, services=_services(cluster), entities=frozen_map(),
        samples=tuple(_sample(example) for example in cluster.examples))


def overflow_problem(miner: TemplateMiner, where: str = f"went to the overflow incident "
                     f"{OVERFLOW_ID}", what: str = "distinct error templates") -> str | None:
    """What `problems` says when the store overflowed: how many events went where."""
    if not miner.overflow.count:
        return None
    return (f"{miner.overflow.count} event(s) {where}: more than {miner.params.max_clusters} "
            f"{what} ({miner.evicted_clusters} evicted)")


def cluster_incident(cluster: Cluster, redact: Callable[[str], str]) -> Incident:
    if tuple(cluster.tokens) == OVERFLOW_TOKENS:
        return overflow_incident(cluster)
    names = variable_names(cluster.tokens)
    entities = {}
    for position, name in names.items():
        top = cluster.top_values(position, TOP_VALUES)
        if top:
            entities[name] = redact(", ".join(f"{value} ×{count}" for value, count in top))
    samples = tuple(_sample(example) for example in cluster.examples)
    return Incident(
        id=cluster.id, rule=RULE_ID, title=redact(cluster.template), severity=SEVERITY,
        category=CATEGORY, count=cluster.count, first_seen=cluster.first_seen,
        last_seen=cluster.last_seen, services=_services(cluster), entities=frozen_map(entities),
        samples=samples,
    )


def _services(cluster: Cluster) -> tuple[str, ...]:
    return tuple(sorted({e[4] for e in cluster.examples if len(e) > 4 and e[4]}))


def _sample(example: list[Any]) -> Sample:
    ts, source, lineno, message = example[:4]
    return Sample(ts, source, lineno, message)


def unclassified_incidents(miner: TemplateMiner,
                           redact: Callable[[str], str]) -> list[Incident]:
    """One incident per live template, and the overflow's when it holds any event."""
    found = [cluster_incident(cluster, redact) for cluster in miner.clusters()]
    if miner.overflow.count:
        found.append(overflow_incident(miner.overflow))
    return found
