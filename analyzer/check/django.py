"""Django models -> Models: `db_table` (else Django's `<app_label>_<model>`), `db_column`
(else the field name, `<name>_id` for ForeignKey / OneToOneField), the implicit `id`, fields of
abstract bases. The app's migrations folder is replayed too (CreateModel, AddField,
RemoveField, RenameField, AlterModelTable, RenameModel, DeleteModel): a model field no
migration creates is a `missing` finding, as `makemigrations --check` would say."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.check.pyast import assignments, classes, dotted, inner_class, keyword, last, literal
from analyzer.check.syntax import SourceFile
from analyzer.check.types import CheckFinding, Field, Model
from analyzer.model import Problem

ORM = "django"
LANGUAGES = frozenset({"python"})
RELATED = frozenset({"ForeignKey", "OneToOneField"})
NOT_COLUMNS = frozenset({"ManyToManyField", "GenericForeignKey", "GenericRelation"})
MAKEMIGRATIONS = ("Django: `python manage.py makemigrations` and commit the migration, then "
                  "`migrate` where the code runs")


def _is_field(value: ast.AST | None) -> bool:
    return isinstance(value, ast.Call) and last(dotted(value.func)).endswith(
        ("Field", "ForeignKey")) and last(dotted(value.func)) not in NOT_COLUMNS


def field_column(name: str, call: ast.Call) -> str:
    given = keyword(call, "db_column")
    if isinstance(given, str):
        return given
    return f"{name}_id" if last(dotted(call.func)) in RELATED else name


def _meta(node: ast.ClassDef) -> dict[str, object]:
    meta = inner_class(node, "Meta")
    return {n: literal(v) for n, v, _, _ in assignments(meta.body)} if meta else {}


def app_label(path: Path) -> str:
    """models.py's folder, or the folder of a models/ package."""
    folder = path.parent
    return folder.parent.name if folder.name == "models" else folder.name


def read(files: list[SourceFile]) -> list[Model]:
    defined = {c.name: c for source in files for c in classes(source)}
    models = []
    for source in files:
        for node in classes(source):
            if not _is_django_model(node, defined, set()):
                continue
            meta = _meta(node)
            if meta.get("abstract") is True:
                continue
            models.append(_model(source, node, meta, defined))
    return models


def _is_django_model(node: ast.ClassDef, defined: dict, seen: set[str]) -> bool:
    for base in node.bases:
        if dotted(base) in ("models.Model", "django.db.models.Model"):
            return True
        name = last(dotted(base))
        if name in defined and name not in seen:
            seen.add(name)
            if _is_django_model(defined[name], defined, seen):
                return True
    return False


def _fields(node: ast.ClassDef, defined: dict, seen: set[str]) -> list[Field]:
    fields = []
    for base in node.bases:
        name = last(dotted(base))
        if name in defined and name not in seen and _meta(defined[name]).get("abstract"):
            seen.add(name)
            fields.extend(_fields(defined[name], defined, seen))
    for name, value, _, at in assignments(node.body):
        if _is_field(value):
            assert isinstance(value, ast.Call)
            fields.append(Field(name, field_column(name, value), at))
    return fields


def _model(source: SourceFile, node: ast.ClassDef, meta: dict, defined: dict) -> Model:
    label = meta.get("app_label") if isinstance(meta.get("app_label"), str) else \
        app_label(source.path)
    table = meta.get("db_table")
    if not isinstance(table, str):
        table = f"{label}_{node.name.lower()}"
    fields = _fields(node, defined, {node.name})
    if not any(_primary(node, f.attribute) for f in fields):
        fields.insert(0, Field("id", "id", node.lineno))
    options = (("app_label", str(label)),)
    return Model(ORM, node.name, table, None, source.rel, node.lineno, tuple(fields), options)


def _primary(node: ast.ClassDef, attribute: str | None) -> bool:
    for name, value, _, _ in assignments(node.body):
        if name == attribute and isinstance(value, ast.Call):
            return keyword(value, "primary_key") is True
    return False


# -- the migrations folder's state ---------------------------------------------------------

@dataclass(slots=True)
class MigratedModel:
    table: str | None
    columns: dict[str, str] = field(default_factory=dict)  # field name -> column


def migration_state(folder: Path, problems: list[Problem]) -> dict[str, MigratedModel]:
    """model name (lower case) -> what the app's migrations, applied in order, created."""
    state: dict[str, MigratedModel] = {}
    for path in sorted(folder.glob("[0-9]*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, OSError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None) or 1
            problems.append(Problem(f"{path}:{line}", "cannot read the migration: "
                                    f"{exc.__class__.__name__}", False))
            continue
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and dotted(call.func).startswith("migrations."):
                _apply(state, last(dotted(call.func)), call)
    return state


def _arg(call: ast.Call, index: int, name: str) -> object:
    if len(call.args) > index:
        return literal(call.args[index])
    return keyword(call, name)


def _apply(state: dict[str, MigratedModel], operation: str, call: ast.Call) -> None:
    model = str(_arg(call, 0, "model_name" if operation != "CreateModel" else "name")).lower()
    if operation == "CreateModel":
        options = keyword(call, "options") or {}
        entry = MigratedModel(options.get("db_table") if isinstance(options, dict) else None)
        fields = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "fields"), None)
        for item in fields.elts if isinstance(fields, ast.List) else []:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2 and \
                    isinstance(item.elts[1], ast.Call) and _is_field(item.elts[1]):
                name = literal(item.elts[0])
                entry.columns[str(name)] = field_column(str(name), item.elts[1])
        state[model] = entry
    elif model in state:
        _alter(state, operation, model, call)


def _alter(state: dict[str, MigratedModel], operation: str, model: str, call: ast.Call) -> None:
    entry = state[model]
    if operation == "AddField":
        name, value = _arg(call, 1, "name"), (call.args[2] if len(call.args) > 2 else next(
            (k.value for k in call.keywords if k.arg == "field"), None))
        if isinstance(value, ast.Call) and _is_field(value):
            entry.columns[str(name)] = field_column(str(name), value)
    elif operation == "RemoveField":
        entry.columns.pop(str(_arg(call, 1, "name")), None)
    elif operation == "RenameField":
        old, new = str(_arg(call, 1, "old_name")), str(_arg(call, 2, "new_name"))
        if old in entry.columns:
            column = entry.columns.pop(old)
            entry.columns[new] = new if column == old else column
    elif operation == "AlterModelTable":
        entry.table = _arg(call, 1, "table")  # type: ignore[assignment]
    elif operation == "DeleteModel":
        del state[model]
    elif operation == "RenameModel":
        state[str(_arg(call, 1, "new_name")).lower()] = state.pop(model)


def migration_findings(models: list[Model], folders: list[Path], problems: list[Problem]
                       ) -> list[CheckFinding]:
    """Model fields (and tables) that the app's migrations do not create yet."""
    from analyzer.check.compare import finding_id
    states = {folder.parent.name: migration_state(folder, problems) for folder in folders}
    found = []
    for model in models:
        state = states.get(model.option("app_label") or "")
        if model.orm != ORM or state is None:
            continue
        entry = state.get((model.name or "").lower())
        label = model.option("app_label")
        if entry is None:
            found.append(CheckFinding(
                id=finding_id(model, None, "missing_migration"), orm=ORM, model=model.name,
                file=model.file, line=model.line, table=model.table, column=None,
                attribute=None, kind="missing", wanted=model.table, found=None,
                severity="critical",
                summary=f"{model.name}: no migration of {label} creates the model",
                evidence=[f"{label}/migrations replayed: no CreateModel {model.name}"],
                fixes=[MAKEMIGRATIONS]))
            continue
        columns = entry.columns
        missing = [f for f in model.fields if f.column not in columns.values()
                   and f.column != "id"]
        for item in missing:
            found.append(CheckFinding(
                id=finding_id(model, item.column, "missing_migration"), orm=ORM,
                model=model.name, file=model.file, line=item.line, table=model.table,
                column=item.column, attribute=item.attribute, kind="missing", wanted=item.column,
                found=None, severity="high",
                summary=f"{model.name}.{item.attribute}: no migration of "
                        f"{label} creates the column {item.column!r}",
                evidence=[f"{label}/migrations replayed: "
                          f"{model.name} has columns {', '.join(columns.values()) or 'none'}"],
                fixes=[MAKEMIGRATIONS]))
    return found
