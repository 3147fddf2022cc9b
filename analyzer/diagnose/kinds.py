"""The registry of diagnosis kinds (DESIGN.md's closed vocabulary): one entry per kind with
its verdict test (for the kinds that relate two names), its summary and evidence sentences, its
fixes (per ORM, via fixes.ORM_FIXES) and how its incidents group into root causes.
DIAGNOSIS_KINDS is derived from it; code asks an entry, never compares kind strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from analyzer.catalog.names import close_spelling, differ_by_plural, is_folded_form, same_words
from analyzer.catalog.names import style as name_style
from analyzer.diagnose import fixes
from analyzer.diagnose.finding import Finding, Subject

# how a kind's incidents group into root causes: not at all, all in one, by the naming
# convention of a table, by table, or each on its own
CauseGrouping = Literal["none", "global", "convention", "table", "incident"]
PairTest = Callable[[str, str], float | None]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    meaning: str  # one line: what a diagnosis of this kind says
    fixes: Callable[[Finding, Subject], list[str]]
    test: PairTest | None = None  # wanted vs one existing name: a confidence, or None
    describe: Callable[[str, str, str], str] = lambda wanted, found, where: ""
    evidence: Callable[[str, str], str] = lambda wanted, found: ""
    column_causes: CauseGrouping = "incident"  # for a column incident
    table_pair_cause: bool = False  # table incidents group by the (wanted, found) pair
    nothing_like: bool = False  # says only that nothing is named like the wanted name
    quote_fix: bool = False  # the raw-SQL fix (quote the identifier) always applies
    real_name: bool = True  # `found` is a real column name (not a value)
    orm_convention: bool = False  # an ORM naming option (Sequelize `underscored`) decides it
    in_another_schema: bool = False  # `found` is in another schema than the query reached
    cache_reload: bool = False  # reloading PostgREST's schema cache fixes it
    compared: bool = True  # a schema (or what the logs say) was compared with


def orms_of(subject: Subject) -> tuple[str, ...]:
    orms = list(subject.clue("orm"))
    if subject.clue("via"):
        orms.append("postgrest")
    return tuple(dict.fromkeys(orms))


def _model(subject: Subject) -> str | None:
    return next(iter(subject.clue("model")), None)


def _name_fixes(finding: Finding, subject: Subject) -> list[str]:
    """A name written differently: the table's fixes for a table incident, else the column's."""
    orms, model = orms_of(subject), _model(subject)
    if not subject.column and finding.found_table is not None:
        return fixes.table_fixes(finding.wanted, finding.found_table, orms, model)
    found = (finding.found or "").rsplit(".", 1)[-1]
    return fixes.column_fixes(finding.table, finding.wanted, found, orms, model,
                              quote=KINDS[finding.kind].quote_fix)


def _other_schema_fixes(finding: Finding, subject: Subject) -> list[str]:
    if finding.found_table is None:
        return _name_fixes(finding, subject)
    wanted = finding.wanted if not subject.column else (
        finding.table.name if finding.table else "")
    return fixes.other_schema_fixes(wanted, finding.found_table, orms_of(subject),
                                    _model(subject))


def _other_table_fixes(finding: Finding, subject: Subject) -> list[str]:
    if subject.column:
        return fixes.other_table_fixes(finding.wanted, finding.found_table)
    return _name_fixes(finding, subject)


def _case_style(wanted: str, candidate: str) -> float | None:
    if not same_words(wanted, candidate):
        return None
    return 0.9 if name_style(wanted) != name_style(candidate) else 0.75


def _typo(wanted: str, candidate: str) -> float | None:
    distance = close_spelling(wanted, candidate)
    return None if distance is None else 0.75 - 0.1 * (distance - 1)


_ENTRIES = (
    # the name-pair kinds, most specific first (the order best_match tries them in)
    Kind("case_folding", "an unquoted mixed-case identifier, folded to lower case",
         _name_fixes, test=lambda w, c: 0.9 if is_folded_form(w, c) else None,
         describe=lambda w, f, where: f"{w!r} is {f!r} written without quotes: PostgreSQL "
                                      "folds unquoted identifiers to lower case",
         evidence=lambda w, f: f"lower({f!r}) = {w!r}",
         column_causes="convention", table_pair_cause=True, quote_fix=True),
    Kind("case_style", "the same words in another naming convention (camelCase, snake_case)",
         _name_fixes, test=_case_style,
         describe=lambda w, f, where: f"the code uses {name_style(w)} {w!r}, {where} has "
                                      f"{name_style(f)} {f!r}",
         evidence=lambda w, f: f"{w!r} and {f!r} are the same words in {name_style(w)} and "
                               f"{name_style(f)}",
         column_causes="convention", table_pair_cause=True, orm_convention=True),
    Kind("pluralization", "singular against plural", _name_fixes,
         test=lambda w, c: 0.8 if differ_by_plural(w, c) else None,
         describe=lambda w, f, where: f"{w!r} and {f!r} differ only in singular/plural",
         evidence=lambda w, f: f"{w!r} and {f!r} are the same words, singular and plural",
         table_pair_cause=True),
    Kind("typo", "a misspelling of an existing name", _name_fixes, test=_typo,
         describe=lambda w, f, where: f"{w!r} is a misspelling of {f!r}",
         evidence=lambda w, f: f"{w!r} is {close_spelling(w, f) or 0} edit(s) from {f!r}",
         table_pair_cause=True),
    # the kinds the verdicts decide from where a name is (or is not)
    Kind("table_name", "the table exists under another name", _name_fixes,
         table_pair_cause=True),
    Kind("other_schema", "the table or column exists in another schema", _other_schema_fixes,
         table_pair_cause=True, in_another_schema=True),
    Kind("other_table", "the column exists, in another table", _other_table_fixes,
         nothing_like=True),
    Kind("stale_schema_cache", "PostgREST's schema cache is older than the database",
         lambda f, s: fixes.stale_cache_fixes(), column_causes="global", cache_reload=True),
    Kind("missing", "nothing in the schema is named like it: a migration not applied",
         lambda f, s: fixes.missing_fixes(f.wanted, f.table, bool(s.column)),
         column_causes="table", nothing_like=True),
    Kind("quoted_literal", "a double-quoted value, read by SQL as a column name",
         lambda f, s: fixes.quoted_literal_fixes(f.wanted, orms_of(s)), real_name=False),
    Kind("unknown", "nothing to compare with: no schema, no hint in the logs",
         lambda f, s: fixes.unknown_fixes(), column_causes="none", nothing_like=True,
         compared=False),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _ENTRIES}
PAIR_KINDS: tuple[Kind, ...] = tuple(kind for kind in _ENTRIES if kind.test is not None)
DIAGNOSIS_KINDS: tuple[str, ...] = tuple(KINDS)


def fixes_for(finding: Finding, subject: Subject) -> list[str]:
    return KINDS[finding.kind].fixes(finding, subject)
