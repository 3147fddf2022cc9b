"""YAML with line numbers: every mapping knows the line of each key and every list the line of
each item, so a rule file error can name the file, the line and the key. The parser is in
yamlparse.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.errors import RuleError


class LinedDict(dict):
    """A dict that knows the line it started on and the line of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}
        self.line = 0

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class LinedList(list):
    """A list that knows the line it started on and the line of each item."""

    def __init__(self, items: list[Any], lines: list[int], line: int) -> None:
        super().__init__(items)
        self.item_lines = lines
        self.line = line

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def read_yaml(path: Path) -> Any:
    """The document of a YAML file; raises RuleError naming the file (and line) on failure."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RuleError(name, None, None, "not UTF-8 text") from None
    except OSError as exc:
        raise RuleError(name, None, None, f"cannot read: {exc.strerror}") from None
    # PyYAML (~40 ms to import) only when a rule file is read: the built-in pack is cached
    from analyzer.rulebook.yamlparse import parse_lined

    return parse_lined(text, name)
