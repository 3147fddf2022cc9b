"""What `check` reads out of the code: the models (and SQL statements) with the table, schema and
columns each one makes the database use, already resolved the way the ORM resolves them
(`underscored`, naming strategies, `@map`, inflection). Readers produce these; the comparison
step consumes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.model import Problem


@dataclass(frozen=True, slots=True)
class Field:
    attribute: str | None  # the name in the code (None when the code names the column only)
    column: str  # the name the code will send to the database
    line: int


@dataclass(frozen=True, slots=True)
class Model:
    orm: str
    name: str | None  # None for a raw SQL statement
    table: str
    schema: str | None  # None: the default schema (search_path, public)
    file: str
    line: int
    fields: tuple[Field, ...] = ()
    # settings the per-ORM fixes speak about, e.g. ("underscored", "true")
    options: tuple[tuple[str, str], ...] = ()
    # False when the ORM reads every column itself (ActiveRecord) or the model is a statement:
    # then schema columns it does not name are not worth an `info` finding
    maps_all: bool = True

    def option(self, key: str) -> str | None:
        return next((v for k, v in self.options if k == key), None)


@dataclass(slots=True)
class CheckFinding:
    id: str
    orm: str
    model: str | None
    file: str
    line: int
    table: str
    column: str | None
    attribute: str | None
    kind: str
    wanted: str
    found: str | None
    severity: str
    summary: str
    evidence: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CheckResult:
    models: list[Model] = field(default_factory=list)
    findings: list[CheckFinding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    schema_sources: list[str] = field(default_factory=list)
