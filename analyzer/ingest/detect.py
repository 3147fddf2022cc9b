"""Format sniffing: the first lines of a source decide which registered format reads it."""

from __future__ import annotations

from analyzer.ingest.formats import FORMATS, Format

SNIFF_LINES = 200
SNIFF_BYTES = 256 * 1024
MIN_SCORE = 0.3


def head_lines(block: bytes) -> list[str]:
    text = block[:SNIFF_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    return text.splitlines()[:SNIFF_LINES]


def detect_format(head: list[str]) -> Format:
    """The format whose sniff scores best (ties: registry order); plain when none is sure."""
    best, best_score = FORMATS["plain"], MIN_SCORE
    for fmt in FORMATS.values():
        if fmt.name == "plain":
            continue
        score = fmt.sniff(head)
        if score > best_score:
            best, best_score = fmt, score
    return best
