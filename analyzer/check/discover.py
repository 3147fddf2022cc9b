"""Source trees -> the files `check` reads and the ORMs the project uses.

Walks PATHS honouring every `.gitignore` on the way (pathspec, git's own matching rules) and
never entering dependency, virtualenv or build folders. ORMs come from the manifests
(package.json, pyproject.toml, requirements*.txt, Gemfile) and from what the files import.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from analyzer.check.syntax import CODE_SUFFIXES, MAX_FILE_BYTES, SourceFile, language_of
from analyzer.errors import UsageError
from analyzer.model import Problem

SKIP_DIRS = frozenset({
    "node_modules", ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox",
    "site-packages", "dist", "build", "out", ".next", ".nuxt", ".output", ".turbo", ".cache",
    "coverage", ".mypy_cache", ".pytest_cache", ".ruff_cache", "target", "bower_components",
    ".bundle", "tmp", "log",
})
# package names (manifests and imports) -> the ORM reader they stand for
PACKAGES = {
    "sequelize": "sequelize", "sequelize-typescript": "sequelize",
    "typeorm": "typeorm",
    "prisma": "prisma", "@prisma/client": "prisma",
    "drizzle-orm": "drizzle",
    "knex": "knex",
    "@supabase/supabase-js": "postgrest", "@supabase/postgrest-js": "postgrest",
    "sqlalchemy": "sqlalchemy", "flask-sqlalchemy": "sqlalchemy", "sqlmodel": "sqlalchemy",
    "django": "django",
    "rails": "activerecord", "activerecord": "activerecord",
}


@dataclass(slots=True)
class Project:
    roots: list[Path]
    files: list[SourceFile] = field(default_factory=list)
    schema_files: list[SourceFile] = field(default_factory=list)  # schema.prisma
    migrations: list[Path] = field(default_factory=list)  # Django migrations folders
    manifest_orms: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()


class _Ignores:
    """The .gitignore specs in force in one folder: each applies below its own folder."""

    def __init__(self) -> None:
        self.specs: list[tuple[Path, pathspec.PathSpec]] = []

    def load(self, folder: Path) -> None:
        ignore = folder / ".gitignore"
        if ignore.is_file():
            lines = ignore.read_text(errors="replace").splitlines()
            self.specs.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        for base, spec in self.specs:
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False


def walk_files(root: Path) -> Iterator[Path]:
    ignores = _Ignores()
    for parent in reversed(root.resolve().parents):  # a checkout's .gitignore above PATH
        if (parent / ".git").exists():
            ignores.load(parent)
    stack = [root]
    while stack:
        folder = stack.pop()
        ignores.load(folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if entry.name in SKIP_DIRS or _is_virtualenv(path) or \
                        ignores.ignored(path, True):
                    continue
                stack.append(path)
            elif entry.is_file() and not ignores.ignored(path, False):
                yield path


def discover(paths: list[str]) -> Project:
    roots = [Path(p) for p in (paths or ["."])]
    for root in roots:
        if not root.exists():
            raise UsageError(f"{root}: no such file or directory")
    project = Project(roots)
    for root in roots:
        candidates = [root] if root.is_file() else walk_files(root)
        for path in candidates:
            _take(project, root, path)
    return project


def _display(root: Path, path: Path) -> str:
    if root.is_file():
        return path.as_posix()
    rel = path.relative_to(root).as_posix()
    return rel if root == Path(".") else f"{root.as_posix().rstrip('/')}/{rel}"


def _take(project: Project, root: Path, path: Path) -> None:
    name = path.name
    if name in ("package.json", "pyproject.toml", "Gemfile") or \
            (name.startswith("requirements") and name.endswith(".txt")):
        project.manifest_orms |= manifest_packages(path, project.problems)
        return
    language = language_of(name)
    if language is None or (language != "prisma" and path.suffix not in CODE_SUFFIXES):
        return
    if path.parent.name == "migrations" and language == "python":
        if path.parent not in project.migrations:
            project.migrations.append(path.parent)
        return
    rel = _display(root, path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            project.problems.append(Problem(rel, f"skipped: larger than "
                                            f"{MAX_FILE_BYTES // 1024 // 1024} MiB (bundled or "
                                            "generated code, not models)", False))
            return
        content = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else \
            exc.strerror or exc.__class__.__name__
        project.problems.append(Problem(rel, f"cannot read: {reason}", False))
        return
    source = SourceFile(path, rel, content, language)
    (project.schema_files if language == "prisma" else project.files).append(source)


def manifest_packages(path: Path, problems: list[Problem]) -> set[str]:
    """The ORMs a manifest depends on."""
    try:
        names = _manifest_names(path)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        problems.append(Problem(str(path), f"cannot read the manifest: {exc}", False))
        return set()
    return {PACKAGES[n.lower()] for n in names if n.lower() in PACKAGES}


def _manifest_names(path: Path) -> list[str]:
    content = path.read_text(encoding="utf-8", errors="replace")
    if path.name == "package.json":
        data = json.loads(content)
        return [n for key in ("dependencies", "devDependencies", "peerDependencies")
                for n in (data.get(key) or {}) if isinstance(data, dict)]
    if path.name == "pyproject.toml":
        data = tomllib.loads(content)
        project = data.get("project", {})
        specs = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            specs.extend(extra)
        poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
        return [requirement_name(s) for s in specs] + list(poetry)
    if path.name == "Gemfile":
        from analyzer.check.rubyfiles import gem_names
        return gem_names(content)
    return [requirement_name(line) for line in content.splitlines()]


def requirement_name(spec: str) -> str:
    """`SQLAlchemy[asyncio]>=2.0 ; python_version>'3'` -> `SQLAlchemy` (PEP 508 name)."""
    spec = spec.split("#", 1)[0].strip()
    if not spec or spec.startswith("-"):
        return ""
    end = 0
    while end < len(spec) and (spec[end].isalnum() or spec[end] in "-_."):
        end += 1
    return spec[:end]
