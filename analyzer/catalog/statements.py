"""A SQL script -> its catalog statements, one at a time, in time and memory linear in the
script (a 100 MB `pg_dump --schema-only` included).

PostgreSQL's own scanner splits the script (pglast.split); a statement that cannot change a
table (an index, a function, a grant: most of a dump) is not parsed at all; CREATE TABLE, the
bulk of what is left, is read from the parser's JSON (json.loads is ~9x cheaper than pglast's
Python tree) into the few nodes the catalog needs; the rest is parsed into pglast's tree.
psql meta-commands (`\\restrict KEY`, `\\unrestrict KEY`, `\\connect` that pg_dump writes) are
not SQL and are blanked first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pglast
from pglast import ast, parser

from analyzer.errors import SchemaError

# A line starting with a backslash is a psql meta-command (SQL never starts a line that way
# outside a multi-line string); blanked, so line numbers stay right.
_META_COMMAND_RE = re.compile(r"^[ \t]*\\[A-Za-z][^\n]*", re.M)
# The statements that change the catalog (see ddl._HANDLERS), by their first words.
_SKIP = r"(?:\s+|;|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*"
_RELATION = r"(?:table|view|materialized|foreign|schema)\b"
_CATALOG_STATEMENT_RE = re.compile(
    _SKIP + r"(?:create\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?"
    r"(?:(?:temp|temporary|unlogged)\s+)?(?:recursive\s+)?" + _RELATION +
    r"|(?:alter|drop)\s+" + _RELATION + r"|set\s+(?:(?:session|local)\s+)?search_path\b)",
    re.I | re.S)


def without_meta_commands(text: str) -> str:
    return _META_COMMAND_RE.sub("", text) if "\\" in text else text


_CODELESS_RE = re.compile(_SKIP, re.S)  # what may stand between statements
# The scanner splits the script a window at a time: from FIRST_WINDOW characters, doubled
# after each window up to WINDOW, and back to FIRST_WINDOW after a bad statement (the scanner
# reads each window to its end, so a small one keeps many bad statements linear).
FIRST_WINDOW, WINDOW = 1 << 10, 1 << 22


def _has_code(text: str, start: int, stop: int) -> bool:
    return _CODELESS_RE.match(text, start, stop).end() < stop  # type: ignore[union-attr]


def _split(text: str, start: int, stop: int) -> list[slice]:
    found = pglast.split(text[start:stop], with_parser=False, only_slices=True)
    return [slice(start + piece.start, start + piece.stop) for piece in found]


def _first_semicolon(text: str, start: int, stop: int) -> int | None:
    """Where the first `;` token after `start` is (not one in a string or a comment), scanning
    a growing prefix so that the cost is the distance to it."""
    size = 256
    while True:
        end = min(stop, start + size)
        try:
            tokens = parser.scan(text[start:end])
        except pglast.parser.ParseError:  # a string or comment the prefix cuts
            tokens = None
        for token in tokens or ():
            if token.name == "ASCII_59":
                return start + token.start
        if end == stop:
            return None
        size *= 4


def _pieces(text: str) -> Iterator[slice]:
    """Every statement of the script, bad ones included, in order. PostgreSQL's scanner splits
    it a window at a time; what it leaves out is given too: text without a keyword between two
    statements, and a statement whose parentheses never close (the scanner would swallow the
    rest of the script into it: it ends at its first `;` instead)."""
    pos, size, end_of_text = 0, FIRST_WINDOW, len(text)
    while pos < end_of_text:
        end = min(end_of_text, pos + size)
        try:
            found = _split(text, pos, end)
        except pglast.parser.ParseError:
            if end < end_of_text:  # a string cut by the window, maybe: a wider one
                size *= 2
                continue
            yield slice(pos, end_of_text)  # the scanner gave up: let the parser say where
            return
        last = found[-1].stop if found else pos
        if _has_code(text, last, end):  # the scanner stopped before the window's end
            semicolon = _first_semicolon(text, last, end)
            if semicolon is None and end < end_of_text:
                if not found:
                    size *= 2
                    continue
                cut = len(found)  # go on from the last whole statement
            else:
                yield from _with_gaps(text, pos, found)
                yield slice(last, end_of_text if semicolon is None else semicolon)
                pos, size = end_of_text if semicolon is None else semicolon + 1, FIRST_WINDOW
                continue
        elif end < end_of_text:
            if len(found) < 2:
                size *= 2
                continue
            cut = len(found) - 1  # the window may cut the last statement
        else:
            cut = len(found)
        yield from _with_gaps(text, pos, found[:cut])
        pos, size = found[cut - 1].stop if cut else end, min(WINDOW, size * 2)


def _with_gaps(text: str, start: int, found: list[slice]) -> Iterator[slice]:
    """The statements found, and the text with code between them that the scanner dropped
    (words that are no keyword: not SQL)."""
    for piece in found:
        if _has_code(text, start, piece.start):
            yield slice(start, piece.start)
        yield piece
        start = piece.stop


class _BadStatement(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(offset, message)
        self.offset, self.message = offset, message


def statements(text: str, name: str,
               problems: list[tuple[str, str]] | None = None) -> Iterator[tuple[int, ast.Node]]:
    """(line, statement) of each statement that may change the catalog. Every statement is
    syntax-checked (those that change no table by the parser alone: no tree is built); a bad
    one raises SchemaError, or with `problems` is added there as (`file:line`, message) and the
    rest of the script is read."""
    text = without_meta_commands(text)
    line, counted = 1, 0
    for piece in _pieces(text):
        line += text.count("\n", counted, piece.start)
        counted = piece.start
        try:
            found = _parsed(text, piece) if _CATALOG_STATEMENT_RE.match(
                text, piece.start, piece.stop) else _checked(text, piece)
        except _BadStatement as bad:
            where = f"{name}:{line + text.count(chr(10), piece.start, piece.start + bad.offset)}"
            if problems is None:
                raise SchemaError(f"{where}: {bad.message}") from None
            problems.append((where, bad.message))
            continue
        for offset, stmt in found:
            at = piece.start + offset
            line += text.count("\n", counted, at)
            counted = at
            yield line, stmt


def _checked(text: str, piece: slice) -> list[tuple[int, ast.Node]]:
    """A statement that changes no table: parsed (no tree built) only to find a syntax error."""
    _parse_json(text[piece])
    return []


def _parse_json(sql: str) -> str:
    try:
        return str(parser.parse_sql_json(sql))
    except pglast.parser.ParseError as exc:
        raise _bad(sql, exc) from None


def _bad(sql: str, exc: pglast.parser.ParseError) -> _BadStatement:
    message, offset = ((*exc.args, None))[:2]
    at = offset if isinstance(offset, int) else _code_start(sql)
    return _BadStatement(at, f"cannot parse SQL ({message}) in statement: {_snippet(sql, at)}")


def _parsed(text: str, piece: slice) -> list[tuple[int, ast.Node]]:
    sql = text[piece]
    found = json.loads(_parse_json(sql)).get("stmts", [])
    fast = [_from_json(raw) for raw in found]
    if all(item is not _SLOW for item in fast):
        return [item for item in fast if isinstance(item, tuple)]
    try:
        return [(raw.stmt_location or 0, raw.stmt) for raw in pglast.parse_sql(sql)
                if raw.stmt is not None]
    except pglast.parser.ParseError as exc:
        raise _bad(sql, exc) from None


_SLOW = object()  # a statement the JSON path does not read: pglast's tree is built instead
_COLUMN_CHANGES = ("AT_AddColumn", "AT_DropColumn")


def _from_json(raw: dict[str, Any]) -> tuple[int, ast.Node] | object | None:
    """CREATE TABLE read from JSON; an ALTER TABLE that adds or drops no column (pg_dump's
    OWNER TO, SET DEFAULT, ADD CONSTRAINT) is None: nothing to do. Anything else: _SLOW."""
    stmt = raw["stmt"]
    if "CreateStmt" in stmt:
        return raw.get("stmt_location", 0), _create_stmt(stmt["CreateStmt"])
    if "AlterTableStmt" in stmt:
        cmds = stmt["AlterTableStmt"].get("cmds", ())
        if not any(c.get("AlterTableCmd", {}).get("subtype") in _COLUMN_CHANGES for c in cmds):
            return None
    return _SLOW


def _range_var(data: dict[str, Any]) -> ast.RangeVar:
    return ast.RangeVar(relname=data.get("relname"), schemaname=data.get("schemaname"))


def _create_stmt(data: dict[str, Any]) -> ast.CreateStmt:
    """The parts of CREATE TABLE the catalog reads: the relation, its columns, LIKE and
    INHERITS / PARTITION OF parents."""
    elements: list[ast.Node] = []
    for element in data.get("tableElts", ()):
        if "ColumnDef" in element:
            elements.append(ast.ColumnDef(colname=element["ColumnDef"].get("colname")))
        elif "TableLikeClause" in element:
            like = element["TableLikeClause"].get("relation", {})
            elements.append(ast.TableLikeClause(relation=_range_var(like)))
    parents = [_range_var(p["RangeVar"]) for p in data.get("inhRelations", ()) if "RangeVar" in p]
    return ast.CreateStmt(relation=_range_var(data["relation"]), tableElts=tuple(elements),
                          inhRelations=tuple(parents))


def _code_start(sql: str) -> int:
    """Where a statement's code starts (past blank lines and `--` comments): the place to
    name for an error the parser gives no position for (`syntax error at end of input`)."""
    match = re.match(_SKIP, sql, re.S)
    return match.end() if match else 0


def _snippet(sql: str, at: int) -> str:
    start = sql.rfind(";", 0, max(at, 0)) + 1
    snippet = " ".join(sql[start:at + 40].split())
    return snippet[:80] + ("…" if len(snippet) > 80 else "")
