"""Matching stage: Records -> Matches.

A record is only tried against the rules that can match it: those whose keywords its message
holds, those that declare the record's `code` field among their `codes`, and those whose
`fields` it carries. Each regex runs with a timeout so a catastrophic user pattern is reported
and skipped, and a record yields at most one Match: the most specific one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, cast

import ahocorasick_rs
import regex

from analyzer.model import Match, Problem, Record, frozen_map, severity_rank
from analyzer.rulebook.budget import RuleClock
from analyzer.rulebook.english import NAMED, in_english, wants_catalogue
from analyzer.rulebook.keywords import derive_keywords, literal_weight, without_superstrings
from analyzer.rulebook.load import Rule
from analyzer.rulebook.normalize import NORMALIZERS
from analyzer.rulebook.pgcatalog import Catalogue, condition_name, load_catalogue

MAX_MATCH_CHARS = 16 * 1024  # rules see the first 16 KiB of an event: its head is what matters
# Codes shorter than this (MySQL's 1054) are not prefilter keywords: as bare digits they would
# pick out every line with a number in it. Their rules find records by patterns or longer codes.
MIN_CODE_KEYWORD = 5
# Outcomes of `match` remembered per (text, fields): an incident repeats one message many times.
MATCH_CACHE = 4096
CACHED_CHARS = 4096  # longer messages are matched every time (the cache stays small)
_UNSEEN = object()


@dataclass(frozen=True, slots=True)
class Hit:
    """How one rule matched one record."""

    captures: dict[str, str]
    by_code: bool  # only the record's `code` field matched (no pattern did)
    span: int  # characters the matching pattern covered: a longer match is more specific
    literal: int = 0  # literal characters of the matching pattern: more spelled out, more specific


# pattern -> (literal weight, keyword gates): derived once per pattern text per process (and
# kept with the built-in pack's cache, rulebook.cache)
PATTERN_FACTS: dict[str, tuple[int, tuple[str, ...]]] = {}


def pattern_facts(pattern: str) -> tuple[int, tuple[str, ...]]:
    facts = PATTERN_FACTS.get(pattern)
    if facts is None:
        facts = (literal_weight(pattern), tuple(k.lower() for k in derive_keywords([pattern])))
        PATTERN_FACTS[pattern] = facts
    return facts


@dataclass(slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    timeout: float = 0.25
    problems: list[Problem] = field(default_factory=list)
    clock: RuleClock = field(default_factory=RuleClock)  # regex CPU time per rule (budget)
    _by_keyword: dict[str, list[Rule]] = field(default_factory=dict, init=False)
    _by_code: dict[str, list[Rule]] = field(default_factory=dict, init=False)
    _field_rules: list[Rule] = field(default_factory=list, init=False)
    _by_code_class: dict[str, list[Rule]] = field(default_factory=dict, init=False)
    _always: list[Rule] = field(default_factory=list, init=False)
    _timed_out: int = field(default=0, init=False)
    _disabled: set[str] = field(default_factory=set, init=False)
    _order: dict[str, int] = field(default_factory=dict, init=False)
    _by_id: dict[str, Rule] = field(default_factory=dict, init=False)
    _weights: dict[str, int] = field(default_factory=dict, init=False)
    # per pattern, literals one of which any match contains: a pattern whose literals are all
    # absent from a text is not run (a substring test is ~20x cheaper than a regex search)
    _gates: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False)
    _router: ahocorasick_rs.AhoCorasick | None = field(default=None, init=False)
    _cache: dict[tuple, tuple[str, Mapping[str, str]] | None] = field(default_factory=dict,
                                                                      init=False)
    _fields_seen: dict[tuple[str, str], Any] = field(default_factory=dict, init=False)
    # PostgreSQL's message catalogue, for records no pattern matches (loaded when first needed)
    catalogue: Catalogue | None = field(default=None, init=False)
    use_catalogue: bool = True

    def __post_init__(self) -> None:
        for index, rule in enumerate(self.rules):
            for pattern in rule.patterns:
                weight, gates = pattern_facts(pattern.pattern)
                self._weights.setdefault(pattern.pattern, weight)
                self._gates.setdefault(pattern.pattern, gates)
            self._order[rule.id] = index
            self._by_id[rule.id] = rule
            for code in rule.codes:
                self._by_code.setdefault(code.lower(), []).append(rule)
            if rule.fields and rule.codes and "code" in dict(rule.fields):
                # a rule on the code field with codes (a SQLSTATE class): routed by the
                # codes' class, so a record is not tried against every class's rule
                for prefix in {code[:2].lower() for code in rule.codes}:
                    self._by_code_class.setdefault(prefix, []).append(rule)
            elif rule.fields:
                # a rule on fields can only match records that carry them: routed by those
                self._field_rules.append(rule)
            elif not rule.keywords:
                self._always.append(rule)
            for keyword in () if rule.fields else rule.keywords:
                self._by_keyword.setdefault(keyword.lower(), []).append(rule)
        if self._by_keyword:
            # One Aho-Corasick pass finds every keyword a record holds (overlapping ones too),
            # instead of one substring search per keyword: routing stays cheap with many rules.
            self._router = ahocorasick_rs.AhoCorasick(list(self._by_keyword))

    @property
    def keywords(self) -> tuple[str, ...] | None:
        """Literals for the ingest prefilter, or None when some rule must see every record.

        The rules' keywords plus their codes, so a record whose message is translated but
        whose text carries its SQLSTATE (a csvlog or JSON line) still passes."""
        if self._always or any(not rule.keywords for rule in self._field_rules):
            return None
        found: dict[str, None] = {}
        for rule in self.rules:
            for keyword in rule.keywords:
                found.setdefault(keyword.lower(), None)
                if not keyword.isascii():
                    # the prefilter folds ASCII case only: `ОШИБКА` is searched as written
                    found.setdefault(keyword, None)
            # a class fallback's codes (every SQLSTATE, ~260) would make the one regex pass
            # 2-3x slower on healthy lines full of digits; its records pass by their severity
            # words, the error marker or a specific rule's code
            for code in () if rule.fallback else rule.codes:
                if len(code) >= MIN_CODE_KEYWORD:
                    found.setdefault(code.lower(), None)
        return without_superstrings(tuple(found))

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def candidates(self, record: Record) -> list[Rule]:
        chosen: dict[str, Rule] = {r.id: r for r in self._always}
        if self._router is not None:
            lowered = record.message[:MAX_MATCH_CHARS].lower()
            for keyword in set(self._router.find_matches_as_strings(lowered, overlapping=True)):
                for rule in self._by_keyword[keyword]:
                    chosen.setdefault(rule.id, rule)
        fields = record.fields
        if fields:
            code = fields.get("code")
            if code is not None:
                for rule in (*self._by_code.get(str(code).lower(), ()),
                             *self._by_code_class.get(str(code)[:2].lower(), ())):
                    chosen.setdefault(rule.id, rule)
            for rule in self._field_rules:
                if all(name in fields for name, _ in rule.fields):
                    chosen.setdefault(rule.id, rule)
        return sorted(chosen.values(), key=lambda r: self._order[r.id])

    def hit(self, rule: Rule, record: Record) -> Hit | None:
        """How rule matches record: its fields (all must match), then a pattern on the message,
        else the record's `code` among the rule's codes; None when it does not match."""
        text = matchable(record.message)
        return self._hit(rule, record, text, text.lower())

    def _hit(self, rule: Rule, record: Record, text: str, lowered: str) -> Hit | None:
        if rule.id in self._disabled:
            return None
        captures: dict[str, str] = {}
        for name, pattern in rule.fields:
            value = record.fields.get(name)
            groups = None if value is None else self._field_groups(rule, pattern, str(value))
            if groups is None:
                return None
            captures.update(groups)
        for pattern in rule.patterns:
            gate = self._gates.get(pattern.pattern)
            if gate and not any(literal in lowered for literal in gate):
                continue
            found = self._run(rule, pattern, text, full=False)
            if found is not None:
                captures.update(_groups(found))
                return Hit(self._normalized(rule, captures), False, found.end() - found.start(),
                           self._weights.get(pattern.pattern, 0))
        if not rule.patterns:
            return Hit(self._normalized(rule, captures), False, 0)
        if rule.codes and _has_code(record.fields, rule.codes):
            names = rule.capture_names
            captures.update({k: str(v) for k, v in record.fields.items()
                             if k in names and v is not None and str(v)})
            return Hit(self._normalized(rule, captures), True, 0)
        return None

    def _field_groups(self, rule: Rule, pattern: regex.Pattern[str],
                      value: str) -> dict[str, str] | None:
        """A field pattern's captures on a value, or None. Field values repeat (40 class
        rules test every record's SQLSTATE): outcomes are remembered."""
        key = (pattern.pattern, value)
        known = self._fields_seen.get(key, _UNSEEN)
        if known is _UNSEEN:
            found = self._run(rule, pattern, value, full=True)
            known = None if found is None else _groups(found)
            if len(value) <= CACHED_CHARS:
                if len(self._fields_seen) >= MATCH_CACHE:
                    self._fields_seen.clear()
                self._fields_seen[key] = known
        return None if known is None else dict(known)

    def match_text(self, rule: Rule, text: str,
                   fields: Mapping[str, Any] | None = None) -> dict[str, str] | None:
        """Captures of rule on a bare text (and fields), or None: for examples and tests."""
        record = Record(source="-", lineno=1, format="plain", message=text, raw=text,
                        fields=frozen_map(dict(fields or {})))
        found = self.hit(rule, record)
        return None if found is None else found.captures

    def matches(self, record: Record) -> list[tuple[Rule, Hit]]:
        found = []
        text = matchable(record.message)
        lowered = text.lower()
        for rule in self.candidates(record):
            hit = self._hit(rule, record, text, lowered)
            if hit is not None:
                found.append((rule, hit))
        return found

    def match(self, record: Record) -> Match | None:
        """The most specific match: a pattern over a bare code, then most captures, then the
        longest matched text (`SequelizeDatabaseError: relation …` over `relation …`), then the
        pattern that spells out more literally, then worst severity, then rule order. The
        outcome depends only on the record's text and fields, so a repeated record is looked
        up, not matched again."""
        key = _cache_key(record)
        known = self._cache.get(key, _UNSEEN) if key is not None else _UNSEEN
        if known is _UNSEEN:
            timeouts = self._timed_out
            known = self._best(record)
            # a timeout depends on the moment, not on the record: that outcome is not kept
            if key is not None and self._timed_out == timeouts:
                if len(self._cache) >= MATCH_CACHE:
                    self._cache.clear()
                self._cache[key] = known
        if known is None:
            return None
        rule_id, captures = cast(tuple[str, MappingProxyType[str, str]], known)
        return Match(rule_id, record, captures)

    def _best(self, record: Record) -> tuple[str, Mapping[str, str]] | None:
        best = self._most_specific(self.matches(record))
        if (self.use_catalogue and (best is None or best[1].by_code or best[0].fallback)
                and wants_catalogue(record)):
            # No pattern knows this text: PostgreSQL's catalogue may (a translated message, a
            # message without its SQLSTATE); its English form and code are matched instead.
            english = in_english(record, self._catalogue())
            again = None if english is None else self._most_specific(self.matches(english))
            if (english is not None and again is not None
                    and (best is None or self.rank(again) < self.rank(best))):
                best = _with_fields(again, english)
        if best is None:
            return None
        rule, hit = best
        captures = dict(hit.captures)
        if "code" in rule.fingerprint and "code" not in captures:
            code = self._code_of(record)
            if code:
                captures["code"] = code
        if rule.fallback and "code" in captures:
            condition = condition_name(captures["code"])
            if condition:
                captures["condition"] = condition
        return rule.id, frozen_map(captures)

    def rank(self, pair: tuple[Rule, Hit]) -> tuple:
        """Lower is more specific: a rule that is not a class fallback, a pattern over a bare
        code, more captures, a longer matched text, more literal characters, worse severity,
        rule order."""
        rule, hit = pair
        return (rule.fallback, hit.by_code, -len(hit.captures), -hit.span, -hit.literal,
                severity_rank(rule.severity), self._order[rule.id])

    def _most_specific(self, found: list[tuple[Rule, Hit]]) -> tuple[Rule, Hit] | None:
        return min(found, key=self.rank) if found else None

    def _code_of(self, record: Record) -> str | None:
        """The record's SQLSTATE: its `code` field, else the code of its message's template
        (a stderr line without %e)."""
        code = record.fields.get("code")
        if code is not None:
            return str(code)
        if not (self.use_catalogue and wants_catalogue(record)):
            return None
        english = in_english(record, self._catalogue())
        return None if english is None else str(english.fields["code"])

    def _catalogue(self) -> Catalogue:
        if self.catalogue is None:
            self.catalogue = load_catalogue()
        return self.catalogue

    def _run(self, rule: Rule, pattern: regex.Pattern[str], text: str, *,
             full: bool) -> regex.Match[str] | None:
        started = time.thread_time()  # CPU time: a busy machine does not make a rule slow
        try:
            if full:
                return pattern.fullmatch(text, timeout=self.timeout)
            return pattern.search(text, timeout=self.timeout)
        except TimeoutError:
            self._note_timeout(rule, pattern.pattern)
            return None
        finally:
            self._charge(rule, time.thread_time() - started)

    def _charge(self, rule: Rule, seconds: float) -> None:
        reason = self.clock.charge(rule.id, seconds)
        if reason is not None and rule.id not in self._disabled:
            self._disabled.add(rule.id)
            self._timed_out += 1  # the outcome of this call depended on the moment
            self.problems.append(Problem(f"{rule.source}:{rule.line}",
                                         f"rule {rule.id}: {reason}"))

    def _normalized(self, rule: Rule, captures: dict[str, str]) -> dict[str, str]:
        for name, how in rule.normalize.items():
            if name in captures:
                captures[name] = NORMALIZERS[how](captures[name])
        return captures

    def _note_timeout(self, rule: Rule, pattern: str) -> None:
        self._timed_out += 1
        for message, off in self.clock.timed_out(rule.id, pattern, self.timeout):
            if off:
                self._disabled.add(rule.id)
            self.problems.append(Problem(f"{rule.source}:{rule.line}",
                                         f"rule {rule.id}: {message}"))


def matchable(message: str) -> str:
    """The text patterns see: the event's head, with JSON-escaped quotes unescaped, so
    `"message":"relation \\"public.x\\" does not exist"` in a logged PostgREST body matches
    the same pattern as the server's own `relation "public.x" does not exist`."""
    text = message[:MAX_MATCH_CHARS]
    return text.replace('\\"', '"') if '\\"' in text else text


def _cache_key(record: Record) -> tuple | None:
    """What `match` depends on (None: not cached: a long message, a field value that cannot
    be a key)."""
    if len(record.message) > CACHED_CHARS:
        return None
    key = (record.message, tuple(record.fields.items()))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _groups(found: regex.Match[str]) -> dict[str, str]:
    return {k: value_end(v) for k, v in found.groupdict().items() if v is not None}


# A quote that closes the string the value was printed in, then what follows a struct field
# (`message: "operator does not exist: jsonb ~~ unknown", severity: …`).
_CLOSING_QUOTE = regex.compile(r"""["'`](?:\s*,\s*[\w$]+:|\s*,?\s*$|\)\s*[,}]|\s*\})""")


def value_end(value: str) -> str:
    """A capture cut where the quoted value it was found in ends: at the first quote that
    opens nothing inside the capture and is followed by a separator, so a lazy `[^\n]+`
    capture of an error printed inside a struct (Prisma, util.inspect) stops at the value,
    while a balanced quote (`"MyType" = integer`) stays."""
    if "'" not in value and '"' not in value and "`" not in value:
        return value
    for found in _CLOSING_QUOTE.finditer(value):
        quote, at = value[found.start()], found.start()
        if value.count(quote, 0, at) % 2 == 0 and at > 0:
            return value[:at].rstrip()
    return value


def _with_fields(pair: tuple[Rule, Hit], record: Record) -> tuple[Rule, Hit]:
    """The hit with the capture values the record's fields carry where its pattern left them
    empty: a csvlog's `schema`, the table and column PostgreSQL's template of the message
    names (a rule matched by code alone has no pattern to capture them)."""
    rule, hit = pair
    # a pattern hit keeps what its pattern captured, as on the English text itself
    names = rule.capture_names | (set(record.fields.get(NAMED, ())) if hit.by_code else set())
    extra = {k: str(v) for k, v in record.fields.items()
             if k in names and k not in hit.captures and v is not None and str(v)}
    return (rule, replace(hit, captures={**hit.captures, **extra})) if extra else pair


def _has_code(fields: Mapping[str, Any], codes: tuple[str, ...]) -> bool:
    code = fields.get("code")
    return code is not None and str(code).lower() in {c.lower() for c in codes}


def build_ruleset(rules: Iterable[Rule], timeout: float = 0.25) -> RuleSet:
    return RuleSet(tuple(rules), timeout=timeout)
