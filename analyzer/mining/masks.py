"""Typed variable masks: text -> text with `<num>`, `<ip>`, `<uuid>`… in place of the values.

One list of (type, pattern, replacement) serves two engines that must agree byte for byte:
Python's `re` for one line at a time (`mask`) and polars' Rust regex for batches
(`mask_many`). The patterns therefore use only what both engines share (no look-around, no
back-references) and a left-context group re-emitted by the replacement where a look-behind
would be needed. No pattern matches whitespace, so masking never joins or splits tokens:
the raw line's tokens and the masked line's tokens align one to one, which is how the miner
recovers variable values without a second pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import polars as pl

# A token holding one of these is a variable (whatever else it holds).
PLACEHOLDERS = ("<*>", "<num>", "<id>", "<hex>", "<ip>", "<uuid>", "<ts>", "<url>", "<path>",
                "<email>", "<str>")
WILDCARD = "<*>"

# Left context instead of a look-behind: the start or a character that cannot be inside the
# value; the replacement puts it back.
_LEFT = r"(^|[^\w./-])"

# (type, pattern, replacement, triggers): a pattern cannot match a text holding none of its
# triggers, which lets the one-line path skip most patterns for most lines.
_DIGITS = tuple("0123456789")
_CTIME = (r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
          r" +\d{1,2} +\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?")
MASKS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("url", r"""\b[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+""", "<url>", ("://",)),
    ("email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", "<email>", ("@",)),
    ("uuid", r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
     "<uuid>", ("-",)),
    # ctime dates (`Sun Jul 10 03:55:22 2005`) span tokens: one placeholder per token keeps
    # the raw and masked tokens aligned (a year after it is masked as a number)
    ("ts", _CTIME, "<ts> <ts> <ts> <ts>", (":",)),
    # ISO dates and date-times, or a time of day
    ("ts", r"\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
     r"|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b", "<ts>", ("-", ":")),
    ("ip", r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?\b", "<ip>", (".",)),
    # Unix paths (two segments or more) or Windows paths; group 1 is the left context
    ("path", _LEFT + r"(?:/[\w.@~+%-]+){2,}/?" + r"""|\b[A-Za-z]:\\[^\s"']+""",
     r"\g<1><path>", ("/", ":\\")),
    ("hex", r"\b0[xX][0-9a-fA-F]+\b", "<hex>", ("0x", "0X")),
    ("str", r'"[^"\s]+"', '"<str>"', ('"',)),
    # single quotes also wrap plain words ('Active'): only identifier-like contents are values
    ("str", r"(^|[^\w])'(?:[^'\s]*[\d_./:@$-][^'\s]*|[^'\s]*[a-z][A-Z][^'\s]*)'",
     r"\g<1>'<str>'", ("'",)),
    ("str", r"`[^`\s]+`", "`<str>`", ("`",)),
    # words holding a digit (blk_123, sess_x9, 5ms, 9f4ef63) before plain numbers; a word
    # ending in one or two digits (ssh2, SOCKS5, IPv6) is a name, not a value
    ("id", r"\b(?:\d+[A-Za-z_]|[A-Za-z_][\w-]*(?:[_-][\w-]*\d|\d\d\d|\d[\w-]*[A-Za-z_-]))"
     r"[\w-]*\b", "<id>", _DIGITS),
    ("num", r"-?\b\d+(?:\.\d+)?\b", "<num>", _DIGITS),
)

_COMPILED = tuple((re.compile(pattern), repl, triggers) for _, pattern, repl, triggers in MASKS)
_HAS_DIGIT_OR_MARK = re.compile(r"""[\d/\\@"'`]""")
_GROUP_REF = re.compile(r"\\g<(\d+)>")


def _polars_replacement(repl: str) -> str:
    return _GROUP_REF.sub(r"${\1}", repl.replace("$", "$$"))


_POLARS = tuple((pattern, _polars_replacement(repl)) for _, pattern, repl, _ in MASKS)


def mask(text: str) -> str:
    """The text with every typed variable replaced by its placeholder."""
    if not _HAS_DIGIT_OR_MARK.search(text):
        return text  # every mask needs a digit, a slash, an @, a quote or a backslash
    for pattern, repl, triggers in _COMPILED:
        if not triggers or any(t in text for t in triggers):
            text = pattern.sub(repl, text)
    return text


def mask_many(texts: Sequence[str]) -> list[str]:
    """`mask` over many texts at once (vectorized in polars' Rust regex engine)."""
    if not texts:
        return []
    return mask_series(pl.Series(list(texts), dtype=pl.String)).to_list()


def mask_series(texts: pl.Series) -> pl.Series:
    """`mask` over a column of texts, each distinct digit shape masked once.

    No pattern tells digits apart (their classes hold all ten) but `0x`: so a text without
    `0x` and its shape (every digit written 1) match the same spans, and their masked forms
    differ only in digits outside every match. Where the shape's masked form holds no digit,
    it is the text's masked form too: log lines that differ only in their numbers are masked
    once. Texts with `0x` are their own shape; those whose digits survive masking (`ssh2`)
    are masked themselves, and so is a batch of mostly distinct shapes."""
    if len(texts) < SHAPES_FROM:
        return _mask_texts(texts)
    hexed = texts.str.contains_any(["0x", "0X"]).fill_null(False)
    shapes = texts.str.replace_many(list(_DIGITS), ["1"] * len(_DIGITS))
    if hexed.any():
        shapes = pl.select(pl.when(hexed).then(texts).otherwise(shapes)).to_series()
    distinct = shapes.unique()
    if 2 * len(distinct) > len(texts):
        return _mask_texts(texts)
    table = pl.DataFrame({"shape": distinct, "masked": _mask_texts(distinct)}).filter(
        ~pl.col("masked").str.contains("[0-9]"))
    masked = (pl.DataFrame({"shape": shapes})
              .join(table, on="shape", how="left", maintain_order="left")
              .get_column("masked"))
    kept = masked.is_null()
    if kept.any():
        rows = kept.arg_true()
        masked = masked.scatter(rows, _mask_texts(texts.gather(rows)))
    return masked.alias(texts.name)


SHAPES_FROM = 1000  # below, masking each text costs less than finding the shapes


def _mask_texts(texts: pl.Series) -> pl.Series:
    """Texts whose only letters, digits and spaces are ASCII (nearly every log line; emoji
    and symbols are neither) go through the ASCII spelling of the patterns (`_ascii`: on
    such text the same matches, at half the cost of Unicode classes); the others through
    the patterns as written."""
    if len(texts) == 0:
        return texts
    masked = _chain(texts, _ASCII)
    wide = texts.str.contains(_WIDE).fill_null(False)
    if wide.any():
        rows = wide.arg_true()
        masked = masked.scatter(rows, _chain(texts.gather(rows), _POLARS))
    return masked


def _chain(texts: pl.Series, patterns: tuple[tuple[str, str], ...]) -> pl.Series:
    """The patterns applied in order; a large column as two halves that polars masks in
    parallel (it runs a select's expressions on its pool)."""
    half = (len(texts) + 1) // 2 if len(texts) >= PARALLEL_FROM else len(texts)
    frame = pl.DataFrame({"a": texts[:half]})
    if half < len(texts):
        frame = frame.with_columns(b=pl.concat([texts[half:], pl.Series([""])])
                                   if 2 * half > len(texts) else texts[half:])
    masked = frame.select(_masked(name, patterns) for name in frame.columns)
    if "b" not in masked.columns:
        return masked.get_column("a").alias(texts.name)
    return pl.concat([masked.get_column("a"),
                      masked.get_column("b").head(len(texts) - half)]).alias(texts.name)


PARALLEL_FROM = 20_000
# a letter, digit or space beyond ASCII: where Unicode and ASCII classes differ
_WIDE = r"[\w\s&&[^\x00-\x7F]]"


def _masked(column: str, patterns: tuple[tuple[str, str], ...]) -> pl.Expr:
    expr = pl.col(column)
    for pattern, repl in patterns:
        expr = expr.str.replace_all(pattern, repl)
    return expr


# The Unicode classes of the patterns spelled for ASCII text (inside a class: as its items).
_ASCII_CLASSES = {"w": "0-9A-Za-z_", "d": "0-9", "s": r"\t\n\x0B\x0C\r "}
_PIECE = re.compile(r"\\(.)|(\[\^?)|(\])|.", re.S)


def _ascii(pattern: str) -> str:
    r"""The pattern for ASCII-only text: `\w`, `\d`, `\s` as ASCII classes and `\b` as the
    ASCII word boundary; on ASCII text both spellings match the same (Rust regex)."""
    out, depth = [], 0
    for piece in _PIECE.finditer(pattern):
        escaped, opening, closing = piece.groups()
        if opening is not None:
            depth += 1
        elif closing is not None:
            depth -= 1
        elif escaped in _ASCII_CLASSES:
            items = _ASCII_CLASSES[escaped]
            out.append(items if depth else f"[{items}]")
            continue
        elif escaped == "b" and not depth:
            out.append(r"(?-u:\b)")
            continue
        out.append(piece.group())
    return "".join(out)


_ASCII = tuple((_ascii(pattern), repl) for pattern, repl in _POLARS)


_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


@lru_cache(maxsize=1 << 16)
def is_variable(token: str) -> bool:
    """The token holds a placeholder (cached: templates repeat their tokens)."""
    return "<" in token and _PLACEHOLDER.search(token) is not None


_TRACEBACK_HEAD = "Traceback (most recent call last):"


def head_line(message: str) -> str:
    """The line that names an event: its first line (stack frames and dumped objects below it
    do not split incidents), except for a Python traceback, named by its last unindented line
    (`ValueError: …`)."""
    first, newline, rest = message.partition("\n")
    if not newline:
        return first
    if first.strip() == _TRACEBACK_HEAD:
        for line in reversed(rest.splitlines()):
            if line.strip() and not line[:1].isspace():
                return f"Traceback: {line.strip()}"
    return first
