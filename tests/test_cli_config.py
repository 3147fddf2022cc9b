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


def test_every_option_of_every_command_is_settable_in_the_config_file(tmp_path):
    import typer.main

    from analyzer.cli import COMMANDS, app
    from analyzer.cli.config import commands_of, default_map, key_of, kind_of
    from analyzer.settings import read_config

    sample = {"bool": "true", "int": "3", "float": "1.5", "str": '"x"', "path": '"p"',
              "strs": '["x"]', "paths": '["p"]'}
    group = typer.main.get_command(app)
    commands = dict(commands_of(group))
    assert set(commands) == set(COMMANDS)
    lines = []
    for path, command in commands.items():
        lines.append(f"[{path.replace(' ', '.')}]")
        for param in command.params:
            kind = kind_of(path, param)
            value = f'"{kind[0].upper()}"' if isinstance(kind, tuple) else sample[kind]
            lines.append(f"{key_of(param).replace('_', '-')} = {value}")
    (tmp_path / "analyzer.toml").write_text("\n".join(lines) + "\n")
    defaults = default_map(group, read_config(tmp_path / "analyzer.toml"))
    for path, command in commands.items():
        table = defaults
        for part in path.split():
            table = table[part]
        missing = {p.name for p in command.params if key_of(p) != "config"} - set(table)
        assert not missing, (path, missing)
    assert defaults["scan"]["output_format"] == "table"  # a choice, case folded
    assert defaults["scan"]["schema"] == [str(tmp_path / "p")]  # relative to the file
