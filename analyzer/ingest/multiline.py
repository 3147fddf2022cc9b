"""Multi-line assembly: which rows continue the logical event before them.

Decided on content: indentation (stack frames `    at …`, util.inspect property blocks, wrapped
text), a closing brace, `Caused by:`, Python traceback endings and chained tracebacks, psycopg's
`LINE n:` / `HINT:` lines, and a line after one ending in `:`. The rules are polars expressions
over the `message` column: the one truth the full and the prefiltered reads share, so both
assemble exactly the same records. The frame driver adds the checks that are not about
content: rows of different instances never join, and (for sources that stamp every physical
line, such as Render) rows far apart in time never join. Formats compose their own rule from
these parts (Postgres: same pid + DETAIL/HINT/... tag). Where the source names no instance,
lines that do not fit the open event's shape (misfit: a stack frame after a util.inspect
property) are set apart (strays_apart) and counted (refused_heads) instead of glued.
"""

from __future__ import annotations

import polars as pl

# A line that cannot start an event: indented text (stack frames, inspect blocks, wrapped
# messages), the closing brace of a util.inspect block, a chained cause, elided Java frames.
CONTINUATION_LINE = (r"^(?:[ \t]+\S|[}\]]\s*[,;)]*\s*$|Caused by:|\[cause\]:"
                     r"|\.\.\. \d+ (?:more|common frames))")
BLANK_LINE = r"^\s*$"
# Lines that always start a new event, even after a line ending in ':'.
ALWAYS_HEAD = r"^(?:==> |\{\s*\"|\[\d{4}-\d{2}-\d{2}|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})"
# A line ending in ':' owns the unindented line below only when it announces an error's text
# there: an error class with nothing after it (`PrismaClientKnownRequestError: `), Prisma's
# `Invalid `prisma.x.findMany()` invocation:`. Any other line ending in ':' is a whole event
# (Loghub's HDFS `… to /10.251.90.64:`); what it introduces is indented when it belongs to it.
ANNOUNCES_BELOW = r"(?:\b[A-Z][\w.]*(?:Error|Exception):|\binvocation:)\s*$"
# A JavaScript stack frame, and lines no stack frame can follow: a property of a util.inspect
# block (frames come before the block) unless its value is an error (`parent: error: …`,
# `[cause]: Error: …`), the brace that closed a block, an HTTP access line. A frame after one
# of these is another instance's stack interleaved: split.
JS_FRAME = r"^\s+at (?:\S+ \(|\S+:\d+|async |new |<anonymous>)"
_PROPERTY = r"^\s+(?:[\w$]+|'[^']*'|\[[\w\s.()]+\]): "
_ERROR_VALUE = r"(?i:error|exception)"
_BLOCK_END_OR_ACCESS = r"^\s*\}\s*[,;)]*\s*$|^(?:[A-Z]+ )?/\S* [1-5]\d\d\b"
PY_FRAME = r'^  File "[^"]+", line \d+'
PY_FRAME_OWNER = (r'^(?:Traceback \(most recent call last\):|  File "|    \S|\s+\^+\s*$'
                  r'|  \[Previous line repeated)')
# A property line of a util.inspect block (`  code: '42703',`): it follows the block's opening
# (a line ending in `{`), another property, or nested lines; never a bare stack frame.
INSPECT_PROPERTY = r"^\s+(?:[\w$]+|'[^']*'|\[[\w\s.()]+\]): "
# psycopg / libpq put these under the error message, without indentation; SQLAlchemy adds
# its statement, parameters and a docs link.
LIBPQ_DETAIL = (r"^(?:LINE \d+: |(?:HINT|DETAIL|CONTEXT|QUERY|STATEMENT|WHERE):  |\[SQL: "
                r"|\[parameters: |\(Background on this error at: )")
# The last line of a Python traceback (`psycopg2.errors.UndefinedColumn: column …`).
PY_EXCEPTION = (r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Cancelled"
                r"|UndefinedColumn|UndefinedTable)(?::|$)")
PY_CODE_LINE = r"^(?:  File \"|    [^a\s]|    a[^t]|    at\S)"
PY_CHAINED = (r"^(?:The above exception was the direct cause of the following exception"
              r"|During handling of the above exception, another exception occurred)")
PY_TRACEBACK = r"^Traceback \(most recent call last\):"
# A line that announces the traceback below it (`logger.exception(...)`, Flask's
# "Exception on /path [GET]").
ERROR_ANNOUNCE = r"(?i)\b(?:error|exception|critical|fatal)\b"
# A platform line (`==> Exited with status 1`) never owns the lines after it: Render can print
# a crashed process's stack after its exit line.
PLATFORM_LINE = "==> "


# Lines that join the line above whatever it was, in one pass.
_ALWAYS_JOINS = "|".join(f"(?:{p})" for p in (CONTINUATION_LINE, BLANK_LINE, LIBPQ_DETAIL,
                                               PY_CHAINED))


# A cheap first test: only lines that start like this, follow an indented line, or follow a
# line ending in ':' (looking past blank lines) can continue by content.
_MAYBE_START = (r"^(?:\s|$|[}\]]|Caused by:|\[cause\]:|\.\.\. |LINE \d|HINT:|DETAIL:|CONTEXT:"
                r"|QUERY:|STATEMENT:|WHERE:|\[SQL: |\[parameters: |\(Background|The above"
                r"|During handling|Traceback)")


def maybe_continues(message: str = "message") -> pl.Expr:
    """A superset of by_content(): False only where by_content() is surely False."""
    text = pl.col(message)
    blank = text.str.contains(BLANK_LINE)
    colon_above = _carried(text.str.contains(r":\s*$"), blank)
    return (text.str.contains(_MAYBE_START) | _above(text.str.contains(r"^\s"))
            | colon_above).fill_null(True)


def by_content(message: str = "message", *, shape: bool = True) -> pl.Expr:
    """True where the row's text continues the event above (the generic rule). With shape,
    also only where it fits the event's shape (see misfit): rows in their final order; without,
    for rows whose order is not settled yet (another instance's lines may still be between)."""
    text = pl.col(message)
    blank = text.str.contains(BLANK_LINE)
    # What the last non-blank line above says: Prisma and Python put blank lines inside one
    # error. Booleans are shifted and carried down, not the text, to keep this cheap.
    colon_above = _carried(text.str.contains(ANNOUNCES_BELOW), blank)
    chained_above = _carried(text.str.contains(PY_CHAINED), blank)
    joins = (
        text.str.contains(_ALWAYS_JOINS)
        | (text.str.contains(PY_EXCEPTION) & _above(text.str.contains(PY_CODE_LINE)))
        | (text.str.contains(PY_TRACEBACK) & _above(blank) & chained_above)
        | (text.str.contains(PY_TRACEBACK) & _above(text.str.contains(ERROR_ANNOUNCE)))
        | (colon_above & ~text.str.contains(ALWAYS_HEAD))
    )
    joins = joins & ~_above(text.str.starts_with(PLATFORM_LINE))
    return joins & ~misfit(message) if shape else joins


def misfit(message: str = "message") -> pl.Expr:
    """Indented lines that do not continue the shape of the event above: a stack frame after
    a line no stack follows, a util.inspect property right after a frame that
    opened no block.
    Two instances' blocks interleave this way when the source names no instance (`render logs
    -o text`): such a line starts an event of its own instead of gluing two errors."""
    text = pl.col(message)
    frame = text.str.contains(JS_FRAME)
    no_frame_after = ((text.str.contains(_PROPERTY) & ~text.str.contains(_ERROR_VALUE))
                      | text.str.contains(_BLOCK_END_OR_ACCESS))
    frame_misfit = frame & _above(no_frame_after)
    bare_frame_above = _above(frame & ~text.str.contains(r"\{\s*$"))
    property_misfit = text.str.contains(INSPECT_PROPERTY) & bare_frame_above
    # A Python frame follows its traceback's head, another frame or a frame's code line.
    py_frame = text.str.contains(PY_FRAME)
    py_misfit = py_frame & ~_above(text.str.contains(PY_FRAME_OWNER))
    return (frame_misfit | property_misfit | py_misfit).fill_null(False)


def _above(flag: pl.Expr) -> pl.Expr:
    return flag.shift(1).fill_null(False)


def _carried(flag: pl.Expr, blank: pl.Expr) -> pl.Expr:
    """flag of the last non-blank row above each row."""
    return pl.when(~blank).then(flag).otherwise(None).forward_fill().shift(1).fill_null(False)


def _rows(mask: pl.Series) -> pl.Series:
    return mask.arg_true().cast(pl.Int64)


def _misfits_below(frame: pl.DataFrame, rows: pl.Series) -> pl.Series:
    """misfit() of these rows (each > 0), tested against the row right above each."""
    pairs = pl.int_ranges(rows - 1, rows + 1, eager=True).explode()  # row - 1, row, ...
    part = frame.select("message")[pairs]
    return part.select(misfit()).to_series().gather_every(2, offset=1)


def strays_apart(frame: pl.DataFrame) -> pl.DataFrame:
    """Without instances (`render logs -o text`): a stack frame that cannot continue the event
    above (misfit) is another instance's, interleaved. It and the frames right under it move
    below the rest of the event they cut into, so that event's lines stay together and the
    stray stack becomes an event of its own."""
    message = frame.get_column("message")
    rows = _rows(message.str.contains(JS_FRAME).fill_null(False))
    rows = rows.filter(rows > 0)
    if len(rows) == 0:
        return frame
    strays = rows.filter(_misfits_below(frame, rows))
    if len(strays) == 0:
        return frame
    is_frame = set(rows.to_list())
    # where the event cut into ends: the next line that starts one (not indented, no brace)
    starts = _rows(~message.str.contains(r"^(?:\s|[}\]])").fill_null(True))
    # each row's place in the new order: its own number, or (a stray stack) just before the
    # line that ends the event it cut into; rows of one place keep their order
    key = pl.int_range(0, frame.height, eager=True).cast(pl.Float64)
    for start in strays.to_list():
        end = start + 1
        while end < frame.height and end in is_frame:
            end += 1
        at = starts.search_sorted(end, side="left")
        key.scatter(range(start, end), (starts[at] if at < len(starts) else frame.height) - 0.5)
    return frame[pl.DataFrame({"key": key}).with_row_index().sort("key", "index")["index"]]


def refused_heads(frame: pl.DataFrame, heads: pl.Series) -> int:
    """How many of these event heads are lines the content rule refused to join (misfits):
    only indented heads can be, and they are few, so only they are tested."""
    if len(heads) == 0:
        return 0
    # one anchored pass over the column is ~5x cheaper than gathering the heads' strings first
    indented = frame.get_column("message").str.contains(r"^[ \t]+\S").fill_null(False)
    rows = heads.filter(indented.gather(heads))
    rows = rows.filter(rows > 0)
    return int(_misfits_below(frame, rows).sum()) if len(rows) else 0
