"""SQLAlchemy (and Flask-SQLAlchemy) models -> Models: declarative classes with
`__tablename__`, `Column("name", …)` / `mapped_column("name", …)` / `name=`, `Mapped[…]`
annotations, `__table_args__` schema, columns of mixins and base classes; Core
`Table("name", metadata, Column(…), schema=…)`."""

from __future__ import annotations

import ast

import inflection

from analyzer.check.pyast import assignments, classes, dotted, keyword, last, literal
from analyzer.check.syntax import SourceFile
from analyzer.check.types import Field, Model

ORM = "sqlalchemy"
LANGUAGES = frozenset({"python"})
COLUMN_CALLS = frozenset({"Column", "mapped_column", "column_property"})
NOT_COLUMNS = frozenset({"relationship", "association_proxy", "synonym", "hybrid_property",
                         "backref", "deferred_relationship"})


def read(files: list[SourceFile]) -> list[Model]:
    defined = {c.name: (source, c) for source in files for c in classes(source)}
    models = []
    for source in files:
        for node in classes(source):
            model = _declarative(source, node, defined)
            if model is not None:
                models.append(model)
        models.extend(_core_tables(source))
    return models


def _column_name(attribute: str, value: ast.AST | None, annotation: ast.AST | None
                 ) -> str | None:
    if isinstance(value, ast.Call) and last(dotted(value.func)) in COLUMN_CALLS:
        first = literal(value.args[0]) if value.args else None
        named = keyword(value, "name")
        return first if isinstance(first, str) else named if isinstance(named, str) \
            else attribute
    if isinstance(value, ast.Call) and last(dotted(value.func)) in NOT_COLUMNS:
        return None
    if value is None and annotation is not None and last(dotted(annotation)) == "Mapped":
        inner = annotation.slice if isinstance(annotation, ast.Subscript) else None
        text = ast.unparse(inner) if inner is not None else ""
        # Mapped["Other"], Mapped[list[Other]]: a relationship, not a column
        return None if text[:1] in "'\"" or text.startswith(("list[", "List[", "set[")) \
            else attribute
    return None


def _fields(node: ast.ClassDef) -> list[Field]:
    fields = []
    for attribute, value, annotation, at in assignments(node.body):
        if attribute.startswith("__"):
            continue
        column = _column_name(attribute, value, annotation)
        if column:
            fields.append(Field(attribute, column, at))
    return fields


def _inherited(node: ast.ClassDef, defined: dict, seen: set[str]) -> list[Field]:
    fields = []
    for base in node.bases:
        name = last(dotted(base))
        if name in defined and name not in seen:
            seen.add(name)
            _, parent = defined[name]
            fields.extend(_inherited(parent, defined, seen) + _fields(parent))
    return fields


def _declarative(source: SourceFile, node: ast.ClassDef, defined: dict) -> Model | None:
    values = {name: value for name, value, _, _ in assignments(node.body)}
    table = literal(values.get("__tablename__"))
    flask = any(last(dotted(b)) == "Model" and dotted(b).startswith("db.") for b in node.bases)
    if not isinstance(table, str):
        if not flask or "__abstract__" in values:
            return None
        table = inflection.underscore(node.name)  # Flask-SQLAlchemy's default
    args = literal(values.get("__table_args__"))
    if isinstance(args, tuple) and args and isinstance(args[-1], dict):
        args = args[-1]
    schema = args.get("schema") if isinstance(args, dict) else None
    fields = {f.column: f for f in _inherited(node, defined, {node.name}) + _fields(node)}
    return Model(ORM, node.name, table, schema if isinstance(schema, str) else None,
                 source.rel, node.lineno, tuple(fields.values()))


def _core_tables(source: SourceFile) -> list[Model]:
    models = []
    for node in source.nodes({"Call"}):
        if not (isinstance(node, ast.Call) and last(dotted(node.func)) == "Table" and
                node.args and isinstance(literal(node.args[0]), str)):
            continue
        fields = []
        columns = [a for a in node.args[1:] if isinstance(a, ast.Call) and
                   last(dotted(a.func)) == "Column"]
        if not columns:  # another library's Table("title", …): Core tables hold Columns
            continue
        for arg in columns:
            name = literal(arg.args[0]) if arg.args else None
            if isinstance(name, str):
                fields.append(Field(name, name, arg.lineno))
        schema = keyword(node, "schema")
        models.append(Model(ORM, literal(node.args[0]), literal(node.args[0]),
                            schema if isinstance(schema, str) else None, source.rel,
                            node.lineno, tuple(fields)))
    return models
