from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, run_module

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("command", ["watch", "report", "postmortem"])
def test_command_has_help_and_a_readme_section(command):
    result = run_module(command, "--help")
    assert result.returncode == 0 and b"Usage" in result.stdout
    assert f"## `analyzer {command}`" in README
    options = set(re.findall(r"(--[a-z][a-z-]+)", result.stdout.decode()))
    section = README.split(f"## `analyzer {command}`")[1].split("\n## ")[0]
    undocumented = {o for o in options if o not in section} - {"--help", "--config", "--rules",
                                                               "--input-format"}
    assert not undocumented, f"{command}: options missing from the README: {undocumented}"


def test_readme_has_cron_and_systemd_examples():
    assert "```cron" in README and "analyzer report" in README.split("```cron")[1][:600]
    assert "[Timer]" in README and "OnCalendar=" in README and "ExecStart=" in README
    assert (ROOT / "docs" / "report-phone.png").is_file()
