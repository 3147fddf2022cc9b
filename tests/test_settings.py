"""Config files: found upward from the working directory, [tool.analyzer] in pyproject.toml,
paths relative to the file, values checked with one-line `file: key: expected …` messages."""

from __future__ import annotations

import pytest

from analyzer.errors import UsageError
from analyzer.settings import check_value, config_for, find_config, read_config, resolve_settings


def test_config_is_found_upward_and_paths_are_relative_to_it(tmp_path):
    (tmp_path / "analyzer.toml").write_text('schema = "db/init.sql"\nmax-samples = 2\n'
                                            '[scan]\nrules = ["rules", "/abs/more"]\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / "analyzer.toml"
    config = config_for(start=deep)
    assert config is not None
    settings = resolve_settings(file=config, command="scan", rules_dirs=None)
    assert settings.schemas == (str(tmp_path / "db" / "init.sql"),)  # one string, one path
    assert settings.max_samples == 2
    # the [scan] table's flag keys are the CLI's to read; the table is merged over the top
    assert config.table("scan")["rules"] == ["rules", "/abs/more"]
    assert "rules" not in config.table("report")


def test_pyproject_tool_table_counts_only_when_present(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(tmp_path) is None or find_config(tmp_path).parent != tmp_path
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.analyzer]\n'
                                             'redact-emails = true\n[tool.analyzer.report]\n'
                                             'state = "var/state.db"\n')
    config = config_for(start=tmp_path)
    assert config is not None and config.path == tmp_path / "pyproject.toml"
    assert resolve_settings(file=config).redact_emails is True
    assert config.table("report")["state"] == "var/state.db"


@pytest.mark.parametrize(("toml", "message"), [
    ("max-samples = \"five\"", "analyzer.toml: max-samples: expected a number, got a string"),
    ("redact = 1", "analyzer.toml: redact: expected true or false, got a number"),
    ("schema = 3", "analyzer.toml: schema: expected a string, got a number"),
    ("no-redact = \"yes\"", "analyzer.toml: no-redact: expected true or false, got a string"),
    ("fail_on = \"fatal\"", "--fail-on: expected one of"),
    ("[broken", "analyzer.toml: invalid TOML"),
])
def test_bad_values_are_one_line_errors_naming_file_and_key(tmp_path, toml, message):
    path = tmp_path / "analyzer.toml"
    path.write_text(toml.replace("schema = 3", "schema = [3]") + "\n")
    with pytest.raises(UsageError) as caught:
        resolve_settings(str(path), command="scan")
    text = str(caught.value)
    assert message in text.replace(str(tmp_path) + "/", "") and "\n" not in text


def test_choices_are_case_insensitive_and_lists_are_never_split_into_characters(tmp_path):
    config = read_config(_write(tmp_path, 'format = "JSON"\n'))
    assert check_value(config, "format", "JSON", ("table", "json")) == "json"
    assert check_value(config, "schema", "init.sql", "paths") == [str(tmp_path / "init.sql")]
    assert check_value(config, "schema", "postgresql://db/x", "paths") == ["postgresql://db/x"]
    with pytest.raises(UsageError, match="format: expected one of table, json, got 'xml'"):
        check_value(config, "format", "xml", ("table", "json"))


def _write(tmp_path, text: str):
    path = tmp_path / "analyzer.toml"
    path.write_text(text)
    return path
