"""Sequelize models (`Model.init`, `sequelize.define`, decorated class fields of
sequelize-typescript and Sequelize 7) -> Models with the names Sequelize sends: `underscored`,
`tableName`, `freezeTableName` (else the pluralised model name), `field`, `timestamps` and
their renames, `paranoid`, `schema`, index `fields`, under the options set globally in
`new Sequelize(…, {define})`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import inflection

from analyzer.check.syntax import Call, Ref, SourceFile, js_value, key_line, keys, line, text
from analyzer.check.types import Field, Model

ORM = "sequelize"
LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
_DEFAULTS: dict[str, Any] = {"timestamps": True, "underscored": False, "paranoid": False,
                             "freezeTableName": False}


def read(files: list[SourceFile]) -> list[Model]:
    defines = _global_defines(files)
    models: dict[str, Model] = {}  # by the name the code refers to it with
    for source in files:
        for call in source.nodes({"call_expression"}):
            found = _definition(call)
            if found is not None:
                name, attributes, options = found
                model = resolve(source, line(call), name, attributes,
                                {**_DEFAULTS, **defines, **options})
                models[_identifier(call, name)] = model
        for model in _typescript_classes(source, defines):
            models[model.name or ""] = model
    return list(_with_associations(files, models).values())


def _identifier(call: Any, name: str) -> str:
    """`Session.init(…)` -> Session; `const Person = sequelize.define('Person', …)` -> Person."""
    callee = call.child_by_field_name("function")
    owner, _, method = text(callee).rpartition(".")
    if method == "init":
        return owner.rsplit(".", 1)[-1]
    parent = call.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name"))
    return name


# -- associations: the foreign keys they add (Sequelize v6 names them as below) -----------

def _with_associations(files: list[SourceFile], models: dict[str, Model]) -> dict[str, Model]:
    """`A.belongsTo(B)` adds `BId` to A, `A.hasMany(B)` / `hasOne` add `AId` to B (as
    columns under the holder's `underscored`), unless `foreignKey` names them."""
    for source in files:
        for call in source.nodes({"call_expression"}):
            value = js_value(call)
            if not isinstance(value, Call) or value.callee.count(".") < 1 or not value.args:
                continue
            owner, method = value.callee.rsplit(".", 1)
            target = value.args[0]
            if method not in ("belongsTo", "hasOne", "hasMany") or not isinstance(target, Ref):
                continue
            source_name, target_name = owner.rsplit(".", 1)[-1], target.name.rsplit(".", 1)[-1]
            if source_name not in models or target_name not in models:
                continue
            options = value.args[1] if len(value.args) > 1 and \
                isinstance(value.args[1], dict) else {}
            holder, named = (source_name, target_name) if method == "belongsTo" else \
                (target_name, source_name)
            alias = options.get("as") if method == "belongsTo" else None
            default = inflection.camelize(
                f"{alias if isinstance(alias, str) else models[named].name}_id")
            models[holder] = _add_key(models[holder], options.get("foreignKey"), default,
                                      line(call))
    return models


def _add_key(model: Model, foreign_key: Any, default: str, at: int) -> Model:
    attribute: str = default
    column: str | None = None
    if isinstance(foreign_key, str):
        attribute = foreign_key
    elif isinstance(foreign_key, dict):
        name, field = foreign_key.get("name"), foreign_key.get("field")
        attribute = name if isinstance(name, str) else default
        column = field if isinstance(field, str) else None
    if any(f.attribute == attribute for f in model.fields):
        return model
    if column is None:
        column = inflection.underscore(attribute) if model.option("underscored") == "true" \
            else attribute
    return replace(model, fields=(*model.fields, Field(attribute, column, at)))


def _global_defines(files: list[SourceFile]) -> dict[str, Any]:
    """`new Sequelize(url, { define: { underscored: true } })`: the defaults of every model."""
    for source in files:
        for node in source.nodes({"new_expression"}):
            value = js_value(node)
            if isinstance(value, Call) and value.callee.split(".")[-1] == "Sequelize":
                for arg in value.args:
                    if isinstance(arg, dict) and isinstance(arg.get("define"), dict):
                        return arg["define"]
    return {}


def _definition(call: Any) -> tuple[str, dict, dict] | None:
    value = js_value(call)
    if not isinstance(value, Call) or "." not in value.callee:
        return None
    owner, method = value.callee.rsplit(".", 1)
    args = value.args
    if method == "init" and len(args) >= 2 and isinstance(args[0], dict) and \
            isinstance(args[1], dict) and "sequelize" in args[1]:
        name = args[1].get("modelName")
        return (name if isinstance(name, str) else owner.split(".")[-1]), args[0], args[1]
    if method == "define" and len(args) >= 2 and isinstance(args[0], str) and \
            isinstance(args[1], dict):
        return args[0], args[1], args[2] if len(args) > 2 and isinstance(args[2], dict) else {}
    return None


def _flag(options: dict[str, Any], key: str) -> bool:
    return options.get(key) is True


def resolve(source: SourceFile, at: int, name: str, attributes: dict[str, Any],
            options: dict[str, Any]) -> Model:
    underscored = _flag(options, "underscored")
    fields: list[Field] = []
    for attribute in keys(attributes):
        spec = attributes[attribute]
        if isinstance(spec, dict) and _is_virtual(spec.get("type")):
            continue
        column = spec.get("field") if isinstance(spec, dict) else None
        if not isinstance(column, str):
            column = inflection.underscore(attribute) if underscored else attribute
        fields.append(Field(attribute, column, key_line(attributes, attribute, at)))
    if not any(isinstance(s, dict) and s.get("primaryKey") is True
               for s in (attributes[k] for k in keys(attributes))):
        fields.insert(0, Field("id", "id", at))
    fields.extend(_timestamps(options, underscored, at))
    fields.extend(_index_fields(options, fields, at))
    table = options.get("tableName")
    if not isinstance(table, str):
        table = name if _flag(options, "freezeTableName") else inflection.pluralize(name)
        if underscored and not _flag(options, "freezeTableName"):
            table = inflection.underscore(table)
    schema = options.get("schema") if isinstance(options.get("schema"), str) else None
    settings = (("underscored", "true" if underscored else "false"),
                ("tableName", "set" if isinstance(options.get("tableName"), str) else "derived"))
    return Model(ORM, name, table, schema, source.rel, at, _unique(fields), settings)


def _is_virtual(kind: Any) -> bool:
    label = kind.callee if isinstance(kind, Call) else kind.name if isinstance(kind, Ref) else ""
    return label.split(".")[-1] == "VIRTUAL"


def _timestamps(options: dict[str, Any], underscored: bool, at: int) -> list[Field]:
    if options.get("timestamps") is False:
        return []
    names = ["createdAt", "updatedAt"] + (["deletedAt"] if _flag(options, "paranoid") else [])
    fields = []
    for default in names:
        setting = options.get(default, default)
        if setting is False:
            continue
        attribute = setting if isinstance(setting, str) else default
        column = inflection.underscore(attribute) if underscored else attribute
        near = key_line(options, "timestamps", key_line(options, "underscored", at))
        fields.append(Field(attribute, column, key_line(options, default, near)))
    return fields


def _index_fields(options: dict[str, Any], fields: list[Field], at: int) -> list[Field]:
    """Index `fields` name attributes or columns; a name that is neither is a column the
    index (and the migration that built it) uses."""
    known = {f.attribute: f.column for f in fields} | {f.column: f.column for f in fields}
    found = []
    indexes = options.get("indexes")
    for index in indexes if isinstance(indexes, list) else []:
        if not isinstance(index, dict) or not isinstance(index.get("fields"), list):
            continue
        for item in index["fields"]:
            if isinstance(item, dict):
                item = item.get("name") or item.get("attribute")
            if isinstance(item, str):
                found.append(Field(None, known.get(item, item),
                                   key_line(options, "indexes", at)))
    return found


def _unique(fields: list[Field]) -> tuple[Field, ...]:
    seen: dict[str, Field] = {}
    for item in fields:
        seen.setdefault(item.column, item)
    return tuple(seen.values())


# -- decorated classes: sequelize-typescript's @Table({ tableName, underscored }) with
#    @Column({ field: 'x' }) fields, and Sequelize 7's @Attribute(…) / @ColumnName('x')

def _typescript_classes(source: SourceFile, defines: dict[str, Any]) -> list[Model]:
    from analyzer.check.decorators import class_decorators, member_decorators
    models = []
    for node in source.nodes({"class_declaration"}):
        decorators = class_decorators(node)
        if "Table" not in decorators:
            continue
        args = decorators["Table"]
        options = {**_DEFAULTS, **defines, **(args[0] if args and isinstance(args[0], dict)
                                                else {})}
        name_node = node.child_by_field_name("name")
        name = name_node.text.decode() if name_node is not None else "Model"
        attributes: dict[str, Any] = {"\x00lines": {}}
        for member, member_line, marks in member_decorators(node):
            if not {"Column", "Attribute", "PrimaryKey"} & set(marks):
                continue
            spec = marks.get("Column") or marks.get("Attribute") or ()
            attributes[member] = dict(spec[0]) if spec and isinstance(spec[0], dict) else {}
            if "PrimaryKey" in marks:
                attributes[member]["primaryKey"] = True
            named = marks.get("ColumnName") or ()  # Sequelize 7: @ColumnName('x')
            if named and isinstance(named[0], str):
                attributes[member]["field"] = named[0]
            attributes["\x00lines"][member] = member_line
        options.setdefault("modelName", name)
        models.append(resolve(source, line(node), name, attributes, options))
    return models
