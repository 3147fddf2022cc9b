"""Rule files (YAML) -> validated Rule values. Every error names the file, the line and the key.

The format is a public contract (DESIGN.md, "Contracts"; README "Rules"): a top-level `rules:`
list of mappings with the keys in RULE_KEYS. A rule is validated whole, so one broken rule
reports all its problems at once (for `analyzer rules lint`) and the other rules still load.
"""

from __future__ import annotations

import re as std_re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import regex

from analyzer.errors import RuleError
from analyzer.model import CATEGORIES, SEVERITIES
from analyzer.rulebook.keywords import derive_keywords
from analyzer.rulebook.normalize import NORMALIZERS
from analyzer.rulebook.yamlread import LinedDict, LinedList, read_yaml

RULE_KEYS = {
    "id": "dotted id, unique across all loaded files",
    "title": "one-line name of the problem",
    "severity": "critical | high | medium | low | info",
    "category": "schema | database | connection | auth | platform | application",
    "codes": "SQLSTATEs / PGRST / driver codes the rule covers; a record whose `code` field is "
             "one of them matches even when no pattern does (e.g. a translated message)",
    "patterns": "regular expressions (the `regex` module) tried on the message; any may match",
    "fields": "record field -> regular expression; every one must match the whole field",
    "keywords": "literal prefilter strings; derived from the patterns when absent",
    "fingerprint": "capture names that make the incident key (`code`: the record's SQLSTATE)",
    "normalize": "capture -> normalizer (url_path, lower) applied before it becomes an entity",
    "fallback": "true: the rule only wins when no other rule matches (a whole SQLSTATE class)",
    "group": "incident group shared by rules that report the same problem in other shapes",
    "diagnose": "which diagnosis applies (e.g. naming)",
    "docs": "what it means, usual causes, the fix",
    "examples": "lines that must (and must not) match, with expected captures",
}
REQUIRED_KEYS = ("id", "title", "severity", "category")
EXAMPLE_KEYS = {"text", "match", "captures", "name", "fields"}
ID_RE = std_re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    match: bool
    captures: MappingProxyType[str, str] | None
    line: int
    name: str
    fields: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    severity: str
    category: str
    codes: tuple[str, ...]
    patterns: tuple[regex.Pattern[str], ...]
    keywords: tuple[str, ...]
    fingerprint: tuple[str, ...]
    group: str | None
    diagnose: str | None
    docs: str
    examples: tuple[Example, ...]
    source: str
    line: int
    fields: tuple[tuple[str, regex.Pattern[str]], ...] = ()
    normalize: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    lines: MappingProxyType[str, int] = field(default_factory=lambda: _EMPTY)
    fallback: bool = False

    @property
    def capture_names(self) -> set[str]:
        names = {name for pattern in self.patterns for name in pattern.groupindex}
        names.update(name for _, pattern in self.fields for name in pattern.groupindex)
        return names

    def line_of(self, key: str) -> int:
        """The line of one of this rule's keys in its file (the rule's line if absent)."""
        return self.lines.get(key, self.line)


def read_rule_file(path: Path) -> tuple[list[Rule], list[RuleError]]:
    """Parse one file; returns the valid rules and an error for each problem found."""
    name = str(path)
    try:
        document = read_yaml(path)
    except RuleError as exc:
        return [], [exc]
    if not isinstance(document, LinedDict) or "rules" not in document:
        return [], [RuleError(name, 1, "rules", "a rule file needs a top-level `rules:` list")]
    unknown = sorted(set(document) - {"rules"})
    errors = [RuleError(name, document.line_of(k), k, "unknown top-level key") for k in unknown]
    entries = document["rules"]
    if not isinstance(entries, list):
        return [], [*errors, RuleError(name, document.line_of("rules"), "rules",
                                       "must be a list of rules")]
    rules: list[Rule] = []
    for index, entry in enumerate(entries):
        line = entries.line_of(index) if isinstance(entries, LinedList) else 1
        if not isinstance(entry, LinedDict):
            errors.append(RuleError(name, line, "rules", "each rule must be a mapping"))
            continue
        rule, problems = _RuleBuilder(name, entry).build()
        errors.extend(problems)
        if rule is not None:
            rules.append(rule)
    return rules, errors


class _RuleBuilder:
    """Validates one rule mapping, collecting every problem instead of stopping at the first."""

    def __init__(self, path: str, entry: LinedDict) -> None:
        self.path, self.entry = path, entry
        self.errors: list[RuleError] = []
        # after a broken or missing pattern the capture names are unknown: do not report
        # every use of them as a second error
        self.captures_unknown = False

    def fail(self, key: str, problem: str, line: int | None = None) -> None:
        rule_id = self.entry.get("id")
        label = f"rule {rule_id}: " if isinstance(rule_id, str) else ""
        self.errors.append(RuleError(self.path, line or self.entry.line_of(key), key,
                                     label + problem))

    def build(self) -> tuple[Rule | None, list[RuleError]]:
        entry = self.entry
        for key in entry:
            if key not in RULE_KEYS:
                self.fail(key, f"unknown key (known: {', '.join(RULE_KEYS)})")
        for key in REQUIRED_KEYS:
            if key not in entry:
                self.errors.append(RuleError(self.path, entry.line, key, "missing required key"))
        if "patterns" not in entry and "fields" not in entry:
            self.errors.append(RuleError(self.path, entry.line, "patterns",
                                         "missing required key (or `fields`)"))
            self.captures_unknown = True
        rule_id = entry.get("id")
        if "id" in entry and (not isinstance(rule_id, str) or not ID_RE.match(rule_id)):
            self.fail("id", "must be dotted snake_case, e.g. postgres.undefined_column")
        for key in ("title", "docs"):
            if key in entry and not isinstance(entry[key], str):
                self.fail(key, "must be text")
        if "severity" in entry and entry["severity"] not in SEVERITIES:
            self.fail("severity", f"must be one of {', '.join(SEVERITIES)}")
        if "category" in entry and entry["category"] not in CATEGORIES:
            self.fail("category", f"must be one of {', '.join(CATEGORIES)}")
        patterns = self.patterns()
        fields = self.fields()
        captures = {n for p in patterns for n in p.groupindex}
        captures.update(n for _, p in fields for n in p.groupindex)
        fingerprint = self.names("fingerprint", captures)
        normalize = self.normalize(captures)
        keywords = self.text_list("keywords")
        if not keywords:
            keywords = derive_keywords([p.pattern for p in patterns]) if patterns else ()
        diagnose = self.optional_text("diagnose")
        group = entry.get("group")
        if group is not None and (not isinstance(group, str) or not ID_RE.match(group)):
            self.fail("group", "must be a dotted id like the rule ids")
        examples = self.examples(captures)
        fallback = entry.get("fallback", False)
        if not isinstance(fallback, bool):
            self.fail("fallback", "must be true or false")
        if self.errors:
            return None, self.errors
        assert isinstance(rule_id, str)  # a missing or bad id is an error above
        rule = Rule(
            id=rule_id, title=entry["title"], severity=entry["severity"],
            category=entry["category"], codes=self.text_list("codes"), patterns=patterns,
            keywords=tuple(k for k in keywords if k.strip()), fingerprint=fingerprint,
            group=group, diagnose=diagnose, docs=(entry.get("docs") or "").strip(),
            examples=examples, source=self.path, line=entry.line, fields=fields,
            normalize=MappingProxyType(normalize),
            lines=MappingProxyType(dict(entry.lines)), fallback=bool(fallback),
        )
        return rule, []

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.entry.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.fail(key, "must be a list of strings")
            return ()
        return tuple(str(v) for v in value)

    def optional_text(self, key: str) -> str | None:
        value = self.entry.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(key, "must be text")
            return None
        return value

    def names(self, key: str, captures: set[str]) -> tuple[str, ...]:
        names = self.text_list(key)
        for name in names:
            # `code`: the record's code (SQLSTATE), which the engine always knows how to find
            if name not in captures and name != "code" and not self.captures_unknown:
                self.fail(key, f"no pattern captures {name!r}")
        return names

    def compile(self, key: str, text: Any, line: int) -> regex.Pattern[str] | None:
        if not isinstance(text, str) or not text:
            self.fail(key, "must be a non-empty regular expression", line)
            return None
        try:
            return regex.compile(text)
        except regex.error as exc:
            self.fail(key, f"invalid regex {text!r}: {exc}", line)
            self.captures_unknown = True
            return None

    def patterns(self) -> tuple[regex.Pattern[str], ...]:
        raw = self.entry.get("patterns")
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = LinedList([raw], [self.entry.line_of("patterns")],
                            self.entry.line_of("patterns"))
        if not isinstance(raw, LinedList) or not raw:
            self.fail("patterns", "must be a non-empty list of regular expressions")
            return ()
        compiled = [self.compile("patterns", text, raw.line_of(i)) for i, text in enumerate(raw)]
        return tuple(p for p in compiled if p is not None)

    def fields(self) -> tuple[tuple[str, regex.Pattern[str]], ...]:
        raw = self.entry.get("fields")
        if raw is None:
            return ()
        if not isinstance(raw, LinedDict) or not raw:
            self.fail("fields", "must be a mapping of field name -> regular expression")
            return ()
        found = []
        for name, text in raw.items():
            pattern = self.compile("fields", text, raw.line_of(name))
            if pattern is not None:
                found.append((name, pattern))
        return tuple(found)

    def normalize(self, captures: set[str]) -> dict[str, str]:
        raw = self.entry.get("normalize")
        if raw is None:
            return {}
        if not isinstance(raw, LinedDict):
            self.fail("normalize", "must be a mapping of capture -> normalizer")
            return {}
        for name, how in raw.items():
            if name not in captures and not self.captures_unknown:
                self.fail("normalize", f"no pattern captures {name!r}", raw.line_of(name))
            if how not in NORMALIZERS:
                self.fail("normalize", f"unknown normalizer {how!r} (known: "
                                       f"{', '.join(NORMALIZERS)})", raw.line_of(name))
        return {str(k): str(v) for k, v in raw.items()}

    def examples(self, captures: set[str]) -> tuple[Example, ...]:
        raw = self.entry.get("examples", [])
        if not isinstance(raw, list):
            self.fail("examples", "must be a list")
            return ()
        examples = []
        for index, item in enumerate(raw, start=1):
            line = raw.line_of(index - 1) if isinstance(raw, LinedList) else None
            example = self.example(item, index, line, captures)
            if example is not None:
                examples.append(example)
        return tuple(examples)

    def example(self, item: Any, index: int, line: int | None,
                captures: set[str]) -> Example | None:
        if not isinstance(item, LinedDict) or not isinstance(item.get("text"), str):
            self.fail("examples", f"example {index} needs a `text` string", line)
            return None
        before = len(self.errors)
        for key in item:
            if key not in EXAMPLE_KEYS:
                self.fail(key, f"unknown example key (known: {', '.join(sorted(EXAMPLE_KEYS))})",
                          item.line_of(key))
        expected = item.get("captures")
        if expected is not None:
            if not isinstance(expected, dict):
                self.fail("captures", "must be a mapping", item.line_of("captures"))
                expected = {}
            for name in expected:
                if name not in captures and not self.captures_unknown:
                    self.fail("captures", f"no pattern captures {name!r}",
                              item.line_of("captures"))
            expected = MappingProxyType({str(k): str(v) for k, v in expected.items()})
        fields = item.get("fields") or {}
        if not isinstance(fields, dict):
            self.fail("fields", "must be a mapping of field name -> value", item.line_of("fields"))
            fields = {}
        match = item.get("match", True)
        if not isinstance(match, bool):
            self.fail("match", "must be true or false", item.line_of("match"))
        if len(self.errors) > before:
            return None
        return Example(text=item["text"], match=match, captures=expected, line=item.line,
                       name=str(item.get("name") or f"ex{index}"),
                       fields=MappingProxyType({str(k): str(v) for k, v in fields.items()}))


def builtin_rules_dir() -> Path:
    """The rules shipped with the package: inside the wheel, or the checkout's rules/."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "_builtin_rules"
    return shipped if shipped.is_dir() else package.parent / "rules"


def rule_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[RuleError]]:
    files: list[Path] = []
    errors: list[RuleError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
                                and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(RuleError(str(path), None, None, "no such rule file or directory"))
    return files, errors
