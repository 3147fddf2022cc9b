"""schema.prisma -> a lark tree, with a written grammar (prisma.lark) on lark's LALR parser:
PyPI has no tree-sitter grammar for Prisma, and lark is a well-kept pure-Python parser whose
errors carry line and column."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import lark

from analyzer.errors import AnalyzerError


class PrismaSyntaxError(AnalyzerError):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.problem = line, problem


@cache
def _parser() -> lark.Lark:
    grammar = (Path(__file__).parent / "prisma.lark").read_text()
    return lark.Lark(grammar, parser="lalr", propagate_positions=True)


def parse(content: str) -> lark.Tree:
    try:
        return _parser().parse(content)
    except lark.exceptions.UnexpectedInput as exc:
        raise PrismaSyntaxError(exc.line if exc.line > 0 else 1,
                                f"syntax error (prisma): unexpected {_unexpected(exc)}"
                                ) from None


def _unexpected(exc: lark.exceptions.UnexpectedInput) -> str:
    token = getattr(exc, "token", None)
    if token is not None:
        return repr(str(token)[:40])
    char = getattr(exc, "char", None)
    return repr(char) if char else "end of file"


