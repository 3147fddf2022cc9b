"""PostgreSQL's message catalogue as a matcher: a server message -> its msgid and SQLSTATE.

The table (analyzer/_data/pg_messages.json.gz, written by scripts/build-pg-messages from the
server's source and its `postgres-15.mo` catalogues) holds every primary error message
template with its SQLSTATEs and its translation in each language PostgreSQL ships. A message
in any of those languages is recognised by its template (printf placeholders become captures),
written back in English and given its SQLSTATE, so the English rules match a German or Korean
server log, and a stderr line without `%e` still has a code. Placeholders are named after the
word before them in the English template (`relation "%s"` -> table, `column "%s"` -> column).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick_rs

from analyzer.ingest.pgwords import position_suffix

DATA = Path(__file__).resolve().parent.parent / "_data" / "pg_messages.json.gz"
# printf conversions as PostgreSQL's messages use them, with XPG positional `%2$s`
_PLACEHOLDER = re.compile(
    r"%(?:(?P<pos>\d+)\$)?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t|L)?"
    r"(?P<conv>[diouxXeEfgGcsmp%])")
_VALUE = {"d": r"-?\d+", "i": r"-?\d+", "u": r"\d+", "o": r"[0-7]+", "x": r"[0-9a-fA-F]+",
          "X": r"[0-9a-fA-F]+", "c": r".", "p": r"\S+", "e": r"\S+", "E": r"\S+", "f": r"\S+",
          "g": r"\S+", "G": r"\S+"}
MIN_ANCHOR = 4  # a template whose longest literal is shorter cannot be told from others
# the word(s) before a placeholder in the English template -> the entity it names
_NAMED = (("byte sequence", ""), ("materialized view", "table"), ("foreign table", "table"),
          ("partitioned table", "table"), ("prepared statement", "statement"),
          ("relation", "table"), ("table", "table"), ("view", "table"), ("sequence", "table"),
          ("partition", "table"), ("column", "column"), ("schema", "schema"),
          ("function", "function"), ("procedure", "function"), ("aggregate", "function"),
          ("routine", "function"), ("constraint", "constraint"), ("index", "index"),
          ("type", "type"), ("domain", "type"), ("role", "role"), ("user", "user"),
          ("database", "database"), ("policy", "policy"), ("operator", "operator"),
          ("trigger", "trigger"), ("extension", "extension"), ("cursor", "cursor"),
          ("savepoint", "savepoint"), ("parameter", "parameter"),
          ("tablespace", "tablespace"), ("collation", "collation"),
          ("publication", "publication"), ("subscription", "subscription"))


_QUALIFIER = {"table": "schema", "column": "table", "function": "schema", "type": "schema"}


@dataclass(frozen=True, slots=True)
class Recognized:
    """A message recognised as one of PostgreSQL's templates."""

    msgid: str
    codes: tuple[str, ...]
    english: str  # the message written with the English template and the same values
    values: dict[str, str]  # named placeholder values (table, column, …)
    language: str  # "en" or the catalogue's language (de, ko, …)


@dataclass(frozen=True, slots=True)
class _Template:
    index: int  # into the table's messages
    source: str  # the regular expression, compiled when a text first contains its anchor
    order: tuple[int, ...]  # group k of the pattern is placeholder order[k] of the msgid
    literal: int  # literal characters: more spelled out, more specific
    language: str


class Catalogue:
    """Templates of every language, found by their longest literal (one Aho-Corasick pass)."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.messages: list[tuple[str, tuple[str, ...]]] = [
            (m, tuple(codes)) for m, codes in table["messages"]]
        self.conditions: dict[str, str] = table["conditions"]
        self.languages: dict[str, Any] = table["languages"]
        self._names = [placeholder_names(m) for m, _ in self.messages]
        templates: list[_Template] = []
        anchors: list[str] = []
        sources = [("en", m, i) for i, (m, _) in enumerate(self.messages)]
        for lang, data in sorted(self.languages.items()):
            sources += [(lang, msgstr, i) for msgstr, i in data["messages"]]
        for lang, text, index in sources:
            compiled = _compile(text, len(self._names[index]))
            if compiled is None:
                continue
            source, order, anchor, literal = compiled
            templates.append(_Template(index, source, order, literal, lang))
            anchors.append(anchor)
        self._templates = templates
        self._compiled: dict[int, re.Pattern[str]] = {}
        self._by_anchor: dict[str, list[int]] = {}
        for number, anchor in enumerate(anchors):
            self._by_anchor.setdefault(anchor, []).append(number)
        # the non-contiguous NFA builds ~2x faster than the default on 35k anchors
        self._router = ahocorasick_rs.AhoCorasick(
            list(self._by_anchor), implementation=ahocorasick_rs.Implementation.NoncontiguousNFA)

    def recognize(self, text: str) -> Recognized | None:
        """The template text is an instance of (the most spelled-out one), or None. text is
        one message without its severity (`relation "x" does not exist`), a trailing
        position (` at character 8`, translated too) is ignored."""
        text = self._without_position(text.strip())
        tried: set[int] = set()
        best: tuple[int, _Template, re.Match[str]] | None = None
        for anchor in self._router.find_matches_as_strings(text, overlapping=True):
            for number in self._by_anchor[anchor]:
                if number in tried:
                    continue
                tried.add(number)
                template = self._templates[number]
                if best is not None and template.literal <= best[0]:
                    continue
                pattern = self._compiled.get(number)
                if pattern is None:
                    # stdlib re: these are literals and groups, compiled ~5x faster
                    pattern = self._compiled[number] = re.compile(template.source, re.DOTALL)
                found = pattern.fullmatch(text)
                if found is not None:
                    best = (template.literal, template, found)
        if best is None:
            return None
        return self._recognized(best[1], best[2])

    def _recognized(self, template: _Template, found: re.Match[str]) -> Recognized:
        msgid, codes = self.messages[template.index]
        names = self._names[template.index]
        values = [""] * len(names)
        for group, slot in enumerate(template.order, start=1):
            values[slot] = found.group(group)
        named = {}
        for name, value in zip(names, values, strict=True):
            if name and value and name not in named:
                named[name] = value
        return Recognized(msgid, codes, fill(msgid, values), named, template.language)

    def _without_position(self, text: str) -> str:
        found = position_suffix().search(text)
        return text[:found.start()] if found else text

    def condition(self, code: str) -> str | None:
        return self.conditions.get(code)


@cache
def load_table(path: str = str(DATA)) -> dict[str, Any]:
    return json.loads(gzip.decompress(Path(path).read_bytes()))


def condition_name(code: str) -> str | None:
    """errcodes' condition name of a SQLSTATE (`42P01` -> undefined_table)."""
    return load_table()["conditions"].get(code)


def _compile(text: str, placeholders: int) -> tuple[str, tuple[int, ...], str, int] | None:
    """(regular expression, placeholder order, longest literal, literal characters) of a
    template, or None when it cannot be recognised on its own."""
    parts: list[str] = []
    literals: list[str] = []
    order: list[int] = []
    at = 0
    for found in _PLACEHOLDER.finditer(text):
        literal = text[at:found.start()]
        at = found.end()
        if found["conv"] == "%":
            parts.append(re.escape(literal + "%"))
            literals.append(literal + "%")
            continue
        parts.append(re.escape(literal))
        literals.append(literal)
        slot = int(found["pos"]) - 1 if found["pos"] else len(order)
        if slot >= placeholders:
            return None  # a translation that does not line up with its msgid
        order.append(slot)
        parts.append("(" + _VALUE.get(found["conv"], ".+?") + ")")
    parts.append(re.escape(text[at:]))
    literals.append(text[at:])
    # a translation may start or end with a space the log line's text has lost
    parts[0], parts[-1] = r"\s*" + parts[0].lstrip("\\ "), parts[-1].rstrip("\\ ") + r"\s*"
    anchor = max(literals, key=len)
    if len(anchor.strip()) < MIN_ANCHOR or "\n" in text:
        return None
    return "".join(parts), tuple(order), anchor, sum(len(x) for x in literals)


def placeholder_names(msgid: str) -> tuple[str, ...]:
    """The entity each placeholder of an English template names ('' when none). In
    `relation "%s.%s"` the first names the schema, in `column %s.%s` the table."""
    found = [m for m in _PLACEHOLDER.finditer(msgid) if m["conv"] != "%"]
    names: list[str] = []
    at = 0
    for index, match in enumerate(found):
        before = msgid[at:match.start()]
        at = match.end()
        if len(names) > index:  # the second half of `%s.%s`, named with the first
            continue
        word = before.rstrip(' "').lower()
        name = next((name for words, name in _NAMED
                     if word.endswith(" " + words) or word == words), "")
        dotted = index + 1 < len(found) and msgid[match.end():found[index + 1].start()] == "."
        names += [_QUALIFIER[name], name] if dotted and name in _QUALIFIER else [name]
    return tuple(names)


def fill(msgid: str, values: list[str]) -> str:
    """The English message: msgid with its placeholders replaced by values, in order."""
    out: list[str] = []
    at = 0
    slot = 0
    for found in _PLACEHOLDER.finditer(msgid):
        out.append(msgid[at:found.start()])
        at = found.end()
        if found["conv"] == "%":
            out.append("%")
            continue
        out.append(values[slot] if slot < len(values) else "")
        slot += 1
    out.append(msgid[at:])
    return "".join(out)


@cache
def load_catalogue(path: str = str(DATA)) -> Catalogue:
    """The shipped table, read and compiled once per process (only when a record needs it)."""
    return Catalogue(load_table(path))
