"""supabase-js / postgrest-js query chains -> Models: `supabase.from('sessions')` names the
table (`.schema('auth').from(…)` its schema), and the chain's calls name columns: `select('id,
session_id')` (embedded relations and casts skipped, `alias:column` read as the column),
`insert` / `upsert` / `update` object keys, filters (`eq`, `neq`, `gt`, `in`, `is`, `like`, …)
and `order`. PostgREST answers an unknown one with PGRST204 / 42703 at run time; this finds it
before."""

from __future__ import annotations

from typing import Any

from analyzer.check.syntax import SourceFile, js_value, keys, line, text
from analyzer.check.types import Field, Model

ORM = "postgrest"
LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
FILTERS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "is", "in",
                     "contains", "containedBy", "order", "match_column", "textSearch"})
WRITES = frozenset({"insert", "upsert", "update"})
QUERY_METHODS = FILTERS | WRITES | {"select", "delete", "match", "single", "maybeSingle",
                                    "range", "limit"}


def read(files: list[SourceFile]) -> list[Model]:
    models = []
    for source in files:
        for call in source.nodes({"call_expression"}):
            model = _chain(source, call)
            if model is not None:
                models.append(model)
    return models


def _method(call: Any) -> tuple[str, list[Any]]:
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return "", []
    prop = callee.child_by_field_name("property")
    args = call.child_by_field_name("arguments")
    values = [js_value(a) for a in args.named_children if a.type != "comment"] \
        if args is not None else []
    return (text(prop) if prop is not None else ""), values


def _schema_before(call: Any) -> str | None:
    """`supabase.schema('auth').from(…)`: the schema call the chain starts with."""
    callee = call.child_by_field_name("function")
    receiver = callee.child_by_field_name("object") if callee is not None else None
    if receiver is not None and receiver.type == "call_expression":
        method, args = _method(receiver)
        if method == "schema" and args and isinstance(args[0], str):
            return args[0]
    return None


def _chain(source: SourceFile, call: Any) -> Model | None:
    method, args = _method(call)
    if method != "from" or len(args) != 1 or not isinstance(args[0], str):
        return None
    fields: list[Field] = []
    methods: list[str] = []
    node = call
    while node.parent is not None and node.parent.type == "member_expression" and \
            node.parent.parent is not None and node.parent.parent.type == "call_expression":
        node = node.parent.parent
        name, values = _method(node)
        methods.append(name)
        fields.extend(Field(c, c, line(node)) for c in _columns(name, values))
    if not QUERY_METHODS & set(methods):
        return None  # `Array.from('abc')`, `Buffer.from(s).toString()`: not a query
    return Model(ORM, None, args[0], _schema_before(call), source.rel, line(call),
                 tuple({f.column: f for f in fields}.values()), maps_all=False)


def _columns(method: str, values: list[Any]) -> list[str]:
    if method == "select" and values and isinstance(values[0], str):
        return select_columns(values[0])
    if method in WRITES and values:
        rows = values[0] if isinstance(values[0], list) else [values[0]]
        return [k for row in rows if isinstance(row, dict) for k in keys(row)]
    if method in FILTERS and values and isinstance(values[0], str):
        return [values[0].split("->")[0].split(".")[0]]
    return []


def select_columns(spec: str) -> list[str]:
    """`id, alias:session_id, created_at::text, author:users(name), *` -> id, session_id,
    created_at (embedded resources and `*` are not columns of this table)."""
    columns: list[str] = []
    item: list[str] = []
    depth = 0
    for char in spec + ",":
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            name = "".join(item).strip()
            item = []
            if name and "(" not in name and name != "*" and not name.startswith("..."):
                base = name.split("::")[0]  # a cast: created_at::text
                base = base.split(":", 1)[-1]  # an alias: label:column
                columns.append(base.split("->")[0].strip().strip('"'))
            continue
        item.append(char)
    return [c for c in columns if c]
