"""An unclassified incident -> the YAML draft of a rule that would classify it.

The template becomes one `regex` pattern: constants escaped, `\\s+` between tokens, a named
capture at every variable (named as the incident's entities: the labelling word or the
type). The incident's samples become the rule's examples, with the captures the pattern
takes from them, so the draft passes `analyzer rules lint` and `analyzer rules test` as
printed.
"""

from __future__ import annotations

import regex
import yaml

from analyzer.errors import AnalyzerError
from analyzer.mining.masks import PLACEHOLDERS, head_line, is_variable
from analyzer.mining.unclassified import RULE_ID, variable_names
from analyzer.model import Incident

_CAPTURE = {
    "<num>": r"-?\d+(?:\.\d+)?",
    "<hex>": r"(?:0[xX])?[0-9a-fA-F]+",
    "<ip>": r"\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?",
    "<uuid>": r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}",
    "<str>": r"[^\s\"'`]+",
}
_ANY = r"\S+"
_PIECES = regex.compile("|".join(regex.escape(p) for p in PLACEHOLDERS))
_TRACEBACK = "Traceback:"


def template_pattern(tokens: list[str]) -> tuple[str, list[str]]:
    """The regex for a template and the names of its captures, in order."""
    names = variable_names(tokens)
    parts: list[str] = []
    captures: list[str] = []
    for i, token in enumerate(tokens):
        if not is_variable(token):
            parts.append(regex.escape(token))
            continue
        if token == "<ts>" and i > 0 and tokens[i - 1] == "<ts>":
            # a date spread over tokens (`Sun Jul 10 03:55:22`) is one capture
            parts[-1] = parts[-1][:-1] + r"\s+\S+)"
            continue
        piece, at = "", 0
        for n, found in enumerate(_PIECES.finditer(token), start=1):
            name = names[i] if n == 1 else f"{names[i]}_{n}"
            piece += regex.escape(token[at: found.start()])
            piece += f"(?P<{name}>{_CAPTURE.get(found.group(), _ANY)})"
            captures.append(name)
            at = found.end()
        parts.append(piece + regex.escape(token[at:]))
    pattern = r"\s+".join(parts)
    if tokens and is_variable(tokens[0]) and tokens[0].startswith("<"):
        pattern = r"(?<!\S)" + pattern  # a leading value starts at a token boundary
    return pattern, captures


def _keyword(tokens: list[str]) -> str | None:
    words = [t.strip("\"'`()[]{}:,.;") for t in tokens if not is_variable(t)]
    words = [w for w in words if w]
    return max(words, key=len) if words else None


def rule_draft(incident: Incident) -> str:
    """YAML text of a rule file holding one rule that matches this unclassified incident."""
    if incident.rule != RULE_ID:
        raise AnalyzerError(f"incident {incident.id} is already classified by rule "
                            f"{incident.rule}")
    tokens = incident.title.split()
    if tokens and tokens[0] == _TRACEBACK:
        tokens = tokens[1:]  # the exception line names a traceback; the rule matches that line
    keyword = _keyword(tokens)
    if keyword is None:
        raise AnalyzerError(f"incident {incident.id}: its template has no constant text "
                            "for a rule to match")
    pattern, captures = template_pattern(tokens)
    compiled = regex.compile(pattern)
    names = variable_names(tokens)
    # quoted identifiers (`relation "<str>"`) tell incidents apart, as the built-in rules do
    fingerprint = [names[i] for i, t in enumerate(tokens) if "<str>" in t and names[i] in captures]
    rule = {
        "id": f"custom.template_{incident.id}",
        "title": incident.title,
        "severity": "high",
        "category": "application",
        "patterns": [pattern],
        "keywords": [keyword],
        "fingerprint": fingerprint,
        "docs": f"Drafted by `analyzer rules suggest` from unclassified incident "
                f"{incident.id} ({incident.count} occurrence(s)). Say what it means, its "
                "usual causes and the fix.",
        "examples": _examples(incident, compiled),
    }
    if not fingerprint:
        del rule["fingerprint"]
    header = (f"# Rule draft for unclassified incident {incident.id}: review the title, "
              "severity, category and docs,\n# then check it with `analyzer rules lint` and "
              "`analyzer rules test`.\n")
    body = yaml.safe_dump({"rules": [rule]}, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def _examples(incident: Incident, compiled: regex.Pattern[str]) -> list[dict]:
    examples, seen = [], set()
    for sample in incident.samples:
        text = head_line(sample.message)
        if text.startswith(_TRACEBACK + " "):
            text = text[len(_TRACEBACK) + 1:]
        found = compiled.search(text)
        if found is None or text in seen:
            continue  # e.g. a sample cut at max_tokens; the rule must pass its own examples
        seen.add(text)
        captures = {k: v for k, v in found.groupdict().items() if v is not None}
        examples.append({"name": f"sample_{len(examples) + 1}", "text": text,
                         "captures": captures})
    return examples
