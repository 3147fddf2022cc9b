"""One Settings value for a run, resolved once: defaults < config file < CLI flags.

The config file is TOML: `analyzer.toml` in the working directory, or the file named by
`--config` / `$ANALYZER_CONFIG`, with keys named as the fields below (an `[analyzer]` table or
top level).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import UsageError
from analyzer.model import SEVERITIES


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
    block_bytes: int = 16 * 1024 * 1024
    regex_timeout: float = 0.25
    fail_on: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.fail_on is not None and self.fail_on not in SEVERITIES:
            raise UsageError(f"--fail-on: expected one of {', '.join(SEVERITIES)}, "
                             f"got {self.fail_on!r}")
        if self.max_samples < 0:
            raise UsageError("max_samples must be >= 0")


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
_TUPLE_FIELDS = {"rules_dirs", "schemas"}


def _from_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config file: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    data = data.get("analyzer", data)
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in _FIELDS or name == "extra":
            raise UsageError(f"{path}: unknown setting {key!r}")
        values[name] = tuple(value) if name in _TUPLE_FIELDS else value
    return values


def resolve_settings(config: str | None = None, **flags: Any) -> Settings:
    """Merge the config file (if any) with flags; flags set to None keep the lower layer."""
    values: dict[str, Any] = {}
    path = config or os.environ.get("ANALYZER_CONFIG")
    if path:
        values.update(_from_file(Path(path)))
    elif Path("analyzer.toml").is_file():
        values.update(_from_file(Path("analyzer.toml")))
    for name, value in flags.items():
        if name not in _FIELDS:
            raise TypeError(f"unknown setting {name}")
        if value is None or (name in _TUPLE_FIELDS and not value):
            continue
        values[name] = tuple(value) if name in _TUPLE_FIELDS else value
    return Settings(**values)
