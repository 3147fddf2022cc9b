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


def _pieces(text: str) -> list[slice]:
    try:
        pieces = list(pglast.split(text, with_parser=False, only_slices=True))
    except pglast.parser.ParseError:
        pieces = [slice(0, len(text))]  # the scanner gave up: let the parser say where
    end = pieces[-1].stop if pieces else 0
    if text[end:].strip(" \t\r\n;"):
        pieces.append(slice(end, len(text)))  # a tail the scanner left (an unfinished statement)
    return pieces


def statements(text: str, name: str) -> Iterator[tuple[int, ast.Node]]:
    """(line, statement) of each statement that may change the catalog."""
    text = without_meta_commands(text)
    line, counted = 1, 0
    for piece in _pieces(text):
        if not _CATALOG_STATEMENT_RE.match(text, piece.start, piece.stop):
            continue
        for offset, stmt in _parsed(text, piece, name, line + text.count("\n", counted,
                                                                         piece.start)):
            at = piece.start + offset
            line += text.count("\n", counted, at)
            counted = at
            yield line, stmt


def _parsed(text: str, piece: slice, name: str, line: int) -> list[tuple[int, ast.Node]]:
    sql = text[piece]
    try:
        found = json.loads(parser.parse_sql_json(sql)).get("stmts", [])
        fast = [_from_json(raw) for raw in found]
        if all(item is not _SLOW for item in fast):
            return [item for item in fast if isinstance(item, tuple)]
        return [(raw.stmt_location or 0, raw.stmt) for raw in pglast.parse_sql(sql)
                if raw.stmt is not None]
    except pglast.parser.ParseError as exc:
        message, offset = ((*exc.args, None))[:2]
        at = offset if isinstance(offset, int) else _code_start(sql)
        raise SchemaError(f"{name}:{line + sql.count(chr(10), 0, at)}: cannot parse SQL "
                          f"({message}) in statement: {_snippet(sql, at)}") from None


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
