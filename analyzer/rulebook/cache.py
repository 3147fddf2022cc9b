"""Rule files parsed once (the built-in pack, and each --rules layer of a user's own): the
validated rules of the YAML files and the pattern facts the engine derives (literal weights,
keyword gates), kept in the user's cache directory and keyed by a hash of the files'
contents, the rulebook code, the analyzer version and Python's: a change to any makes a new
key. An unreadable, corrupt or unwritable cache is ignored (the rules are then read from the
YAML, as without a cache)."""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from analyzer import __version__


def read_only(mapping: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(mapping)


# Rules hold read-only mappings; pickle them as the dicts they wrap.
copyreg.pickle(MappingProxyType, lambda proxy: (read_only, (dict(proxy),)))

FORMAT = 1  # bump when what is stored changes shape
KEEP = 8  # cache files kept (per version of the pack and code in use, and user rule layers)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "analyzer"


# The code whose objects are stored: a change to it (a new Rule field) is a new key too.
CODE = (*Path(__file__).parent.glob("*.py"), Path(__file__).parents[1] / "model.py")


def pack_key(files: list[Path]) -> str:
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version}".encode())
    for path in sorted(CODE):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    # the rules remember the file they came from: another checkout's pack is another key
    for path in files:
        digest.update(str(path.resolve()).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def load_or_build(files: list[Path], build: Callable[[], Any], *,
                  directory: Path | None = None) -> Any:
    """build()'s value for these files: from the cache when its key matches, else built and
    (best effort) stored."""
    if os.environ.get("ANALYZER_NO_CACHE"):
        return build()
    try:
        path = (directory or cache_dir()) / f"rules-{pack_key(files)}.pickle"
    except OSError:
        return build()
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # absent, corrupt or foreign: build it and (re)place the file
        pass
    value = build()
    _store(path, value)
    return value


def _store(path: Path, value: Any) -> None:
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rules-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        temporary = None
        # other versions (an upgrade, another checkout) keep theirs: only the oldest go
        kept = sorted(path.parent.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in kept[:-KEEP]:
            stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only home, a full disk: run without the cache
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
