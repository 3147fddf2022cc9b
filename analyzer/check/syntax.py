"""Source files -> syntax trees (tree-sitter for JavaScript, TypeScript and Ruby; `ast` for
Python), parsed once per file and shared by every reader, and a small evaluator that turns
JavaScript literals (objects, arrays, strings, template literals without substitutions) into
Python values so readers look at data, not at nodes. A file that does not parse raises
SourceSyntaxError naming its first bad line."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import tree_sitter
import tree_sitter_javascript
import tree_sitter_ruby
import tree_sitter_typescript

from analyzer.check import prismaparse
from analyzer.errors import AnalyzerError

JS_SUFFIXES = (".js", ".cjs", ".mjs", ".jsx")
TS_SUFFIXES = (".ts", ".mts", ".cts")
CODE_SUFFIXES = (*JS_SUFFIXES, *TS_SUFFIXES, ".tsx", ".py", ".rb")
MAX_FILE_BYTES = 2 * 1024 * 1024  # bundles and generated code, not models


class SourceSyntaxError(AnalyzerError):
    def __init__(self, where: str, line: int, problem: str) -> None:
        super().__init__(f"{where}:{line}: {problem}")
        self.where, self.line, self.problem = where, line, problem


@cache
def _parser(language: str) -> tree_sitter.Parser:
    grammars = {"javascript": tree_sitter_javascript.language,
                "typescript": tree_sitter_typescript.language_typescript,
                "tsx": tree_sitter_typescript.language_tsx,
                "ruby": tree_sitter_ruby.language}
    return tree_sitter.Parser(tree_sitter.Language(grammars[language]()))


def language_of(path: str) -> str | None:
    suffix = Path(path).suffix
    if suffix in JS_SUFFIXES:
        return "javascript"
    if suffix in TS_SUFFIXES:
        return "typescript"
    return {".tsx": "tsx", ".py": "python", ".rb": "ruby", ".prisma": "prisma"}.get(suffix)


@dataclass(slots=True)
class SourceFile:
    path: Path
    rel: str  # as reports name it: relative to the checked root, with / separators
    text: str
    language: str
    _tree: Any = field(default=None, repr=False)
    _index: dict[Any, list[Any]] | None = field(default=None, repr=False)

    @property
    def data(self) -> bytes:
        return self.text.encode()

    def tree(self) -> Any:
        """The tree-sitter root node or the Python ast.Module; raises SourceSyntaxError."""
        if self._tree is None:
            self._tree = _parse(self)
        return self._tree


    def nodes(self, kinds: set[str] | frozenset[str]) -> list[Any]:
        """Every node of these tree-sitter types (Python: ast class names) in the file, in
        source order; the file is walked once for all readers."""
        if self._index is None:
            tree = self.tree()
            self._index = _index_python(tree) if self.language == "python" else \
                _index_tree(tree) if self.language != "prisma" else {}
        if len(kinds) == 1:
            return self._index.get(next(iter(kinds)), [])
        found = [n for kind in kinds for n in self._index.get(kind, [])]
        return sorted(found, key=_position)


def _position(node: Any) -> tuple[int, int]:
    if isinstance(node, ast.AST):
        return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
    return node.start_byte, -node.end_byte


def _index_tree(root: Any) -> dict[Any, list[Any]]:
    index: dict[Any, list[Any]] = {}
    cursor = root.walk()
    while True:
        node = cursor.node
        index.setdefault(node.type, []).append(node)
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return index


def _index_python(tree: ast.AST) -> dict[Any, list[Any]]:
    index: dict[Any, list[Any]] = {}
    for node in ast.walk(tree):
        index.setdefault(type(node).__name__, []).append(node)
    for nodes in index.values():
        nodes.sort(key=_position)
    return index


def _parse(source: SourceFile) -> Any:
    if source.language == "prisma":
        try:
            return prismaparse.parse(source.text)
        except prismaparse.PrismaSyntaxError as exc:
            raise SourceSyntaxError(source.rel, exc.line, exc.problem) from None
    if source.language == "python":
        try:
            return ast.parse(source.text, filename=source.rel)
        except SyntaxError as exc:
            raise SourceSyntaxError(source.rel, exc.lineno or 1, f"syntax error: {exc.msg}"
                                    ) from None
    root = _parser(source.language).parse(source.data).root_node
    if root.has_error:
        bad = _first_error(root)
        raise SourceSyntaxError(source.rel, bad.start_point[0] + 1,
                                f"syntax error ({source.language}): cannot parse "
                                f"{text(bad)[:40]!r}")
    return root


def _first_error(node: Any) -> Any:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current
        stack.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return node


def text(node: Any) -> str:
    return node.text.decode(errors="replace")


def line(node: Any) -> int:
    return node.start_point[0] + 1


def walk(node: Any, types: frozenset[str] | set[str]) -> list[Any]:
    """Every descendant (and node itself) of one of these types, in source order."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type in types:
            found.append(current)
        stack.extend(reversed(current.children))
    return found


# -- JavaScript / TypeScript values --------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Ref:
    """A name the evaluator cannot see through: `DataTypes.STRING`, a variable."""
    name: str
    node: Any = field(compare=False, repr=False, default=None)


@dataclass(frozen=True, slots=True)
class Call:
    callee: str
    args: tuple[Any, ...]
    node: Any = field(compare=False, repr=False, default=None)
    new: bool = False


HOLE = "\x00"  # where a template literal has a `${…}` substitution


@dataclass(frozen=True, slots=True)
class Template:
    """A template literal with substitutions: its text, HOLE where each `${…}` was."""
    text: str


_WRAPPERS = {"parenthesized_expression", "as_expression", "satisfies_expression",
             "non_null_expression", "type_assertion"}


def js_value(node: Any) -> Any:
    """A JavaScript expression as data: dict, list, str, int/float, bool, None, Ref, Call."""
    kind = node.type
    if kind in _WRAPPERS:
        return js_value(node.named_children[0])
    if kind == "object":
        return js_object(node)
    if kind == "array":
        return [js_value(c) for c in node.named_children if c.type != "comment"]
    if kind == "string":
        return "".join(_piece(c) for c in node.named_children)
    if kind == "template_string":
        parts = [HOLE if c.type == "template_substitution" else _piece(c)
                 for c in node.named_children if c.type != "comment"]
        joined = "".join(parts)
        return Template(joined) if HOLE in parts else joined
    if kind == "number":
        try:
            return float(text(node)) if "." in text(node) else int(text(node), 0)
        except ValueError:
            return Ref(text(node), node)
    if kind in ("true", "false"):
        return kind == "true"
    if kind in ("null", "undefined"):
        return None
    if kind in ("call_expression", "new_expression"):
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        args = node.child_by_field_name("arguments")
        values = tuple(js_value(a) for a in args.named_children if a.type != "comment") \
            if args is not None and args.type == "arguments" else ()
        return Call(text(callee) if callee is not None else "", values, node,
                    kind == "new_expression")
    return Ref(text(node), node)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


def _piece(node: Any) -> str:
    """A string or template literal's fragment, escape sequences decoded."""
    if node.type == "escape_sequence":
        body = text(node)[1:]
        if body[:1] in ("u", "x"):
            digits = body[1:].strip("{}")
            try:
                point = int(digits, 16)
            except ValueError:
                return ""
            # a lone surrogate (half of a UTF-16 pair) is no character of its own
            return "\ufffd" if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF else chr(point)
        return _ESCAPES.get(body, body)
    return text(node) if node.type == "string_fragment" else ""


def js_object(node: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is None or value is None:
                continue
            name = js_value(key) if key.type in ("string", "number") else text(key)
            found[str(name)] = js_value(value)
            found.setdefault("\x00lines", {})[str(name)] = line(child)
        elif child.type == "shorthand_property_identifier":
            found[text(child)] = Ref(text(child), child)
            found.setdefault("\x00lines", {})[text(child)] = line(child)
    return found


def key_line(obj: dict[str, Any], key: str, default: int) -> int:
    return obj.get("\x00lines", {}).get(key, default)


def keys(obj: dict[str, Any]) -> list[str]:
    return [k for k in obj if k != "\x00lines"]


def js_imports(source: SourceFile) -> set[str]:
    """The modules a JavaScript/TypeScript file imports or requires."""
    found = set()
    for node in source.nodes({"import_statement", "call_expression"}):
        if node.type == "import_statement":
            source = node.child_by_field_name("source")
            if source is not None:
                found.add(js_value(source))
        else:
            callee = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if callee is not None and text(callee) in ("require", "import") and args and \
                    args.named_children and args.named_children[0].type == "string":
                found.add(js_value(args.named_children[0]))
    return {f for f in found if isinstance(f, str)}


def module_root(name: str) -> str:
    """`@prisma/client/runtime` -> `@prisma/client`, `drizzle-orm/pg-core` -> `drizzle-orm`."""
    parts = name.split("/")
    return "/".join(parts[:2]) if name.startswith("@") else parts[0]
