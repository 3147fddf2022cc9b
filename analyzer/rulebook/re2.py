"""Rule patterns in RE2 syntax: what the SQL engines (DuckDB, ClickHouse, BigQuery) run.

Rules are written for Python's `regex` module; RE2 is a subset without backtracking. A
pattern translates when it uses only what RE2 has (`(?<name>` is spelled `(?P<name>`, `\\Z`
is `\\z`); lookaround, backreferences, atomic groups, possessive quantifiers, conditionals,
verbose mode and repeats over 1000 do not, and their rules are matched in Python on the
candidates the engine brings back (`rules lint` notes which).

A translated pattern is kept as pieces so that one capture can be singled out: engines'
extract functions return one group, so `only(name)` makes every other group non-capturing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REPEAT = 1000  # RE2's limit on {m,n}
_FLAGS_OK = set("ims")
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_NAME = re.compile(r"[A-Za-z_]\w*")


class Untranslatable(ValueError):
    """A pattern RE2 cannot express; the message says what."""


@dataclass(frozen=True, slots=True)
class _Group:
    name: str | None  # None: an unnamed capturing group


@dataclass(frozen=True, slots=True)
class Re2Pattern:
    """A translated pattern: literal pieces and capturing-group openings in order."""

    pieces: tuple[str | _Group, ...]

    @property
    def names(self) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for piece in self.pieces:
            if isinstance(piece, _Group) and piece.name:
                found.setdefault(piece.name, None)
        return tuple(found)

    @property
    def text(self) -> str:
        """The whole pattern, named groups kept."""
        return "".join(p if isinstance(p, str) else
                       (f"(?P<{p.name}>" if p.name else "(") for p in self.pieces)

    def only(self, name: str) -> str:
        """The pattern with `name` as its one (unnamed) capturing group: for extract functions
        that return the first group."""
        return "".join(p if isinstance(p, str) else ("(" if p.name == name else "(?:")
                       for p in self.pieces)

    def bare(self) -> str:
        """The pattern without capturing groups: for match tests."""
        return "".join(p if isinstance(p, str) else "(?:" for p in self.pieces)


def to_re2(pattern: str) -> Re2Pattern:
    """Translate a Python-regex pattern; raises Untranslatable naming the construct."""
    return Re2Pattern(tuple(_Scanner(pattern).run()))


def why_untranslatable(pattern: str) -> str | None:
    try:
        to_re2(pattern)
    except Untranslatable as exc:
        return str(exc)
    return None


class _Scanner:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.i = 0
        self.out: list[str | _Group] = []
        self.quantified = False  # the last token was a quantifier (a `+` after it: possessive)

    def emit(self, text: str) -> None:
        self.out.append(text)

    def run(self) -> list[str | _Group]:
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            was_quantified, self.quantified = self.quantified, False
            if char == "\\":
                self._escape()
            elif char == "[":
                self._char_class()
            elif char == "(":
                self._group()
            elif char in "*+?":
                if was_quantified and char == "+":
                    raise Untranslatable("a possessive quantifier (`*+`, `++`, `?+`)")
                self.emit(char)
                self.i += 1
                self.quantified = char != "?" or not was_quantified
            elif char == "{":
                self._brace(was_quantified)
            else:
                self.emit(char)
                self.i += 1
        return self.out

    def _escape(self) -> None:
        text, i = self.text, self.i
        if i + 1 >= len(text):
            raise Untranslatable("a trailing backslash")
        nxt = text[i + 1]
        if nxt.isdigit() and nxt != "0":
            raise Untranslatable(f"a backreference (\\{nxt})")
        if nxt == "g":
            raise Untranslatable("a backreference (\\g<…>)")
        if nxt in "NGXRKh":
            raise Untranslatable(f"the escape \\{nxt}")
        self.emit("\\z" if nxt == "Z" else text[i:i + 2])
        self.i += 2

    def _char_class(self) -> None:
        text, start = self.text, self.i
        i = start + 1
        if i < len(text) and text[i] == "^":
            i += 1
        if i < len(text) and text[i] == "]":
            i += 1  # a leading `]` is a literal
        while i < len(text) and text[i] != "]":
            if text[i] == "\\":
                if text[i + 1:i + 2].isdigit() and text[i + 1] != "0":
                    raise Untranslatable("an octal escape in a class")
                i += 1
            elif text.startswith("[:", i):
                end = text.find(":]", i + 2)
                i = end + 1 if end > 0 else i
            elif text[i] == "[":
                # a literal `[` (Python); RE2 reads it the same unless it opens `[:name:]`
                self.emit(text[start:i] + "\\[")
                start = i + 1
            i += 1
        if i >= len(text):
            raise Untranslatable("an unterminated character class")
        self.emit(text[start:i + 1])
        self.i = i + 1

    def _brace(self, was_quantified: bool) -> None:
        found = _QUANTIFIER.match(self.text, self.i)
        if found is None:
            self.emit("\\{")  # a literal brace
            self.i += 1
            return
        low, high = int(found[1]), found[2]
        if low > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
            raise Untranslatable(f"a repeat over {MAX_REPEAT} ({found[0]})")
        if was_quantified:
            raise Untranslatable("a quantifier on a quantifier")
        self.emit(found[0])
        self.i = found.end()
        self.quantified = True

    def _group(self) -> None:
        text, i = self.text, self.i
        if not text.startswith("(?", i):
            self.out.append(_Group(None))
            self.i += 1
            return
        rest = text[i + 2:]
        if rest.startswith(("P<", "<")) and not rest.startswith(("<=", "<!")):
            skip = 2 if rest.startswith("P<") else 1
            name = _NAME.match(rest, skip)
            if name is None or not rest.startswith(">", name.end()):
                raise Untranslatable("a malformed group name")
            self.out.append(_Group(name[0]))
            self.i = i + 2 + name.end() + 1
            return
        if rest.startswith(":"):
            self.emit("(?:")
            self.i += 3
            return
        self._special_group(rest)

    def _special_group(self, rest: str) -> None:
        constructs = (("=", "lookahead"), ("!", "negative lookahead"), ("<=", "lookbehind"),
                      ("<!", "negative lookbehind"), (">", "an atomic group"),
                      ("P=", "a backreference"), ("P>", "recursion"), ("(", "a conditional"),
                      ("#", "a comment group"), ("|", "a branch reset"), ("R", "recursion"))
        for prefix, what in constructs:
            if rest.startswith(prefix):
                raise Untranslatable(f"{what} (`(?{prefix}`)")
        flags = re.match(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])", rest)
        if flags is None:
            raise Untranslatable(f"the group `(?{rest[:3]}`")
        used = set(flags[1]) | set(flags[2] or "")
        if used - _FLAGS_OK:
            raise Untranslatable(f"the flag(s) {''.join(sorted(used - _FLAGS_OK))}")
        self.emit("(?" + flags[0])
        self.i += 2 + flags.end()
