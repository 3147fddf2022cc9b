"""The keyword prefilter over a frame of rows: which events hold one of the rules' keywords.

Vectorized (Rust regex via polars) so healthy lines cost one pass; only the events found here
are built into records. The contract: every event whose message or field values hold a keyword
(ASCII case-insensitive) is found; finding more is allowed.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from analyzer.ingest.formats.base import Marker


def row_numbers(mask: pl.Series) -> pl.Series:
    """The row numbers (Int64, ascending) where a boolean mask is true. Row sets are Int64
    Series throughout the frame driver, so that `rows - 1` cannot wrap around."""
    return mask.arg_true().cast(pl.Int64).rechunk()


def _union(first: pl.Series, second: pl.Series) -> pl.Series:
    return pl.concat([first, second.cast(pl.Int64)]).unique().sort().rechunk()


def _unescaped(text: pl.Series) -> pl.Series:
    """JSON string escapes undone, so keywords match what the decoded message will say."""
    return (text.str.replace_all('\\"', '"', literal=True)
            .str.replace_all("\\u003c", "<", literal=True)
            .str.replace_all("\\u003e", ">", literal=True)
            .str.replace_all("\\u0026", "&", literal=True)
            .str.replace_all("\\\\", "\\", literal=True))


@lru_cache(maxsize=64)
def keyword_pattern(keywords: tuple[str, ...]) -> str:
    """One ASCII-case-insensitive alternation of the literal keywords (Rust regex). Measured
    on Render lines: 3-4x faster than contains_any(ascii_case_insensitive=True) for a few
    keywords and as fast for the full rule pack (~80); Unicode case folding (`(?i)`) instead
    blows up past ~20 keywords."""
    # Only the meta characters are escaped: Rust regex reads `\<` and `\>` as word boundaries.
    escaped = (re.sub(r"([\\.+*?()|\[\]{}^$#&\-~])", r"\\\1", word) for word in keywords)
    return "(?i-u:" + "|".join(escaped) + ")"


# Past this size the alternation is not one regex: Rust's regex then leaves its fast engines
# (measured: a 70,000-character alternation of 2,500 keywords searches 1M Render lines in
# 0.3 s, an 84,000-character one of 3,000 takes minutes; near ~5,000 keywords it exceeds the
# 10 MiB compiled-size limit). Below it, one regex is 2-3x faster than Aho-Corasick
# (`contains_any`) plus a second pass for the other tests: 1,000 user rules on top of the pack
# (~1,400 keywords, ~40,000 characters) stay one pass.
MAX_REGEX_CHARS = 48_000


def one_regex(keywords: tuple[str, ...]) -> bool:
    """Whether the keywords are searched as one regex alternation (else Aho-Corasick)."""
    return len(keyword_pattern(keywords)) <= MAX_REGEX_CHARS


# Below this many rows the keywords are searched with Aho-Corasick, not the regex: the regex's
# lazy DFA is built anew on every call, ~13 ms for the rule pack's ~490 keywords (measured, see
# README "Speed work of issue 17"), while an Aho-Corasick automaton costs ~2 ms to build; the
# regex is faster per row once warm (0.14 vs 0.23 µs per Render line).
FEW_ROWS = 50_000


# The candidate pass over a whole block keeps the one regex down to this many rows: a full
# block (4 MiB, ~25,000 Render lines) is faster with it, but building its lazy DFA (~5 ms of a
# 10-line scan, measured) is most of the pass over a small file's few rows.
FEW_BLOCK_ROWS = 1_000


def holds_keyword(text: pl.Expr, keywords: tuple[str, ...], *, rows: int | None = None
                  ) -> pl.Expr:
    """Whether the text holds one of the keywords (ASCII case-insensitive), at any count.
    `rows`: how many rows the test will run on, when known."""
    few = rows is not None and rows < FEW_ROWS
    if one_regex(keywords) and not few:
        return text.str.contains(keyword_pattern(keywords))
    return text.str.contains_any(list(keywords), ascii_case_insensitive=True)


def _hits(texts: pl.Series, keywords: tuple[str, ...]) -> pl.Series:
    return pl.select(holds_keyword(pl.lit(texts), keywords, rows=len(texts)).fill_null(False))\
        .to_series()


CONTEXT_SPAN = 12  # rows before a keyword event whose context lines are kept
# literals never name a table or column: blanked, they give a statement's shape
_LITERALS = r"'(?:[^']|'')*'|(?-u:\b)\d+(?:\.\d+)?(?-u:\b)"


def events_with_keywords(frame: pl.DataFrame, complete: pl.Series, open_from: int,
                          keywords: tuple[str, ...], search: str = "line",
                          context_keywords: tuple[str, ...] = (),
                          marker: Marker | None = None,
                          shapes: SeenShapes | None = None) -> pl.Series:
    """The heads of the events holding a keyword anywhere in their rows (see `keyword_rows`),
    matching the marker, plus the context events worth building (see `context_rows`).
    `search` says which text of a row the tests read (see `searched`)."""
    complete = complete.cast(pl.Int64)
    if len(complete) == 0 or not keywords:
        return complete.head(0)
    part = frame.slice(0, open_from)
    rows = candidate_rows(part, keywords, search, context_keywords, marker)
    if len(rows) == 0:
        return complete.head(0)
    some = part[rows]
    flags = row_flags(some, keywords, search, context_keywords, marker)
    hits = rows.gather(keyword_rows(some, flags, keywords, search))
    if marker is not None:
        hits = _union(hits, rows.filter(flags.get_column("marker")))
    if context_keywords:
        found = rows.filter(flags.get_column("context"))
        context = context_rows(part, hits, found, shapes)
        if shapes is not None:
            shapes.settle(part, complete, hits, context)
        hits = _union(hits, context)
    if len(hits) == 0:
        return complete.head(0)
    owners = complete.search_sorted(hits, side="right").cast(pl.Int64) - 1
    return complete.gather(owners.filter(owners >= 0).unique().sort())


def searched(columns: list[str], search: str) -> list[pl.Expr]:
    """The texts of a row the prefilter reads: `line` (the raw line: it holds the message and
    every field the line gives), `both` (the line and the message, for formats whose message
    is decoded) or `message` (formats whose line prefix is only a timestamp: its digits would
    look like SQLSTATE codes; a row another format claimed is still read whole)."""
    line, message = pl.col("line"), pl.col("message")
    if search == "line":
        return [line]
    if search == "both":
        return [line, message]
    if "fmt" in columns:
        return [pl.when(pl.col("fmt").is_null()).then(message).otherwise(line)]
    return [message]


def candidate_rows(part: pl.DataFrame, keywords: tuple[str, ...], search: str = "line",
                   context_keywords: tuple[str, ...] = (),
                   marker: Marker | None = None) -> pl.Series:
    """The rows any test of row_flags could be true for, in one pass: a regex that is the
    alternation of them all (keywords, marker, context keywords, an escape character, a
    backslash). Healthy lines fail it at once; row_flags then runs on the few that pass. One
    eager call per block: split in slices for polars' threads (lazily, collect_all) the pass
    cost 25-35 % more CPU, each slice warming the big regex's lazy DFA again. A block of few
    rows (a small file) searches the keywords with Aho-Corasick instead (see FEW_BLOCK_ROWS).
    """
    parts = [r"\x1b", r"\\"]
    if marker is not None:
        parts.append(marker.rust_pattern)
    if context_keywords:
        parts.append(keyword_pattern(context_keywords))
    texts = searched(part.columns, search)
    if one_regex(keywords) and part.height >= FEW_BLOCK_ROWS:
        pattern = "|".join([keyword_pattern(keywords), *parts])
        test = pl.any_horizontal(text.str.contains(pattern).fill_null(False) for text in texts)
    else:  # the keywords apart (see MAX_REGEX_CHARS, FEW_BLOCK_ROWS)
        test = pl.any_horizontal(
            *(holds_keyword(text, keywords, rows=part.height).fill_null(False)
              for text in texts),
            *(text.str.contains("|".join(parts)).fill_null(False) for text in texts))
    # one chunk: a gather by a chunked index gives a chunked frame (row_flags 2x slower)
    return part.select(pl.arg_where(test)).to_series().cast(pl.Int64).rechunk()


def row_flags(part: pl.DataFrame, keywords: tuple[str, ...], search: str = "line",
              context_keywords: tuple[str, ...] = (),
              marker: Marker | None = None) -> pl.DataFrame:
    """Every test of the prefilter over these rows, in one select (polars runs them at once).
    `keyword` (a searched text holds one), `ansi` and `escaped` (rows whose colour codes or
    JSON escapes may hide a keyword from that test), `marker` and `context` (see Marker,
    context_rows)."""
    texts = searched(part.columns, search)
    passes = {"keyword": pl.any_horizontal(holds_keyword(text, keywords, rows=part.height)
                                           .fill_null(False) for text in texts),
              "ansi": pl.col("line").str.contains("\x1b", literal=True),
              "escaped": texts[0].str.contains("\\", literal=True)}
    if marker is not None:
        passes["marker"] = texts[0].str.contains(marker.rust_pattern)
    if context_keywords:
        passes["context"] = pl.col("message").str.contains(keyword_pattern(context_keywords))
    return part.select(**{name: expr.fill_null(False) for name, expr in passes.items()})


class SeenShapes:
    """The statement shapes a source has already built a context record for, so a shape costs
    one record per source whatever the block size (bounded: past MAX_SHAPES, a new shape is
    built each time it is met, as if it had never been seen)."""

    MAX_SHAPES = 100_000

    def __init__(self, seen: set[str] | None = None) -> None:
        self._seen: set[str] = set(seen or ())

    @property
    def seen(self) -> set[str]:
        return self._seen

    def first(self, shapes: pl.Series) -> pl.Series:
        new = shapes.is_first_distinct() & ~shapes.is_in(list(self._seen))
        if len(self._seen) < self.MAX_SHAPES:
            self._seen.update(shapes.filter(new).to_list())
        return new

    def note(self, rows: pl.Series, shapes: pl.Series) -> None:
        """Context rows chosen only as the first of their shape (no keyword row near)."""

    def settle(self, part: pl.DataFrame, complete: pl.Series, hits: pl.Series,
               context: pl.Series) -> None:
        """The frame's choice is made: `hits` (keyword and marker rows), `context` (the
        context rows chosen). A subclass that reads a part of a file (ingest.ranges) learns
        here which events it built only for a shape an earlier part may have seen."""


def context_rows(part: pl.DataFrame, hits: pl.Series, found: pl.Series,
                 shapes: SeenShapes | None = None) -> pl.Series:
    """Of the rows holding a context keyword (`found`), those worth a record: up to
    CONTEXT_SPAN rows before a keyword row (the SQL an error came from), and the first row of
    each statement shape (what successful statements say exists). An app that logs every
    query (Sequelize's `Executing (default): …`) then costs one record per distinct query, not
    one per line."""
    found, hits = found.cast(pl.Int64), hits.cast(pl.Int64)
    if len(found) == 0:
        return found
    # the first keyword row after each (null: none), from the hits with a null appended
    following = hits.search_sorted(found, side="right")
    next_hit = pl.concat([hits, pl.Series([None], dtype=pl.Int64)]).gather(following)
    near = (next_hit - found <= CONTEXT_SPAN).fill_null(False)
    texts = part.get_column("message").gather(found).str.replace_all(_LITERALS, "")
    shapes = shapes or SeenShapes()
    first = shapes.first(texts)
    only = first & ~near
    if only.any():
        shapes.note(found.filter(only), texts.filter(only))
    return found.filter(near | first)


def keyword_rows(part: pl.DataFrame, flags: pl.DataFrame, keywords: tuple[str, ...],
                 search: str = "line") -> pl.Series:
    """Rows holding a keyword: in a searched text, in that text with JSON escapes undone, and
    (searching the raw line) in the message where colours were stripped from it."""
    found = flags.get_column("keyword").clone()
    if search == "line":
        _also(found, flags.get_column("ansi"), part.get_column("message"), keywords)
    escaped = flags.get_column("escaped")
    if escaped.any():
        text = part.select(searched(part.columns, search)[0]).to_series()
        _also(found, escaped, _unescaped(text.filter(escaped)), keywords)
    return row_numbers(found)


def _also(found: pl.Series, where: pl.Series, texts: pl.Series | None,
          keywords: tuple[str, ...]) -> None:
    """Mark found[i] for the rows in `where` whose text (of those rows) holds a keyword."""
    where = where.fill_null(False)
    if texts is None or not where.any():
        return
    if len(texts) == len(found):
        texts = texts.filter(where)
    found.scatter(where.arg_true().filter(_hits(texts, keywords)), True)
