"""The config file through the real CLI: found upward, every option settable, flags win,
paths relative to the file, bad values one line before anything runs."""

from __future__ import annotations

import json
import shutil

from tests.conftest import SEED_LOG, SEED_SCHEMA, run_module


def _project(tmp_path, toml: str, name: str = "analyzer.toml"):
    shutil.copy(SEED_SCHEMA, tmp_path / "init.sql")
    (tmp_path / name).write_text(toml)
    deep = tmp_path / "src" / "app"
    deep.mkdir(parents=True, exist_ok=True)
    return deep


def test_options_come_from_the_nearest_config_and_flags_win(tmp_path):
    deep = _project(tmp_path, 'schema = "init.sql"\n[scan]\nformat = "JSON"\nmax-samples = 1\n')
    result = run_module("scan", str(SEED_LOG), cwd=deep)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    by_column = {i["entities"].get("column"): i for i in data["incidents"]}
    assert by_column["session_id"]["diagnosis"]["found"] == "sessionId"  # the schema applied
    assert all(len(i["samples"]) <= 1 for i in data["incidents"])
    table = run_module("scan", str(SEED_LOG), "--format", "table", "--brief", cwd=deep)
    assert table.returncode == 0 and table.stdout.decode().startswith("Incidents")


def test_pyproject_tool_table_is_a_config_too(tmp_path):
    deep = _project(tmp_path, '[project]\nname = "app"\n[tool.analyzer.formats]\n'
                              'format = "json"\n', name="pyproject.toml")
    result = run_module("formats", cwd=deep)
    assert json.loads(result.stdout)["version"] == 1


def test_bad_config_values_are_one_line_errors_before_any_input(tmp_path):
    for toml, message in (
        ('[scan]\nmax-samples = "five"\n', "max-samples: expected a number, got a string"),
        ('[scan]\nformat = "xml"\n', "format: expected one of table, json, markdown, html"),
        ("schema = 3\n", "schema: expected a list of strings, got a number"),
        ('bogus = true\n', "bogus: no command has this setting"),
        ('[scna]\nformat = "json"\n', "[scna]: no such command"),
    ):
        deep = _project(tmp_path, toml)
        result = run_module("scan", cwd=deep, input=b"")
        err = result.stderr.decode()
        assert result.returncode == 2, (toml, err)
        assert message in err and len(err.strip().splitlines()) == 1, (toml, err)
        assert "Traceback" not in err


def test_a_lone_string_for_a_list_option_is_one_item(tmp_path):
    deep = _project(tmp_path, '[scan]\nrules = "custom"\nformat = "json"\n')
    (tmp_path / "custom").mkdir()
    shutil.copy(SEED_SCHEMA.parent.parent / "rules" / "acme.yaml", tmp_path / "custom")
    result = run_module("scan", str(SEED_LOG), cwd=deep)
    assert result.returncode == 0, result.stderr  # not eight directories named c, u, s, …
