"""ActiveRecord models (classes deriving from ApplicationRecord / ActiveRecord::Base) ->
Models: `self.table_name` (else Rails' inflection: `Staff` -> `staffs`, `Person` ->
`people`), `self.primary_key`, and the columns the class body names: `belongs_to` foreign
keys, `validates` / `validates_*_of`, `alias_attribute` targets, `enum`. ActiveRecord reads the
other columns from the database itself, so unmapped columns are not findings."""

from __future__ import annotations

from typing import Any

import inflection

from analyzer.check.rubyfiles import call_args
from analyzer.check.syntax import SourceFile, line, text
from analyzer.check.types import Field, Model

ORM = "activerecord"
LANGUAGES = frozenset({"ruby"})
BASES = frozenset({"ApplicationRecord", "ActiveRecord::Base"})


def read(files: list[SourceFile]) -> list[Model]:
    models = []
    for source in files:
        for node in source.nodes({"class"}):
            superclass = node.child_by_field_name("superclass")
            if superclass is not None and text(superclass).lstrip("< ").strip() in BASES \
                    and not _abstract(node):
                models.append(_model(source, node))
    return models


def _abstract(node: Any) -> bool:
    """`self.abstract_class = true` or `primary_abstract_class`: no table of its own."""
    for stmt in _body_calls(node):
        if text(stmt) == "primary_abstract_class" or \
                text(stmt).replace(" ", "") == "self.abstract_class=true":
            return True
    return False


def default_table(class_name: str) -> str:
    return inflection.tableize(class_name.split("::")[-1])


def _body_calls(node: Any) -> list[Any]:
    body = node.child_by_field_name("body")
    if body is None:
        return []
    return [c for c in body.named_children if c.type in ("call", "identifier", "assignment")]


def _model(source: SourceFile, node: Any) -> Model:
    name = text(node.child_by_field_name("name"))
    table, primary, fields = None, "id", []
    for stmt in _body_calls(node):
        if stmt.type == "assignment":
            left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
            setting = text(left).replace(" ", "")
            if right is not None and right.type == "string":
                value = "".join(text(c) for c in right.named_children)
                if setting == "self.table_name":
                    table = value
                elif setting == "self.primary_key":
                    primary = value
            continue
        method = stmt.child_by_field_name("method")
        if stmt.type != "call" or method is None or stmt.child_by_field_name("receiver"):
            continue
        fields.extend(_columns(text(method), stmt))
    fields.insert(0, Field(None, primary, line(node)))
    return Model(ORM, name, table or default_table(name), None, source.rel, line(node),
                 tuple({f.column: f for f in fields}.values()), maps_all=False)


def _columns(method: str, call: Any) -> list[Field]:
    positional, pairs = call_args(call)
    at = line(call)
    names = [p for p in positional if isinstance(p, str)]
    if method == "belongs_to" and names:
        key = pairs.get("foreign_key")
        return [Field(names[0], key if isinstance(key, str) else f"{names[0]}_id", at)]
    if method == "validates" or (method.startswith("validates_") and method.endswith("_of")):
        return [Field(n, n, at) for n in names]
    if method == "alias_attribute" and len(names) == 2:
        return [Field(names[0], names[1], at)]
    if method == "enum":
        return [Field(k, k, at) for k in (names[:1] or list(pairs)[:1])]
    return []
