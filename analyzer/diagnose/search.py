"""Finding names like a wanted one in a large catalog without comparing against every name:
indexes by loose spelling (case and separators removed), by words with the last made singular,
and by single words; typos go through rapidfuzz's edit distance over the distinct loose keys.
Built once per catalog per run; a 2,000-table catalog answers in well under a millisecond.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from analyzer.catalog import Catalog, Table, loose_key
from analyzer.catalog.names import plural_key, typo_limit

MAX_TYPO_CANDIDATES = 20


def _plural_loose(name: str) -> str:
    return "".join(plural_key(name))


@dataclass(slots=True)
class NameIndex:
    catalog: Catalog
    _columns_by_key: dict[str, list[tuple[Table, str]]] = field(default_factory=dict)
    _columns_by_plural: dict[str, list[tuple[Table, str]]] = field(default_factory=dict)
    _tables_by_key: dict[str, list[Table]] = field(default_factory=dict)
    _tables_by_plural: dict[str, list[Table]] = field(default_factory=dict)
    _tables_by_word: dict[str, list[Table]] = field(default_factory=dict)
    _column_keys: list[str] = field(default_factory=list)
    _table_keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for table in self.catalog:
            self._tables_by_key.setdefault(loose_key(table.name), []).append(table)
            self._tables_by_plural.setdefault(_plural_loose(table.name), []).append(table)
            for word in plural_key(table.name):
                self._tables_by_word.setdefault(word, []).append(table)
            for column in table.columns:
                self._columns_by_key.setdefault(loose_key(column), []).append((table, column))
                self._columns_by_plural.setdefault(_plural_loose(column), []).append(
                    (table, column))
        self._column_keys = list(self._columns_by_key)
        self._table_keys = list(self._tables_by_key)

    def near_columns(self, wanted: str) -> list[tuple[Table, str]]:
        """(table, column) pairs spelled like wanted: other case/separators, plural, typo."""
        found = list(self._columns_by_key.get(loose_key(wanted), ()))
        found += self._columns_by_plural.get(_plural_loose(wanted), [])
        for key in self._typos(loose_key(wanted), self._column_keys):
            found += self._columns_by_key[key]
        return list(dict.fromkeys(found))

    def near_tables(self, wanted: str) -> list[Table]:
        found = list(self._tables_by_key.get(loose_key(wanted), ()))
        found += self._tables_by_plural.get(_plural_loose(wanted), [])
        for key in self._typos(loose_key(wanted), self._table_keys):
            found += self._tables_by_key[key]
        return list(dict.fromkeys(found))

    def tables_sharing_words(self, wanted: str) -> list[Table]:
        found: list[Table] = []
        for word in plural_key(wanted):
            found += self._tables_by_word.get(word, [])
        return list(dict.fromkeys(found))

    def tables_with_columns(self, columns: list[str]) -> Counter[Table]:
        """How many of these columns (any spelling) each table has."""
        counts: Counter[Table] = Counter()
        for column in dict.fromkeys(loose_key(c) for c in columns):
            for table in {t for t, _ in self._columns_by_key.get(column, ())}:
                counts[table] += 1
        return counts

    @staticmethod
    def _typos(key: str, keys: list[str]) -> list[str]:
        from rapidfuzz import process  # imported once a name is looked up
        from rapidfuzz.distance import Levenshtein

        limit = typo_limit(key)
        found = process.extract(key, keys, scorer=Levenshtein.distance, score_cutoff=limit,
                                limit=MAX_TYPO_CANDIDATES)
        return [choice for choice, distance, _ in found if 0 < distance <= limit]
