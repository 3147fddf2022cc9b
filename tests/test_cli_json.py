"""One `--format json` spelling on every command that reports something, each printing a
versioned object (never a bare list); the few commands without it say why."""

from __future__ import annotations

import json

import pytest

from analyzer.check.report import REPORTERS
from analyzer.cli import COMMANDS
from analyzer.cli.check import CHECK_FORMATS
from tests.conftest import ROOT, SEED_LOG, SEED_SCHEMA, run_module

SEED = (str(SEED_LOG), "--schema", str(SEED_SCHEMA))
# commands whose output is not a report: the reason is in their README section too
WITHOUT_JSON = {
    "serve": "a service: it answers on HTTP (/api/incidents is JSON), prints nothing to parse",
    "pull supabase": "its output is always JSON lines: the log rows themselves",
    "pull render": "its output is always JSON lines: the log rows themselves",
}


def _args(command: str, tmp_path) -> tuple[str, ...]:
    """What each command needs besides `--format json` to report on the seed."""
    if command == "merge":
        summary = tmp_path / "shard.json"
        assert run_module("scan", str(SEED_LOG), "--emit-summary", str(summary),
                          "-f", "json").returncode == 0
        return ("merge", str(summary), "--schema", str(SEED_SCHEMA))
    return {
        "scan": ("scan", *SEED),
        "report": ("report", *SEED, "--state", str(tmp_path / "state.db"), "-o", "-"),
        "watch": ("watch", "--schema", str(SEED_SCHEMA)),
        "postmortem": ("postmortem", "--all", *SEED),
        "formats": ("formats",),
        "templates": ("templates", str(SEED_LOG)),
        "check": ("check", str(ROOT / "samples" / "apps" / "seed" / "before"), "--schema",
                  str(SEED_SCHEMA)),
        "rules list": ("rules", "list"),
        "rules explain": ("rules", "explain", "postgres.undefined_column"),
        "rules lint": ("rules", "lint"),
        "rules test": ("rules", "test"),
        "rules suggest": ("rules", "suggest", "", str(tmp_path / "app.log")),
        "rules sql": ("rules", "sql", "--only", "postgres"),
    }[command]


def _suggest_log(tmp_path) -> str:
    """A log with one unclassified incident; its id, for `rules suggest`."""
    log = tmp_path / "app.log"
    log.write_text("ERROR: cache shard 7 lost its lease\nERROR: cache shard 9 lost its lease\n")
    scanned = json.loads(run_module("scan", str(log), "-f", "json").stdout)
    return scanned["incidents"][0]["id"]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in WITHOUT_JSON])
def test_every_reporting_command_prints_a_versioned_object_with_format_json(command, cli,
                                                                            tmp_path):
    args = list(_args(command, tmp_path))
    if command == "rules suggest":
        args[2] = _suggest_log(tmp_path)
    help_text = cli(*command.split(), "--help").stdout
    assert "-f, --format [" in help_text and "json" in help_text.split("--format [")[1][:40]
    result = run_module(*args, "--format", "JSON",
                        input=SEED_LOG.read_bytes() if command == "watch" else None)
    assert result.returncode in (0, 1), (command, result.stderr)  # 1: check's findings
    text = result.stdout.decode()
    objects = ([json.loads(line) for line in text.splitlines()] if command == "watch"
               else [json.loads(text)])
    assert objects and all(isinstance(o, dict) and o["version"] == 1 for o in objects), command


def test_the_commands_without_json_are_the_listed_ones_and_say_why_in_the_readme(cli):
    readme = (ROOT / "README.md").read_text()
    for command in WITHOUT_JSON:
        assert command in COMMANDS
        assert "--format" not in cli(*command.split(), "--help").stdout
    assert "`--format json` on every command" in readme
    for command in WITHOUT_JSON:
        assert f"`{command}`" in readme.split("`--format json` on every command")[1][:900]


def test_check_formats_are_its_reporters():
    assert tuple(REPORTERS) == CHECK_FORMATS
