"""A small bounded window over one source's recent records: the statements ORMs logged just
before an error (`Executing (default): …`), the tables recent errors named, and which ORMs the
source shows. Entity resolution reads it; memory stays constant whatever the input size.

A statement that leaves the window without an error claiming it ran without failing as far as
the logs say; `on_unclaimed` receives it (the log-only evidence learns columns from it).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.model import Record
from analyzer.resolve.clues import orm_of, statement_of

WINDOW_SIZE = 8
MAX_AGE_NS = 5_000_000_000  # an ORM logs its SQL milliseconds before the error, not seconds
MAX_LINES = 60  # without timestamps: how far back (in lines) a statement may be
TABLE_AGE_NS = 2_000_000_000  # co-occurring errors: same request, so within a couple of seconds
TABLE_LINES = 12


@dataclass(slots=True)
class Seen:
    ts: int | None
    lineno: int
    where: str
    statement: str | None = None
    table: tuple[str | None, str] | None = None  # (schema, table) a matched error named
    orm: str | None = None
    claimed: bool = False
    # the statement lower-cased and with its whitespace collapsed: worked out once, on the first
    # error that reads it (each error reads the whole window)
    _lowered: str | None = None
    _flat: str | None = None

    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = (self.statement or "").lower()
        return self._lowered

    def flat(self) -> str:
        if self._flat is None:
            self._flat = " ".join((self.statement or "").split())
        return self._flat


def _close(before: Seen, record: Record, max_age: int, max_lines: int) -> bool:
    if record.lineno < before.lineno or record.lineno - before.lineno > max_lines:
        return False
    if before.ts is not None and record.ts is not None:
        return 0 <= record.ts - before.ts <= max_age
    return True


@dataclass(slots=True)
class ContextWindow:
    source: str
    on_unclaimed: Callable[[Seen], None] = lambda seen: None
    statements: deque[Seen] = field(default_factory=lambda: deque(maxlen=WINDOW_SIZE))
    tables: deque[Seen] = field(default_factory=lambda: deque(maxlen=WINDOW_SIZE))
    orms: Counter[str] = field(default_factory=Counter)

    def observe(self, record: Record) -> None:
        """A record no rule matched: remember its SQL and ORM."""
        orm = orm_of(record)
        if orm:
            self.orms[orm] += 1
        statement = statement_of(record, logged_before=True)
        if statement:
            if len(self.statements) == self.statements.maxlen:
                self._evict(self.statements[0])
            self.statements.append(Seen(record.ts, record.lineno, self._where(record), statement,
                                        orm=orm))

    def note_table(self, record: Record, schema: str | None, table: str) -> None:
        self.tables.append(Seen(record.ts, record.lineno, self._where(record),
                                table=(schema, table)))

    def recent_statement(self, record: Record, mentions: tuple[str, ...] = ()) -> Seen | None:
        """The latest statement logged just before record that names one of `mentions` (the
        column or table the error is about): a statement that does not cannot have failed so."""
        wanted = [m.lower() for m in mentions if m]
        for seen in reversed(self.statements):
            if not _close(seen, record, MAX_AGE_NS, MAX_LINES):
                continue
            if not wanted or any(m in seen.lowered() for m in wanted):
                return seen
        return None

    def claim(self, statement: str) -> None:
        """An error reported this statement: it did fail."""
        flat = " ".join(statement.split())
        for seen in self.statements:
            if seen.statement and not seen.claimed and seen.flat() == flat:
                seen.claimed = True

    def recent_table(self, record: Record) -> Seen | None:
        for seen in reversed(self.tables):
            if _close(seen, record, TABLE_AGE_NS, TABLE_LINES) and seen.lineno < record.lineno:
                return seen
        return None

    def dominant_orm(self) -> str | None:
        named = [(n, c) for n, c in self.orms.most_common() if n != "postgrest"]
        return named[0][0] if named else None

    def close(self) -> None:
        """The source ended: what is still in the window was not claimed by an error."""
        for seen in self.statements:
            self._evict(seen)
        self.statements.clear()

    def _evict(self, seen: Seen) -> None:
        if not seen.claimed:
            self.on_unclaimed(seen)

    def _where(self, record: Record) -> str:
        return f"{record.source}:{record.lineno}"
