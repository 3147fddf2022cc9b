"""A command imports only what it uses: the modules a fresh process holds after `--help` and
after a 10-line scan, so the start-up laziness cannot regress unnoticed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer.rulebook.keywords import without_superstrings
from tests.conftest import SEED_LOG, SEED_SCHEMA

# Runs the real CLI entry point, then writes the names of the loaded modules to a file.
# Also counts the cyclic GC's collections while main() runs, by generation, and how many
# objects it left frozen.
PROBE = """
import gc, json, sys
from analyzer.cli import main
collections = [0, 0, 0]
gc.callbacks.append(lambda phase, info: phase == "start" and collections.__setitem__(
    info["generation"], collections[info["generation"]] + 1))
sys.argv = ["analyzer", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
with open(OUT, "w") as out:
    json.dump({"modules": sorted(sys.modules), "collections": collections,
               "frozen": gc.get_freeze_count()}, out)
"""

# what neither `--help` nor a small scan needs (the heavy or optional libraries, and the
# stages a small Render file never reaches)
NEVER_FOR_A_SMALL_SCAN = ("pydantic", "numpy", "pglast", "psycopg", "rapidfuzz", "yaml", "jinja2",
                          "pathspec", "sqlite3", "duckdb", "pyarrow", "chdb", "aiohttp",
                          "tree_sitter", "lark", "analyzer.engines.compile",
                          "analyzer.engines.reader", "analyzer.store.sqlite",
                          "analyzer.catalog.ddl", "analyzer.resolve.sqltree",
                          "analyzer.report.html", "analyzer.report.progress", "analyzer.check")


def probe(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "probe.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    code = f"OUT = {str(out)!r}\n{PROBE}"
    for _ in range(2):  # the first run writes the built-in rule pack's cache
        done = subprocess.run([sys.executable, "-c", code, *args], env=env,
                              capture_output=True, text=True, check=False, timeout=120)
        assert out.exists(), done.stderr
    return json.loads(out.read_text())


def loaded_modules(tmp_path: Path, *args: str) -> set[str]:
    return set(probe(tmp_path, *args)["modules"])


def _found(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in modules]


def test_help_loads_neither_polars_nor_the_pipeline(tmp_path):
    modules = loaded_modules(tmp_path, "--help")
    assert _found(modules, (*NEVER_FOR_A_SMALL_SCAN, "polars", "analyzer.pipeline",
                            "analyzer.rulebook", "analyzer.ingest")) == []


@pytest.fixture
def ten_lines(tmp_path) -> Path:
    path = tmp_path / "ten.log"
    path.write_text("".join(SEED_LOG.read_text().splitlines(keepends=True)[:10]))
    return path


def test_a_ten_line_scan_loads_no_engine_parser_or_optional_library(tmp_path, ten_lines):
    modules = loaded_modules(tmp_path, "scan", str(ten_lines))
    assert "analyzer.session" in modules  # it did run the analysis
    assert _found(modules, NEVER_FOR_A_SMALL_SCAN) == []


def test_scan_help_loads_no_pydantic_adapters_nor_polars(tmp_path):
    # typer 0.29 built a pydantic TypeAdapter for every option a command parses (~80 ms)
    modules = loaded_modules(tmp_path, "scan", "--help")
    assert _found(modules, (*NEVER_FOR_A_SMALL_SCAN, "polars", "analyzer.pipeline")) == []


def test_a_ten_line_scan_runs_no_full_collection_and_exits_frozen(tmp_path, ten_lines):
    # the default GC threshold ran ~140 collections (one full) over the start-up's objects,
    # and the shutdown's full collections walked them all again (~100 ms together)
    found = probe(tmp_path, "scan", str(ten_lines))
    young, middle, full = found["collections"]
    assert full == 0 and young + middle <= 5, found["collections"]
    assert found["frozen"] > 50_000  # every object alive at exit: the shutdown skips them


def test_a_schema_file_loads_the_sql_parser_it_needs(tmp_path, ten_lines):
    modules = loaded_modules(tmp_path, "scan", str(ten_lines), "--schema", str(SEED_SCHEMA))
    assert {"pglast", "analyzer.catalog.ddl"} <= modules
    assert _found(modules, ("numpy", "psycopg", "analyzer.engines.compile")) == []


@given(st.lists(st.text(alphabet="abc", min_size=1, max_size=5), max_size=30, unique=True))
def test_keywords_holding_another_keyword_are_dropped_as_pairwise_tests_would(words):
    pairwise = tuple(w for w in words if not any(o != w and o in w for o in words))
    assert without_superstrings(tuple(words)) == pairwise
