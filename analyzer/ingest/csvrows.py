"""CSV records from numbered lines, with a real CSV parser (quoted fields span lines) that never
gives up: a record the parser rejects (a NUL, a runaway quote) comes back without values and
the parser restarts on the next line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

# A quoted field longer than this is a runaway quote, not a value.
MAX_FIELD_CHARS = 1024 * 1024


@dataclass(frozen=True, slots=True)
class CsvRow:
    lineno: int
    end_lineno: int
    raw: str
    values: list[str] | None  # None: the parser could not read this record


def csv_rows(lines: Iterator[tuple[int, str]]) -> Iterator[CsvRow]:
    csv.field_size_limit(MAX_FIELD_CHARS)
    consumed: list[tuple[int, str]] = []

    def feed() -> Iterator[str]:
        for lineno, text in lines:
            consumed.append((lineno, text))
            yield text.replace("\x00", "\ufffd") + "\n"

    source = feed()
    while True:
        reader = csv.reader(source, strict=False)
        try:
            for values in reader:
                if consumed:
                    yield _row(consumed, values)
                    consumed.clear()
            break
        except csv.Error:
            if consumed:
                yield _row(consumed, None)
                consumed.clear()
    if consumed:
        yield _row(consumed, None)


def _row(consumed: list[tuple[int, str]], values: list[str] | None) -> CsvRow:
    return CsvRow(lineno=consumed[0][0], end_lineno=consumed[-1][0],
                  raw="\n".join(text for _, text in consumed), values=values)
