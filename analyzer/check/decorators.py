"""TypeScript decorators as data: `@Entity({ name })` on a class, `@Column({ name })` on its
fields, read from the tree-sitter tree (the class's own decorators, or those written before
`export`)."""

from __future__ import annotations

from typing import Any

from analyzer.check.syntax import js_value, line, text

_FIELDS = {"public_field_definition", "property_declaration", "field_definition"}


def _decorator(node: Any) -> tuple[str, tuple[Any, ...]]:
    inner = node.named_children[0] if node.named_children else node
    if inner.type == "call_expression":
        callee = inner.child_by_field_name("function")
        args = inner.child_by_field_name("arguments")
        values = tuple(js_value(a) for a in args.named_children
                       if a.type != "comment") if args is not None else ()
        return text(callee).split(".")[-1], values
    return text(inner).split(".")[-1], ()


def class_decorators(node: Any) -> dict[str, tuple[Any, ...]]:
    found = [c for c in node.children if c.type == "decorator"]
    parent = node.parent
    if parent is not None and parent.type == "export_statement":
        found = [c for c in parent.children if c.type == "decorator"] + found
    return dict(_decorator(d) for d in found)


def member_decorators(node: Any) -> list[tuple[str, int, dict[str, tuple[Any, ...]]]]:
    """(property name, line, {decorator: args}) of each decorated field of a class."""
    body = node.child_by_field_name("body")
    members = []
    pending: list[Any] = []
    for child in body.named_children if body is not None else []:
        if child.type == "decorator":  # some grammars put them beside the field
            pending.append(child)
            continue
        if child.type not in _FIELDS:
            pending = []
            continue
        marks = [*pending, *(c for c in child.children if c.type == "decorator")]
        pending = []
        name = child.child_by_field_name("name") or child.child_by_field_name("property")
        if name is None or not marks:
            continue
        members.append((text(name), line(name), dict(_decorator(d) for d in marks)))
    return members
