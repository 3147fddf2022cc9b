"""An unclassified incident -> the YAML draft of a rule that would classify it.

The template becomes one `regex` pattern: constants escaped, `\\s+` between tokens, a named
capture at every variable (named as the incident's entities: the labelling word or the
type). The incident's samples become the rule's examples, with the captures the pattern
takes from them, and a line of another incident (or the sample without its keyword) the
example it must not match, so the draft passes `analyzer rules lint` and `analyzer rules
test` as printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex
import yaml

from analyzer.errors import AnalyzerError, UsageError
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
_NAME_CLEAN = re.compile(r"[^a-z0-9_]+")


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


def rule_draft(incident: Incident, others: Sequence[Incident] = ()) -> str:
    """YAML text of a rule file holding the rule of `rule_dict`, with a header saying what to
    review."""
    header = (f"# Rule draft for unclassified incident {incident.id}: review the title, "
              "severity, category and docs,\n# then check it with `analyzer rules lint` and "
              "`analyzer rules test`.\n")
    body = yaml.safe_dump({"rules": [rule_dict(incident, others)]}, sort_keys=False,
                          allow_unicode=True, width=100)
    return header + body


def rule_dict(incident: Incident, others: Sequence[Incident] = ()) -> dict:
    """The rule (as a rule file holds it) that matches this unclassified incident, with its
    samples as examples that must match and, as one that must not, a line of another incident
    of the same logs (see `_counter_example`)."""
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
        "examples": [*_examples(incident, compiled),
                     _counter_example(incident, others, compiled, keyword)],
    }
    if not fingerprint:
        del rule["fingerprint"]
    return rule


def _counter_example(incident: Incident, others: Sequence[Incident],
                     compiled: regex.Pattern[str], keyword: str) -> dict:
    """An example the rule must not match (`analyzer rules lint` asks for one): a line of
    another incident, one holding the rule's keyword first (a near miss says most); without
    any, the incident's own first line with its keyword taken out."""
    texts = [head_line(sample.message) for other in others if other.id != incident.id
             for sample in other.samples]
    misses = [text for text in texts if compiled.search(text) is None]
    near = [text for text in misses if keyword.lower() in text.lower()]
    if near or misses:
        return {"name": "another_incident", "text": (near or misses)[0], "match": False}
    first = head_line(incident.samples[0].message) if incident.samples else incident.title
    text = " ".join(first.replace(keyword, " ").split())
    return {"name": f"without_{_NAME_CLEAN.sub('_', keyword.lower()).strip('_') or 'keyword'}",
            "text": text, "match": False}


def _examples(incident: Incident, compiled: regex.Pattern[str]) -> list[dict]:
    examples: list[dict] = []
    seen: set[str] = set()
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


def find_incident(incidents: Sequence[Incident], wanted: str) -> Incident:
    """The incident whose id is `wanted` or, failing that, the only one it prefixes."""
    exact = [i for i in incidents if i.id == wanted]
    found = exact or [i for i in incidents if i.id.startswith(wanted)]
    if len(found) == 1:
        return found[0]
    known = ", ".join(i.id for i in incidents if i.rule == "unclassified") or "none"
    if found:
        raise UsageError(f"incident {wanted!r} is ambiguous: {', '.join(i.id for i in found)}")
    raise UsageError(f"no incident {wanted!r} in these logs (unclassified ones: {known})")
