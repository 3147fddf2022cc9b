"""Config file -> the commands' option defaults (click's default_map), so every flag can be
set in analyzer.toml or [tool.analyzer]: at the top level for every command that has it, in a
[scan] / [rules.list] … table for one. Each value is checked against what its option takes
(a number, true/false, one of its words, a path relative to the file, a list) before any
command runs; a key no command knows is an error too."""

from __future__ import annotations

from typing import Any

from analyzer.cli.options import CHOICES
from analyzer.errors import UsageError
from analyzer.settings import (
    FIELD_KINDS,
    FLAG_FIELDS,
    NEGATED_FLAGS,
    ConfigFile,
    check_value,
)

PATH_PARAMS = {"paths", "schema", "rules", "state", "out", "follow", "config"}


def key_of(param: Any) -> str:
    """The config key of an option: its long flag without dashes (`fail_on`), or an argument's
    name (`paths`)."""
    longs = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    return longs[0][2:].replace("-", "_") if longs else param.name


def kind_of(command: str, param: Any) -> str | tuple[str, ...]:
    choices = CHOICES.get((command, param.name))
    if choices:
        return choices
    if getattr(param, "is_flag", False):
        return "bool"
    path = param.name in PATH_PARAMS
    if getattr(param, "multiple", False) or param.nargs == -1:  # a list: repeatable or PATH…
        return "paths" if path else "strs"
    # click's type of the option, typer's for an int or float annotation (click names INT
    # "integer", the copy typer 0.28 vendors "int")
    kinds = {"int": "int", "integer": "int", "float": "float"}
    return kinds.get(param.type.name, "path" if path else "str")


def commands_of(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(command path, command) for every command, sub-commands of groups included."""
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        if hasattr(command, "commands"):
            found += commands_of(command, path)
        else:
            found.append((path, command))
    return found


def default_map(group: Any, config: ConfigFile) -> dict[str, Any]:
    """{command: {param: value}} (nested for groups) from the config file, checked."""
    result: dict[str, Any] = {}
    used: set[str] = set(FIELD_KINDS) | set(FLAG_FIELDS) | set(NEGATED_FLAGS)
    for path, command in commands_of(group):
        values = config.table(path)
        defaults = {}
        for param in command.params:
            key = key_of(param)
            if key not in values or key == "config":
                continue
            used.add(key)
            defaults[param.name] = check_value(config, key, values[key], kind_of(path, param))
        target = result
        *parents, last = path.split()
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = defaults
    _no_unknown(config, used, {path for path, _ in commands_of(group)})
    return result


def _no_unknown(config: ConfigFile, used: set[str], commands: set[str]) -> None:
    for key in config.shared:
        if key.replace("-", "_") not in used:
            raise UsageError(f"{config.where(key)}: no command has this setting")
    for name, table in config.commands.items():
        nested = {f"{name} {sub}": v for sub, v in table.items() if isinstance(v, dict)}
        for path in ({name} if not nested else set(nested)):
            if path not in commands:
                raise UsageError(f"{config.path}: [{path.replace(' ', '.')}]: no such command")
