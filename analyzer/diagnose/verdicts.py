"""The diagnosis kinds (DESIGN.md's closed vocabulary), each a check over an incident's
entities and the catalog."""

from __future__ import annotations

from analyzer.catalog import Catalog, Table
from analyzer.diagnose.fixes import naming_fixes
from analyzer.diagnose.names import same_words, style
from analyzer.model import Diagnosis, Incident


def _tables_for(incident: Incident, catalog: Catalog) -> list[Table]:
    name = incident.entities.get("table")
    if name:
        table = catalog.get(name, incident.entities.get("schema"))
        return [table] if table else []
    column = incident.entities.get("column", "")
    return [t for t in catalog if any(same_words(column, c) for c in t.columns)]


def case_style(incident: Incident, catalog: Catalog) -> Diagnosis | None:
    """The wanted column is an existing column's name in another convention."""
    wanted = incident.entities.get("column")
    if not wanted:
        return None
    for table in _tables_for(incident, catalog):
        if wanted in table.columns:
            continue
        found = next((c for c in table.columns if same_words(wanted, c)), None)
        if found is None:
            continue
        return Diagnosis(
            kind="case_style",
            summary=(f"{table.name}.{wanted} does not exist; the table has {found!r}: the code "
                     f"uses {style(wanted)}, the schema {style(found)}"),
            wanted=wanted, found=found, confidence=0.9 if style(wanted) != style(found) else 0.7,
            evidence=(f"{table.source}: {table.qualified} has column {found!r}",
                      f"{wanted!r} and {found!r} are the same words in {style(wanted)} and "
                      f"{style(found)}"),
            fixes=naming_fixes(table, wanted, found),
        )
    return None


def naming(incident: Incident, catalog: Catalog | None) -> Diagnosis | None:
    """Naming mismatches between what the code asked for and what the database has."""
    if catalog is None:
        return None
    return case_style(incident, catalog)
