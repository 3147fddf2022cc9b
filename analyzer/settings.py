"""One Settings value for a run, resolved once: defaults < config file < CLI flags.

The config file is TOML: the file named by `--config` / `$ANALYZER_CONFIG`, else the first
`analyzer.toml`, or `pyproject.toml` with a `[tool.analyzer]` table, found walking up from the
working directory. Keys are the long flag names (`schema`, `fail-on`, `format`…) or the
Settings fields below: at the top level they apply to every command that has the flag, in a
`[scan]` / `[report]` / `[rules.list]`… table to that command only. Paths are relative to the
config file's directory. Values are checked against the type each key expects, and a bad one is
a one-line `file: key: expected …` error.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import UsageError
from analyzer.model import SEVERITIES

CONFIG_NAME = "analyzer.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    rules_dirs: tuple[str, ...] = ()
    builtin_rules: bool = True
    schemas: tuple[str, ...] = ()
    input_format: str | None = None
    redact: bool = True
    redact_emails: bool = False
    max_samples: int = 5
    max_line_chars: int = 64 * 1024
    block_bytes: int = 4 * 1024 * 1024  # per read: bounds the memory a block of lines costs
    regex_timeout: float = 0.25
    fail_on: str | None = None
    # Worker processes reading one large file (ingest.split): None = the usable cores, 1 = one
    # process; files smaller than split_min_bytes are read in one process anyway.
    jobs: int | None = None
    split_min_bytes: int = 48 * 1024 * 1024
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.fail_on is not None and self.fail_on not in SEVERITIES:
            raise UsageError(f"--fail-on: expected one of {', '.join(SEVERITIES)}, "
                             f"got {self.fail_on!r}")
        if self.max_samples < 0:
            raise UsageError("max_samples must be >= 0")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"--jobs: expected 1 or more, got {self.jobs}")


_FIELDS = {f.name: f for f in dataclasses.fields(Settings) if f.name != "extra"}
_TUPLE_FIELDS = {"rules_dirs", "schemas"}
# What each Settings field expects in a config file (see Kind).
FIELD_KINDS = {"rules_dirs": "paths", "builtin_rules": "bool", "schemas": "paths",
               "input_format": "str", "redact": "bool", "redact_emails": "bool",
               "max_samples": "int", "max_line_chars": "int", "block_bytes": "int",
               "regex_timeout": "float", "fail_on": "str", "jobs": "int",
               "split_min_bytes": "int"}
# Flag names that set a Settings field (a `no-` flag sets it to the opposite).
FLAG_FIELDS = {"schema": "schemas", "rules": "rules_dirs"}
NEGATED_FLAGS = {"no_redact": "redact", "no_builtin_rules": "builtin_rules"}
# Kinds of value: str, int, float, bool, path (relative to the config file), and lists of
# them: strs, paths. A lone string where a list is expected is a list of one.
_LISTS = {"strs": "str", "paths": "path"}


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A config file as read: its top-level keys and its per-command tables, unchecked."""

    path: Path
    shared: Mapping[str, Any]
    commands: Mapping[str, Mapping[str, Any]]

    def table(self, command: str) -> dict[str, Any]:
        """The keys that apply to `command` ("scan", "rules list"): the command's table over
        the top level. Keys normalised to snake_case."""
        values = {_key(k): v for k, v in self.shared.items() if not isinstance(v, dict)}
        section: Any = self.commands
        for part in command.split():
            section = section.get(part, {}) if isinstance(section, Mapping) else {}
        if isinstance(section, Mapping):
            values.update({_key(k): v for k, v in section.items() if not isinstance(v, dict)})
        return values

    def where(self, key: str) -> str:
        return f"{self.path}: {key.replace('_', '-')}"


def _key(name: str) -> str:
    return name.replace("-", "_")


def find_config(start: Path | None = None) -> Path | None:
    """The nearest analyzer.toml, or pyproject.toml with [tool.analyzer], from start upward."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
        project = directory / "pyproject.toml"
        if project.is_file() and _has_tool_table(project):
            return project
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "analyzer" in _toml(path).get("tool", {})
    except UsageError:
        return False


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config file: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def read_config(path: Path) -> ConfigFile:
    data = _toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("analyzer", {})
    else:
        data = data.get("analyzer", data)
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a table of settings")
    shared = {k: v for k, v in data.items() if not isinstance(v, dict)}
    commands = {k: v for k, v in data.items() if isinstance(v, dict)}
    return ConfigFile(path, shared, commands)


def config_for(explicit: str | None = None, start: Path | None = None) -> ConfigFile | None:
    """The config file in effect: --config, $ANALYZER_CONFIG, or the one found upward."""
    named = explicit or os.environ.get("ANALYZER_CONFIG")
    path = Path(named) if named else find_config(start)
    return read_config(path) if path is not None else None


def check_value(config: ConfigFile, key: str, value: Any, kind: str | tuple[str, ...]) -> Any:
    """A config value converted to what the key expects, or UsageError naming file and key.
    A tuple kind is a choice (compared case-insensitively)."""
    where = config.where(key)
    if isinstance(kind, tuple):
        if isinstance(value, str) and value.lower() in kind:
            return value.lower()
        raise UsageError(f"{where}: expected one of {', '.join(kind)}, got {value!r}")
    if kind in _LISTS:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise UsageError(f"{where}: expected a list of strings, got {_type(value)}")
        return [check_value(config, key, item, _LISTS[kind]) for item in items]
    if kind == "bool":
        if not isinstance(value, bool):
            raise UsageError(f"{where}: expected true or false, got {_type(value)}")
        return value
    if kind in ("int", "float"):
        wanted = (int,) if kind == "int" else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            raise UsageError(f"{where}: expected a number, got {_type(value)}")
        return value
    if not isinstance(value, str):
        raise UsageError(f"{where}: expected a string, got {_type(value)}")
    return _relative(config, value) if kind == "path" else value


def _relative(config: ConfigFile, value: str) -> str:
    if value == "-" or "://" in value or os.path.isabs(os.path.expanduser(value)):
        return os.path.expanduser(value)
    return str(config.path.parent / value)


def _type(value: Any) -> str:
    names = {str: "a string", bool: "true/false", int: "a number", float: "a number",
             list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def settings_values(config: ConfigFile, command: str) -> dict[str, Any]:
    """The Settings fields a config file sets for a command, checked."""
    values: dict[str, Any] = {}
    for key, value in config.table(command).items():
        name = FLAG_FIELDS.get(key) or NEGATED_FLAGS.get(key) or key
        if name not in FIELD_KINDS:
            continue
        checked = check_value(config, key, value, FIELD_KINDS[name])
        if key in NEGATED_FLAGS:
            checked = not checked
        values[name] = tuple(checked) if name in _TUPLE_FIELDS else checked
    return values


def resolve_settings(config: str | None = None, *, command: str = "",
                     file: ConfigFile | None = None, **flags: Any) -> Settings:
    """Merge the config file (if any) with flags; flags set to None keep the lower layer."""
    found = file if file is not None else config_for(config)
    values = settings_values(found, command) if found is not None else {}
    for name, value in flags.items():
        if name not in _FIELDS:
            raise TypeError(f"unknown setting {name}")
        if value is None or (name in _TUPLE_FIELDS and not value):
            continue
        values[name] = tuple(value) if name in _TUPLE_FIELDS else value
    return Settings(**values)
