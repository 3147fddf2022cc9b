"""schema.prisma -> Models: `model` / `view` blocks with their scalar fields, `@map`, `@@map`,
`@@schema`, `@ignore` / `@@ignore` (the tree comes from prismaparse)."""

from __future__ import annotations

import json

import lark

from analyzer.check.syntax import SourceFile
from analyzer.check.types import Field, Model

ORM = "prisma"
LANGUAGES = frozenset({"prisma"})


def _string(token: object) -> str | None:
    if isinstance(token, lark.Token) and token.type == "STRING":
        return json.loads(token)
    return None


def _attributes(nodes: list[lark.Tree]) -> dict[str, list[object]]:
    found = {}
    for node in nodes:
        dotted, *rest = node.children
        name = ".".join(str(t) for t in dotted.children)
        values = []
        for args in rest:
            for arg in args.children if args is not None else ():
                if arg is not None:
                    values.append(arg.children[-1])
        found[name] = values
    return found


def read(files: list[SourceFile]) -> list[Model]:
    models = []
    for source in files:
        tree = source.tree()
        blocks = [b for b in tree.children if isinstance(b, lark.Tree)]
        model_names = {str(b.children[1]) for b in blocks if b.data in ("model", "composite")}
        for block in blocks:
            if block.data == "model":
                model = _model(source, block, model_names)
                if model is not None:
                    models.append(model)
    return models


def _model(source: SourceFile, block: lark.Tree, model_names: set[str]) -> Model | None:
    name = str(block.children[1])
    members = [c for c in block.children[2:] if isinstance(c, lark.Tree)]
    block_attrs = _attributes([m for m in members if m.data == "block_attr"])
    if "ignore" in block_attrs:
        return None
    fields = []
    for member in members:
        if member.data != "field":
            continue
        field_name, field_type, *marks = member.children
        attrs = _attributes(marks)
        type_name = field_type.children[0]
        if "ignore" in attrs or "relation" in attrs or str(type_name) in model_names:
            continue
        mapped = next((s for s in map(_string, attrs.get("map", [])) if s), None)
        fields.append(Field(str(field_name), mapped or str(field_name), member.meta.line))
    table = next((s for s in map(_string, block_attrs.get("map", [])) if s), None) or name
    schema = next((s for s in map(_string, block_attrs.get("schema", [])) if s), None)
    return Model(ORM, name, table, schema, source.rel, block.meta.line, tuple(fields))
