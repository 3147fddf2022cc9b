"""Rule files (YAML) -> validated Rule values. Every error names the file, the line and the key.

The format is a public contract (DESIGN.md, "Contracts"): a top-level `rules:` list of
mappings with the keys in RULE_KEYS.
"""

from __future__ import annotations

import re as std_re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import regex
import yaml

from analyzer.errors import RuleError
from analyzer.model import CATEGORIES, SEVERITIES
from analyzer.rulebook.keywords import derive_keywords

RULE_KEYS = {
    "id": "dotted id, unique across all loaded files",
    "title": "one-line name of the problem",
    "severity": "critical | high | medium | low | info",
    "category": "schema | database | connection | auth | platform | application",
    "codes": "SQLSTATEs / PGRST / driver codes the rule covers",
    "patterns": "regular expressions (the `regex` module); any may match",
    "keywords": "literal prefilter strings; derived from the patterns when absent",
    "fingerprint": "capture names that make the incident key",
    "group": "incident group shared by rules that report the same problem in other shapes",
    "diagnose": "which diagnosis applies (e.g. naming)",
    "docs": "what it means, usual causes, the fix",
    "examples": "lines that must (and must not) match, with expected captures",
}
REQUIRED_KEYS = ("id", "title", "severity", "category", "patterns")
EXAMPLE_KEYS = {"text", "match", "captures", "name"}
ID_RE = std_re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    match: bool
    captures: MappingProxyType[str, str] | None
    line: int
    name: str


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

    @property
    def capture_names(self) -> set[str]:
        return {name for pattern in self.patterns for name in pattern.groupindex}


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping key."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = LinedDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"keys must be text, got {key!r}", key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class LinedDict(dict):
    """A dict that knows the line it started on and the line of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}
        self.line = 0

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


def read_rule_file(path: Path) -> tuple[list[Rule], list[RuleError]]:
    """Parse one file; returns the valid rules and an error for each invalid one."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], [RuleError(name, None, None, "not UTF-8 text")]
    except OSError as exc:
        return [], [RuleError(name, None, None, f"cannot read: {exc.strerror}")]
    try:
        document = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], [RuleError(name, mark.line + 1 if mark else None, None,
                              f"invalid YAML: {problem}")]
    if not isinstance(document, LinedDict) or "rules" not in document:
        return [], [RuleError(name, 1, "rules", "a rule file needs a top-level `rules:` list")]
    unknown = sorted(set(document) - {"rules"})
    errors = [RuleError(name, document.line_of(k), k, "unknown top-level key") for k in unknown]
    entries = document["rules"]
    if not isinstance(entries, list):
        return [], [*errors, RuleError(name, document.line_of("rules"), "rules",
                                       "must be a list of rules")]
    rules: list[Rule] = []
    for entry in entries:
        try:
            rules.append(_build_rule(entry, name, document.line_of("rules")))
        except RuleError as exc:
            errors.append(exc)
    return rules, errors


def _fail(path: str, entry: LinedDict, key: str, problem: str) -> RuleError:
    rule_id = entry.get("id")
    label = f"rule {rule_id}: " if isinstance(rule_id, str) else ""
    return RuleError(path, entry.line_of(key), key, label + problem)


def _text_list(entry: LinedDict, key: str, path: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise _fail(path, entry, key, "must be a list of strings")
    return tuple(str(v) for v in value)


def _build_rule(entry: Any, path: str, list_line: int) -> Rule:
    if not isinstance(entry, LinedDict):
        raise RuleError(path, list_line, "rules", "each rule must be a mapping")
    for key in entry:
        if key not in RULE_KEYS:
            raise _fail(path, entry, key, f"unknown key (known: {', '.join(RULE_KEYS)})")
    for key in REQUIRED_KEYS:
        if key not in entry:
            raise RuleError(path, entry.line, key, "missing required key")
    rule_id = entry["id"]
    if not isinstance(rule_id, str) or not ID_RE.match(rule_id):
        raise _fail(path, entry, "id", "must be dotted snake_case, e.g. postgres.undefined_column")
    for key in ("title", "docs"):
        if key in entry and not isinstance(entry[key], str):
            raise _fail(path, entry, key, "must be text")
    if entry["severity"] not in SEVERITIES:
        raise _fail(path, entry, "severity", f"must be one of {', '.join(SEVERITIES)}")
    if entry["category"] not in CATEGORIES:
        raise _fail(path, entry, "category", f"must be one of {', '.join(CATEGORIES)}")
    patterns = _compile_patterns(entry, path)
    captures = {name for pattern in patterns for name in pattern.groupindex}
    fingerprint = _text_list(entry, "fingerprint", path)
    for name in fingerprint:
        if name not in captures:
            raise _fail(path, entry, "fingerprint", f"no pattern captures {name!r}")
    keywords = _text_list(entry, "keywords", path)
    if not keywords:
        keywords = derive_keywords([p.pattern for p in patterns])
    diagnose = entry.get("diagnose")
    if diagnose is not None and not isinstance(diagnose, str):
        raise _fail(path, entry, "diagnose", "must be text")
    group = entry.get("group")
    if group is not None and (not isinstance(group, str) or not ID_RE.match(group)):
        raise _fail(path, entry, "group", "must be a dotted id like the rule ids")
    return Rule(
        id=rule_id, title=entry["title"], severity=entry["severity"],
        category=entry["category"], codes=_text_list(entry, "codes", path),
        patterns=patterns, keywords=tuple(k for k in keywords if k.strip()),
        fingerprint=fingerprint, group=group, diagnose=diagnose,
        docs=(entry.get("docs") or "").strip(),
        examples=_examples(entry, path, captures), source=path, line=entry.line,
    )


def _compile_patterns(entry: LinedDict, path: str) -> tuple[regex.Pattern[str], ...]:
    raw = entry["patterns"]
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
        raise _fail(path, entry, "patterns", "must be a non-empty list of regular expressions")
    compiled = []
    for text in raw:
        try:
            compiled.append(regex.compile(text))
        except regex.error as exc:
            raise _fail(path, entry, "patterns", f"invalid regex {text!r}: {exc}") from None
    return tuple(compiled)


def _examples(entry: LinedDict, path: str, captures: set[str]) -> tuple[Example, ...]:
    raw = entry.get("examples", [])
    if not isinstance(raw, list):
        raise _fail(path, entry, "examples", "must be a list")
    examples = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, LinedDict) or not isinstance(item.get("text"), str):
            raise _fail(path, entry, "examples", f"example {index} needs a `text` string")
        for key in item:
            if key not in EXAMPLE_KEYS:
                raise RuleError(path, item.line_of(key), key,
                                f"unknown example key (known: {', '.join(sorted(EXAMPLE_KEYS))})")
        expected = item.get("captures")
        if expected is not None:
            if not isinstance(expected, dict):
                raise RuleError(path, item.line_of("captures"), "captures", "must be a mapping")
            for name in expected:
                if name not in captures:
                    raise RuleError(path, item.line_of("captures"), "captures",
                                    f"no pattern captures {name!r}")
            expected = MappingProxyType({str(k): str(v) for k, v in expected.items()})
        match = item.get("match", True)
        if not isinstance(match, bool):
            raise RuleError(path, item.line_of("match"), "match", "must be true or false")
        examples.append(Example(text=item["text"], match=match, captures=expected,
                                line=item.line, name=str(item.get("name") or f"ex{index}")))
    return tuple(examples)


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
