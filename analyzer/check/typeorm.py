"""TypeORM entities (`@Entity` classes and `new EntitySchema({...})`) -> Models with the names
TypeORM sends: `@Entity(name | {name, schema})`, `@Column({ name })` and the other column
decorators, relations' join columns (`@JoinColumn({ name })`, else the strategy's
`<relation>Id`), under the naming strategy of the DataSource (`SnakeNamingStrategy` from
typeorm-naming-strategies, else TypeORM's default)."""

from __future__ import annotations

from typing import Any

import inflection

from analyzer.check.decorators import class_decorators, member_decorators
from analyzer.check.syntax import Call, SourceFile, js_value, key_line, keys, line, text
from analyzer.check.types import Field, Model

ORM = "typeorm"
LANGUAGES = frozenset({"typescript", "tsx", "javascript"})
COLUMN_DECORATORS = frozenset({"Column", "PrimaryColumn", "PrimaryGeneratedColumn",
                               "CreateDateColumn", "UpdateDateColumn", "DeleteDateColumn",
                               "VersionColumn", "ObjectIdColumn"})
JOINING = frozenset({"ManyToOne", "OneToOne"})


class Naming:
    """TypeORM's DefaultNamingStrategy, or the snake_case one when `snake`."""

    def __init__(self, strategy: str | None) -> None:
        self.strategy = strategy
        self.snake = bool(strategy) and "snake" in (strategy or "").lower()

    def table(self, class_name: str, given: str | None) -> str:
        return given or inflection.underscore(class_name)

    def column(self, prop: str, given: str | None) -> str:
        if given:
            return given
        return inflection.underscore(prop) if self.snake else prop

    def join_column(self, relation: str, referenced: str = "id") -> str:
        joined = f"{relation}_{referenced}"
        return inflection.underscore(joined) if self.snake else \
            inflection.camelize(joined, uppercase_first_letter=False)


def read(files: list[SourceFile]) -> list[Model]:
    naming = Naming(_strategy(files))
    models = []
    for source in files:
        for node in source.nodes({"class_declaration"}):
            decorators = class_decorators(node)
            if "Entity" in decorators:
                models.append(_entity(source, node, decorators["Entity"], naming))
        for node in source.nodes({"new_expression"}):
            value = js_value(node)
            if isinstance(value, Call) and value.callee.split(".")[-1] == "EntitySchema" and \
                    value.args and isinstance(value.args[0], dict):
                models.append(_entity_schema(source, line(node), value.args[0], naming))
    return models


def _strategy(files: list[SourceFile]) -> str | None:
    """The class of `namingStrategy: new X()` in a DataSource's options."""
    for source in files:
        for pair in source.nodes({"pair"}):
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if key is not None and text(key).strip("'\"") == "namingStrategy" and \
                    value is not None:
                found = js_value(value)
                if isinstance(found, Call):
                    return found.callee.split(".")[-1]
    return None


def _entity(source: SourceFile, node: Any, args: tuple[Any, ...], naming: Naming) -> Model:
    name_node = node.child_by_field_name("name")
    class_name = text(name_node) if name_node is not None else "Entity"
    options = args[0] if args and isinstance(args[0], dict) else {}
    given = args[0] if args and isinstance(args[0], str) else options.get("name")
    schema = options.get("schema") if isinstance(options.get("schema"), str) else None
    fields = []
    for prop, at, marks in member_decorators(node):
        column = _column_of(prop, marks, naming)
        if column:
            fields.append(Field(prop, column, at))
    settings = (("namingStrategy", naming.strategy),) if naming.strategy else ()
    return Model(ORM, class_name, naming.table(class_name, given if isinstance(given, str)
                                               else None), schema, source.rel, line(node),
                 tuple(fields), settings)


def _column_of(prop: str, marks: dict[str, tuple[Any, ...]], naming: Naming) -> str | None:
    for decorator, args in marks.items():
        if decorator in COLUMN_DECORATORS:
            options = next((a for a in args if isinstance(a, dict)), {})
            given = options.get("name")
            return naming.column(prop, given if isinstance(given, str) else None)
    if "JoinColumn" in marks or any(m in JOINING for m in marks):
        options = next((a for a in marks.get("JoinColumn", ()) if isinstance(a, dict)), {})
        given = options.get("name")
        if isinstance(given, str):
            return given
        referenced = options.get("referencedColumnName")
        if "ManyToOne" in marks or "JoinColumn" in marks:
            return naming.join_column(prop, referenced if isinstance(referenced, str) else "id")
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _entity_schema(source: SourceFile, at: int, spec: dict[str, Any], naming: Naming) -> Model:
    name = _text(spec.get("name")) or "Entity"
    table = _text(spec.get("tableName"))
    columns: dict[str, Any] = _mapping(spec.get("columns"))
    fields = []
    for prop in keys(columns):
        options = columns[prop] if isinstance(columns[prop], dict) else {}
        given = options.get("name")
        fields.append(Field(prop, naming.column(prop, given if isinstance(given, str) else None),
                            key_line(columns, prop, at)))
    relations: dict[str, Any] = _mapping(spec.get("relations"))
    for prop in keys(relations):
        options = relations[prop] if isinstance(relations[prop], dict) else {}
        join = options.get("joinColumn")
        if options.get("type") == "many-to-one" or join:
            given = join.get("name") if isinstance(join, dict) else None
            fields.append(Field(prop, given if isinstance(given, str) else
                                naming.join_column(prop), key_line(relations, prop, at)))
    schema = spec.get("schema") if isinstance(spec.get("schema"), str) else None
    settings = (("namingStrategy", naming.strategy),) if naming.strategy else ()
    return Model(ORM, name, naming.table(name, table), schema, source.rel, at, tuple(fields),
                 settings)
