"""Every command: --help lists its options with plain metavars (never a Python type such as
`<list[str]>`), and the README has a section for it that mentions each of them."""

from __future__ import annotations

import re

import pytest

from analyzer.cli import COMMANDS
from tests.conftest import ROOT, run_module

README = (ROOT / "README.md").read_text()
# Options every command shares, documented once ("Options every command takes").
SHARED = {"--help", "-h", "--config", "--rules", "--input-format", "--no-redact",
          "--redact-emails", "--schema", "--no-builtin-rules"}


def section(command: str) -> str:
    for level in ("## ", "### "):
        heading = f"{level}`analyzer {command}"
        if heading in README:
            return README.split(heading, 1)[1].split(f"\n{level}")[0]
    raise AssertionError(f"no README section for `analyzer {command}`")


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_and_a_readme_section(command):
    result = run_module(*command.split(), "--help")
    text = result.stdout.decode()
    assert result.returncode == 0 and text.startswith("Usage: ")
    assert not re.search(r"<(?:list|str|int|float|bool|Path)\b", text), text
    assert "-h, --help" in text
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", text))
    missing = {o for o in options if o not in section(command)} - SHARED
    assert not missing, f"{command}: options missing from the README: {missing}"


@pytest.mark.parametrize(("command", "usage"), [
    ("scan", "[OPTIONS] [PATH]..."), ("merge", "[OPTIONS] {SUMMARY}..."),
    ("rules suggest", "[OPTIONS] {INCIDENT} [PATH]..."), ("rules explain", "[OPTIONS] {ID}")])
def test_the_usage_line_says_which_arguments_take_many(command, usage):
    text = run_module(*command.split(), "--help").stdout.decode()
    assert text.splitlines()[0].endswith(f"analyzer {command} {usage}")


def test_root_help_lists_every_command_and_the_conventions():
    text = run_module("-h").stdout.decode()
    for name in {c.split()[0] for c in COMMANDS}:
        assert f"  {name} " in text
    for flag in ("-V, --version", "-q, --quiet", "-v, --verbose", "--install-completion"):
        assert flag in text
    assert run_module("-V").stdout.decode().startswith("analyzer ")


def test_readme_has_cron_and_systemd_examples():
    assert "```cron" in README and "analyzer report" in README.split("```cron")[1][:600]
    assert "[Timer]" in README and "OnCalendar=" in README and "ExecStart=" in README
    assert (ROOT / "docs" / "report-phone.png").is_file()
    assert (ROOT / "docs" / "report-desktop.png").is_file()


def test_readme_screenshots_are_the_html_report_at_1280_and_412_pixels():
    import struct

    for name, width in (("report-desktop.png", 1280), ("report-phone.png", 412)):
        head = (ROOT / "docs" / name).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", name
        assert struct.unpack(">I", head[16:20])[0] == width, name
        assert f"docs/{name}" in README
    assert "scripts/report-screenshots" in README


def test_every_option_of_every_command_is_in_its_help(cli):
    import typer.main

    from analyzer.cli import app
    from analyzer.cli.config import commands_of

    for path, command in commands_of(typer.main.get_command(app)):
        text = cli(*path.split(), "--help").stdout
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            names = [o for o in param.opts if o.startswith("-")] or [param.metavar or ""]
            assert all(name and name in text for name in names), (path, param.name, text)
