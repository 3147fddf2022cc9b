"""Check stage: source trees (+ logs) and a schema -> what the code's models and SQL ask of the
database, compared with the catalogue before deploy.

Flow: discover (files, manifests) -> syntax (one parse per file) -> READERS (one per ORM, the
registry below: adding an ORM is one module and one line) -> Models -> compare (the diagnosis
kinds and per-ORM fixes of analyzer.diagnose) -> CheckResult, which check.report renders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analyzer.catalog import load_catalog
from analyzer.check import (
    activerecord,
    django,
    drizzle,
    prisma,
    rawsql,
    sequelize,
    sqlalchemy,
    supabase,
    typeorm,
)
from analyzer.check.compare import compare
from analyzer.check.detect import detected_orms
from analyzer.check.discover import Project, discover
from analyzer.check.syntax import SourceFile, SourceSyntaxError
from analyzer.check.types import CheckFinding, CheckResult, Field, Model
from analyzer.errors import UsageError
from analyzer.model import SEVERITIES, Problem, severity_rank


@dataclass(frozen=True, slots=True)
class Reader:
    languages: frozenset[str]
    read: Callable[[list[SourceFile]], list[Model]]


READERS: dict[str, Reader] = {
    "sequelize": Reader(sequelize.LANGUAGES, sequelize.read),
    "typeorm": Reader(typeorm.LANGUAGES, typeorm.read),
    "prisma": Reader(prisma.LANGUAGES, prisma.read),
    "drizzle": Reader(drizzle.LANGUAGES, drizzle.read),
    "sqlalchemy": Reader(sqlalchemy.LANGUAGES, sqlalchemy.read),
    "django": Reader(django.LANGUAGES, django.read),
    "activerecord": Reader(activerecord.LANGUAGES, activerecord.read),
    "postgrest": Reader(supabase.LANGUAGES, supabase.read),
    "sql": Reader(rawsql.LANGUAGES, rawsql.read),
}
ALWAYS = frozenset({"sql"})  # raw SQL is read in any project
ALIASES = {"knex": "sql", "supabase": "postgrest"}  # knex.raw is raw SQL


def orm_names(orms: Sequence[str]) -> set[str]:
    chosen = set()
    for name in orms:
        name = ALIASES.get(name.lower(), name.lower())
        if name not in READERS:
            raise UsageError(f"--orm: unknown ORM {name!r} (known: {', '.join(READERS)})")
        chosen.add(name)
    return chosen


def _parsed(project: Project) -> list[SourceFile]:
    """The files that parse; each that does not is a problem naming its file and line."""
    good = []
    for source in project.files + project.schema_files:
        try:
            source.tree()
        except SourceSyntaxError as exc:
            project.problems.append(Problem(f"{exc.where}:{exc.line}", exc.problem, False))
            continue
        good.append(source)
    return good


def read_models(paths: Sequence[str], orms: Sequence[str] = ()
                ) -> tuple[list[Model], list[Problem], Project]:
    project = discover(list(paths))
    files = _parsed(project)
    active = orm_names(orms) or (detected_orms(project, [f for f in files
                                                          if f.language != "prisma"]) | ALWAYS)
    models: list[Model] = []
    for name, reader in READERS.items():
        if name in active:
            chosen = [f for f in files if f.language in reader.languages]
            models.extend(reader.read(chosen))
    return models, project.problems, project


def run_check(paths: Sequence[str], schema: Sequence[str], *, orms: Sequence[str] = (),
              from_logs: Sequence[str] = ()) -> CheckResult:
    """Raises SchemaError (unreadable schema), UsageError (bad option, no such path)."""
    if not schema:
        raise UsageError("--schema is required: a DDL file, a migrations folder or a "
                         "postgresql:// URL")
    catalog = load_catalog(schema)
    assert catalog is not None
    models, problems, project = read_models(paths, orms)
    if from_logs:
        from analyzer.check.fromlogs import log_models  # the ingest stage, only when asked

        logged, log_problems = log_models(from_logs)
        models.extend(logged)
        problems.extend(log_problems)
    findings = compare(models, catalog)
    if project.migrations:
        _add_migration_findings(findings, django.migration_findings(
            models, project.migrations, problems))
    findings.sort(key=lambda f: (severity_rank(f.severity), f.file, f.line, f.column or ""))
    return CheckResult([m for m in models if m.name], findings, problems, list(catalog.sources))


def _add_migration_findings(findings: list[CheckFinding], more: list[CheckFinding]) -> None:
    """What the migrations folder says joins the catalogue's finding on the same column."""
    known = {(f.model, f.column): f for f in findings if f.orm == "django"}
    for finding in more:
        same = known.get((finding.model, finding.column))
        if same is None:
            findings.append(finding)
            continue
        same.evidence.extend(e for e in finding.evidence if e not in same.evidence)
        same.fixes[:0] = [f for f in finding.fixes if f not in same.fixes]


def fail_on_severity(value: str) -> str:
    word = value.strip().lower()
    if word not in SEVERITIES:
        raise UsageError(f"--fail-on: expected a severity ({', '.join(SEVERITIES)}), "
                         f"got {value!r}")
    return word


def fails(result: CheckResult, fail_on: str) -> bool:
    """A finding at or above `fail_on` (exit 1 in CI)."""
    return bool(tripping(result, fail_on))


def tripping(result: CheckResult, fail_on: str) -> list[CheckFinding]:
    """The findings at or above `fail_on`: what makes `fails` true."""
    limit = severity_rank(fail_on)
    return [f for f in result.findings if severity_rank(f.severity) <= limit]


__all__ = ["READERS", "CheckFinding", "CheckResult", "Field", "Model", "fail_on_severity",
           "fails", "orm_names", "read_models", "run_check", "tripping"]
