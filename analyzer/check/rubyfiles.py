"""Ruby values from the tree-sitter tree: symbols and strings, call arguments and keyword
pairs, and the gems a Gemfile names."""

from __future__ import annotations

from typing import Any

from analyzer.check.syntax import _parser, text, walk


def value(node: Any) -> Any:
    if node.type in ("simple_symbol", "hash_key_symbol"):
        return text(node).lstrip(":")
    if node.type == "string":
        parts = [c for c in node.named_children]
        if all(c.type == "string_content" for c in parts):
            return "".join(text(c) for c in parts)
        return None
    if node.type in ("true", "false"):
        return node.type == "true"
    return None


def call_args(call: Any) -> tuple[list[Any], dict[str, Any]]:
    """Positional values and keyword pairs of a call (`belongs_to :team, foreign_key: "x"`)."""
    args = call.child_by_field_name("arguments")
    positional, pairs = [], {}
    for child in args.named_children if args is not None else []:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            val = child.child_by_field_name("value")
            if key is not None and val is not None:
                pairs[str(value(key) or text(key)).rstrip(":")] = value(val)
        else:
            positional.append(value(child))
    return positional, pairs


def gem_names(content: str) -> list[str]:
    root = _parser("ruby").parse(content.encode()).root_node
    names = []
    for call in walk(root, {"call"}):
        method = call.child_by_field_name("method")
        if method is not None and text(method) == "gem":
            positional, _ = call_args(call)
            if positional and isinstance(positional[0], str):
                names.append(positional[0])
    return names
