"""Drizzle tables (`pgTable("name", {...})`, `pgSchema("s").table(...)`) -> Models: a column's
name is the first string its builder gets (`text("first_name")`), else the property's name,
turned to snake_case when the client is made with `drizzle(…, { casing: "snake_case" })`."""

from __future__ import annotations

from typing import Any

import inflection

from analyzer.check.syntax import Call, SourceFile, js_value, line, text
from analyzer.check.types import Field, Model

ORM = "drizzle"
LANGUAGES = frozenset({"typescript", "tsx", "javascript"})


def read(files: list[SourceFile]) -> list[Model]:
    casing = _casing(files)
    models = []
    for source in files:
        schemas = _schemas(source)
        for node in source.nodes({"call_expression"}):
            callee = node.child_by_field_name("function")
            name = text(callee) if callee is not None else ""
            owner, _, method = name.rpartition(".")
            if name == "pgTable" or (method == "table" and owner in schemas):
                model = _table(source, node, schemas.get(owner), casing)
                if model is not None:
                    models.append(model)
    return models


def _casing(files: list[SourceFile]) -> str | None:
    for source in files:
        for node in source.nodes({"call_expression"}):
            value = js_value(node)
            if isinstance(value, Call) and value.callee.split(".")[-1] == "drizzle":
                for arg in value.args:
                    if isinstance(arg, dict) and isinstance(arg.get("casing"), str):
                        return arg["casing"]
    return None


def _schemas(source: SourceFile) -> dict[str, str]:
    """`const app = pgSchema("app")`: variable -> schema name."""
    found = {}
    for node in source.nodes({"variable_declarator"}):
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        data = js_value(value) if value is not None else None
        if name is not None and isinstance(data, Call) and data.callee == "pgSchema" and \
                data.args and isinstance(data.args[0], str):
            found[text(name)] = data.args[0]
    return found


def _table(source: SourceFile, node: Any, schema: str | None, casing: str | None
           ) -> Model | None:
    args = [a for a in node.child_by_field_name("arguments").named_children
            if a.type != "comment"]
    if len(args) < 2 or js_value(args[0]) is None or not isinstance(js_value(args[0]), str):
        return None
    columns = _columns_node(args[1])
    if columns is None:
        return None
    fields = []
    for pair in columns.named_children:
        if pair.type != "pair":
            continue
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        prop = str(js_value(key)) if key.type == "string" else text(key)
        given = _builder_name(value)
        column = given or (inflection.underscore(prop) if casing == "snake_case" else prop)
        fields.append(Field(prop, column, line(pair)))
    variable = node.parent.child_by_field_name("name") if node.parent is not None and \
        node.parent.type == "variable_declarator" else None
    settings = (("casing", casing),) if casing else ()
    return Model(ORM, text(variable) if variable is not None else js_value(args[0]),
                 js_value(args[0]), schema, source.rel, line(node), tuple(fields), settings)


def _columns_node(node: Any) -> Any:
    """The columns object, also when written as `(t) => ({ … })`."""
    if node.type == "object":
        return node
    if node.type == "arrow_function":
        body = node.child_by_field_name("body")
        while body is not None and body.type == "parenthesized_expression":
            body = body.named_children[0]
        return body if body is not None and body.type == "object" else None
    return None


def _builder_name(node: Any) -> str | None:
    """`varchar("email", { length: 255 }).notNull().unique()` -> "email"."""
    while node.type == "call_expression":
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type == "member_expression" and \
                callee.child_by_field_name("object").type == "call_expression":
            node = callee.child_by_field_name("object")
            continue
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        value = js_value(first) if first is not None else None
        return value if isinstance(value, str) else None
    return None
