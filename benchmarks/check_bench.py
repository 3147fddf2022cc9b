"""`analyzer check` on a generated monorepo (not a test): 2,000 models spread over Sequelize,
TypeORM, Prisma, Drizzle, SQLAlchemy, Django and ActiveRecord packages, plus raw SQL, against a
2,000-table DDL schema; one model in 50 carries a planted mismatch, and the repo holds a
node_modules folder and a virtualenv that must be skipped.

    python benchmarks/check_bench.py [--models 2000] [--repeat 3] [--keep DIR]

Prints the files read, models, findings, best wall time of a fresh-process `analyzer check`
and its peak RSS. The issue's bar: under 10 s for 2,000 models on this machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORMS = ("sequelize", "typeorm", "prisma", "drizzle", "sqlalchemy", "django", "activerecord")


def pascal(i: int) -> str:
    return f"Entity{i:04d}"


def table(i: int) -> str:
    return f"entity{i:04d}s"


def columns(i: int) -> list[str]:
    return ["id", f"title_{i % 7}", "owner_id", "status", "created_at", "updated_at"]


def ddl(count: int) -> str:
    statements = []
    for i in range(count):
        cols = ",\n  ".join(f"{c} TEXT" if c != "id" else "id SERIAL PRIMARY KEY"
                            for c in columns(i))
        statements.append(f"CREATE TABLE {table(i)} (\n  {cols}\n);")
    return "\n\n".join(statements) + "\n"


def wrong(i: int, name: str) -> str:
    """One model in 50 misspells a column (status -> statos)."""
    return name.replace("status", "statos") if i % 50 == 0 else name


def sequelize(i: int) -> tuple[str, str]:
    attrs = ", ".join(f"{wrong(i, c)}: DataTypes.STRING" for c in columns(i)[1:4])
    return (f"models/{pascal(i)}.js",
            f"const {{ Model, DataTypes }} = require('sequelize');\nclass {pascal(i)} extends "
            f"Model {{}}\n{pascal(i)}.init({{ {attrs} }}, {{ sequelize, tableName: "
            f"'{table(i)}', underscored: true }});\nmodule.exports = {pascal(i)};\n")


def typeorm(i: int) -> tuple[str, str]:
    props = "\n".join(f'  @Column({{ name: "{wrong(i, c)}" }}) p{n}!: string;'
                      for n, c in enumerate(columns(i)[1:4]))
    return (f"src/entity/{pascal(i)}.ts",
            'import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";\n'
            f'@Entity("{table(i)}")\nexport class {pascal(i)} {{\n'
            f"  @PrimaryGeneratedColumn() id!: number;\n{props}\n"
            "  @Column({ name: \"created_at\" }) createdAt!: Date;\n"
            "  @Column({ name: \"updated_at\" }) updatedAt!: Date;\n}\n")


def prisma(i: int) -> str:
    fields = "\n".join(f"  f{n} String @map(\"{wrong(i, c)}\")"
                       for n, c in enumerate(columns(i)[1:]))
    return f"model {pascal(i)} {{\n  id Int @id\n{fields}\n  @@map(\"{table(i)}\")\n}}\n"


def drizzle(i: int) -> str:
    cols = ", ".join(f'c{n}: text("{wrong(i, c)}")' for n, c in enumerate(columns(i)))
    return f'export const t{i} = pgTable("{table(i)}", {{ {cols} }});\n'


def sqlalchemy(i: int) -> str:
    cols = "\n".join(f"    c{n} = Column(\"{wrong(i, c)}\", String)"
                     for n, c in enumerate(columns(i)))
    return f"class {pascal(i)}(Base):\n    __tablename__ = \"{table(i)}\"\n{cols}\n\n\n"


def django(i: int) -> str:
    cols = "\n".join(f"    c{n} = models.TextField(db_column=\"{wrong(i, c)}\")"
                     for n, c in enumerate(columns(i)[1:]))
    return (f"class {pascal(i)}(models.Model):\n{cols}\n\n    class Meta:\n"
            f"        db_table = \"{table(i)}\"\n\n\n")


def activerecord(i: int) -> tuple[str, str]:
    return (f"app/models/entity{i:04d}.rb",
            f"class {pascal(i)} < ApplicationRecord\n  belongs_to :owner\n"
            f"  validates :{wrong(i, 'status')}, presence: true\nend\n")


def generate(root: Path, count: int) -> None:
    per_orm: dict[str, list[int]] = {orm: [] for orm in ORMS}
    for i in range(count):
        per_orm[ORMS[i % len(ORMS)]].append(i)
    packages = {"sequelize": '{"dependencies": {"sequelize": "6"}}',
                "typeorm": '{"dependencies": {"typeorm": "0.3"}}',
                "prisma": '{"dependencies": {"@prisma/client": "5"}}',
                "drizzle": '{"dependencies": {"drizzle-orm": "0.33"}}'}
    for orm, ids in per_orm.items():
        base = root / "packages" / orm
        base.mkdir(parents=True)
        if orm in packages:
            (base / "package.json").write_text(packages[orm])
        if orm in ("sequelize", "typeorm", "activerecord"):
            for i in ids:
                name, text = {"sequelize": sequelize, "typeorm": typeorm,
                              "activerecord": activerecord}[orm](i)
                (base / name).parent.mkdir(parents=True, exist_ok=True)
                (base / name).write_text(text)
        elif orm == "prisma":
            (base / "schema.prisma").write_text("".join(prisma(i) for i in ids))
        elif orm == "drizzle":
            for start in range(0, len(ids), 50):
                (base / f"schema{start}.ts").write_text(
                    'import { pgTable, text } from "drizzle-orm/pg-core";\n'
                    + "".join(drizzle(i) for i in ids[start:start + 50]))
        elif orm == "sqlalchemy":
            (base / "pyproject.toml").write_text(
                '[project]\nname="x"\ndependencies=["sqlalchemy"]\n')
            for start in range(0, len(ids), 50):
                (base / f"models{start}.py").write_text(
                    "from sqlalchemy import Column, String\nfrom .base import Base\n\n\n"
                    + "".join(sqlalchemy(i) for i in ids[start:start + 50]))
        elif orm == "django":
            (base / "requirements.txt").write_text("Django==5.0\n")
            app = base / "catalog"
            app.mkdir()
            (app / "models.py").write_text("from django.db import models\n\n\n"
                                           + "".join(django(i) for i in ids))
        if orm == "activerecord":
            (base / "Gemfile").write_text('gem "rails"\n')
    raw = root / "packages" / "reports" / "queries.js"
    raw.parent.mkdir(parents=True)
    raw.write_text("".join(f"const q{i} = knex.raw('SELECT status, owner_id FROM {table(i)} "
                           f"WHERE id = ?');\n" for i in range(0, count, 10)))
    for junk in ("node_modules/big-lib", ".venv/lib", "dist"):
        (root / "packages" / junk).mkdir(parents=True)
        (root / "packages" / junk / "x.js").write_text(sequelize(0)[1] * 200)
    (root / "packages" / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "schema.sql").write_text(ddl(count))


def run(root: Path) -> dict:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "analyzer", "check", str(root / "packages"),
                             "--schema", str(root / "schema.sql"), "--format", "json"],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    data = json.loads(result.stdout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": elapsed, "models": len(data["models"]),
            "findings": len(data["findings"]), "problems": len(data["problems"]),
            "exit": result.returncode, "peak_rss_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the monorepo here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="check-bench-"))
    if args.keep and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    try:
        generate(root, args.models)
        files = sum(1 for p in (root / "packages").rglob("*") if p.is_file())
        runs = [run(root) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        print(f"files {files}, models {best['models']}, findings {best['findings']}, "
              f"problems {best['problems']}, exit {best['exit']}")
        print(f"best of {args.repeat}: {best['seconds']:.2f} s, peak RSS "
              f"{max(r['peak_rss_mb'] for r in runs):.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
