"""The one exception family of the library. Only the CLI turns these into exit codes."""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base class: a user-facing problem with a one-line message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AnalyzerError):
    """A log source could not be read (missing, a directory, unreadable, corrupt gzip).
    `fatal` False: worth a warning, nothing was lost (a directory without logs beside other
    inputs)."""

    def __init__(self, where: str, problem: str, *, fatal: bool = True) -> None:
        super().__init__(f"{where}: {problem}")
        self.where, self.problem, self.fatal = where, problem, fatal
        self.summary = False  # a note of what a directory walk read and skipped


class RuleError(AnalyzerError):
    """A rule file is invalid; names the file, the line and the key."""

    def __init__(self, path: str, line: int | None, key: str | None, problem: str) -> None:
        where = path if line is None else f"{path}:{line}"
        what = f"{key}: {problem}" if key else problem
        super().__init__(f"{where}: {what}")
        self.path, self.line, self.key, self.problem = path, line, key, problem


class SchemaError(AnalyzerError):
    """A schema source is invalid; names the file and the statement."""


class UsageError(AnalyzerError):
    """An option value is invalid."""
