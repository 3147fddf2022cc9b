"""Which ORMs a project uses, from what its files import (the manifests are read by discover):
JavaScript/TypeScript `import`/`require`, Python `import`, Ruby classes deriving from
`ApplicationRecord` / `ActiveRecord::Base`, and any schema.prisma."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from analyzer.check.discover import PACKAGES, Project
from analyzer.check.syntax import SourceFile, js_imports, module_root, text


def imported_orms(source: SourceFile) -> set[str]:
    if source.language == "python":
        names: set[str] = set()
        for node in source.nodes({"Import", "ImportFrom"}):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        names = {n.replace("_", "-") if n == "flask_sqlalchemy" else n for n in names}
        return {PACKAGES[n] for n in names if n in PACKAGES}
    if source.language == "ruby":
        for node in source.nodes({"superclass"}):
            if text(node).lstrip("< ").strip() in ("ApplicationRecord", "ActiveRecord::Base"):
                return {"activerecord"}
        return set()
    return {PACKAGES[module_root(m)] for m in js_imports(source) if module_root(m) in PACKAGES}


def detected_orms(project: Project, files: Iterable[SourceFile]) -> set[str]:
    found = set(project.manifest_orms)
    for source in files:
        found |= imported_orms(source)
    if project.schema_files:
        found.add("prisma")
    if project.migrations and "django" in found:
        found.add("django")
    return found
