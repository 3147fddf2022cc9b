"""Small helpers over Python's `ast` for the SQLAlchemy and Django readers: literal values,
dotted names, class bodies."""

from __future__ import annotations

import ast
from typing import Any


def dotted(node: ast.AST | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return dotted(node.func)
    if isinstance(node, ast.Subscript):
        return dotted(node.value)
    return ""


def last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def literal(node: ast.AST | None) -> Any:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def keyword(call: ast.Call, name: str) -> Any:
    return next((literal(k.value) for k in call.keywords if k.arg == name), None)


def assignments(body: list[ast.stmt]) -> list[tuple[str, ast.AST | None, ast.AST | None, int]]:
    """(name, value, annotation, line) of each `name = value` / `name: T = value` in a body."""
    found: list[tuple[str, ast.AST | None, ast.AST | None, int]] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    found.append((target.id, stmt.value, None, stmt.lineno))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            found.append((stmt.target.id, stmt.value, stmt.annotation, stmt.lineno))
    return found


def classes(source: Any) -> list[ast.ClassDef]:
    """The classes of a SourceFile, in source order."""
    return source.nodes({"ClassDef"})


def inner_class(node: ast.ClassDef, name: str) -> ast.ClassDef | None:
    return next((n for n in node.body if isinstance(n, ast.ClassDef) and n.name == name), None)
