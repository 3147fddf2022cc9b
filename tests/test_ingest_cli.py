from __future__ import annotations

import json

from analyzer.ingest import FORMATS
from tests.conftest import ROOT, SAMPLES, run_module


def test_formats_lists_every_registered_format_with_description_and_example(cli):
    result = cli("formats")
    assert result.exit_code == 0
    for fmt in FORMATS.values():
        assert any(line.startswith(fmt.name + " ") and fmt.description in line
                   for line in result.stdout.splitlines()), fmt.name
        assert fmt.example.splitlines()[0] in result.stdout
    data = json.loads(cli("formats", "--format", "json").stdout)
    assert data["version"] == 1 and [item["name"] for item in data["formats"]] == list(FORMATS)
    assert cli("formats", "--format", "xml").exit_code == 2


def test_formats_has_help_and_a_readme_section():
    assert b"Usage" in run_module("formats", "--help").stdout
    readme = (ROOT / "README.md").read_text()
    assert "## `analyzer formats`" in readme
    for name in FORMATS:
        assert f"| `{name}` |" in readme, name


def test_scan_reads_every_sample_at_once():
    result = run_module("scan", "samples/**", "--format", "json", timeout=180)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    logs = [str(p.relative_to(ROOT)) for p in SAMPLES.rglob("*")
            if p.suffix in (".log", ".json", ".jsonl", ".csv", ".txt")]
    assert sorted(report["input"]["sources"]) == sorted(logs)  # no .py, .sql or .yaml
    assert set(FORMATS) - {"plain"} <= set(report["input"]["formats"])
    assert report["input"]["unparsed"] == 0


def test_the_shell_expanded_sample_folders_scan_with_a_warning_for_the_rules_folder():
    folders = sorted(str(p.relative_to(ROOT)) for p in SAMPLES.iterdir() if p.is_dir())
    result = run_module("scan", *folders, "--format", "json", timeout=180)
    assert result.returncode == 0, result.stderr.decode()
    assert b"warning: samples/rules: directory holds no log files" in result.stderr
    assert json.loads(result.stdout)["incidents"]


def test_a_directory_without_logs_is_an_error_when_nothing_else_is_read(tmp_path):
    result = run_module("scan", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.decode().strip().endswith(
        ".gz, .bz2, .xz, .zst)") and b"error:" in result.stderr


def test_input_format_overrides_detection(cli, tmp_path):
    path = tmp_path / "x.log"
    path.write_text("2025-11-13 06:24:10  error: column \"a\" does not exist\n")
    forced = json.loads(cli("scan", str(path), "--input-format", "plain", "-f", "json").stdout)
    assert forced["input"]["formats"] == {"plain": 1}
    assert cli("scan", str(path), "--input-format", "nope").exit_code == 2


def test_unparsed_lines_are_reported_per_source_on_stderr(tmp_path):
    path = tmp_path / "mixed.log"
    path.write_text("2025-11-13 06:24:10  a\n2025-11-13 06:24:11  b\nstray words\n")
    result = run_module("scan", str(path), "-f", "json")
    assert result.returncode == 0
    assert f"{path}: 1 unparsed line(s) kept as plain text" in result.stderr.decode()
