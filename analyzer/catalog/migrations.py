"""Migrations folders -> Catalog: every migration replayed in order, so the catalog is the schema
after the last one.

Understood layouts: `supabase/migrations/<timestamp>_name.sql`, Prisma's
`prisma/migrations/<timestamp>_name/migration.sql`, and plain numbered files (`001_init.sql`,
`V2__add_users.sql`) at any depth. Order is by path with digit runs compared as numbers, so
`2_x.sql` comes before `10_x.sql`. Down/rollback migrations are not part of the schema's history
and are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.catalog.ddl import read_sql_file
from analyzer.catalog.types import Catalog
from analyzer.errors import SchemaError

_DIGITS = re.compile(r"(\d+)")
_DOWN = re.compile(r"(?:^|[._-])(?:down|rollback|revert|undo)(?:[._-]|$)", re.IGNORECASE)


def _natural_key(relative: Path) -> tuple:
    parts = []
    for part in relative.parts:
        parts.append(tuple(int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(part)))
    return tuple(parts)


def migration_files(folder: Path) -> list[Path]:
    """The .sql files of a migrations folder, in the order they were applied."""
    found = []
    for path in folder.rglob("*.sql"):
        relative = path.relative_to(folder)
        if any(_DOWN.search(part.removesuffix(".sql")) for part in relative.parts):
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue
        found.append(path)
    return sorted(found, key=lambda p: _natural_key(p.relative_to(folder)))


def read_migrations(folder: Path, *, strict: bool = True) -> Catalog:
    files = migration_files(folder)
    if not files:
        raise SchemaError(f"{folder}: no .sql migration files in this directory")
    catalog = Catalog()
    for path in files:
        read_sql_file(path, catalog, strict=strict)
    catalog.sources[:] = [str(folder)]
    return catalog
