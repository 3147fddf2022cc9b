"""What people expect of a CLI: FORCE_COLOR, -q, case-insensitive choices checked before any
input, --fail-on naming what tripped it, piped watch keeping stdout to events."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT, SEED_LOG, SEED_SCHEMA, run_module


def test_force_color_colours_a_pipe_and_no_color_does_not():
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    coloured = subprocess.run([sys.executable, "-m", "analyzer", "scan", str(SEED_LOG),
                               "--brief"], capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert b"\x1b[" in coloured.stdout
    plain = run_module("scan", str(SEED_LOG), "--brief")  # NO_COLOR=1, a pipe
    assert b"\x1b[" not in plain.stdout


def test_choices_are_case_insensitive_and_checked_before_reading_input():
    upper = run_module("scan", str(SEED_LOG), "-f", "JSON")
    assert upper.returncode == 0 and upper.stdout.startswith(b"{")
    for args in (("watch", "--min-severity", "HIGH", "-f", "Json"),
                 ("rules", "sql", "--dialect", "DuckDB", "-f", "SQL"),
                 ("scan", "--input-format", "Render_Dashboard", "-", "--brief")):
        result = run_module(*args, input=SEED_LOG.read_bytes())
        assert result.returncode == 0, (args, result.stderr)
    # a bad choice fails at once, even with a stdin that never ends
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", "-f", "xml"],
                               stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and b"--format: expected one of table, json" in err


def test_fail_on_names_the_incidents_that_tripped_it_even_when_quiet():
    result = run_module("-q", "scan", str(SEED_LOG), "--schema", str(SEED_SCHEMA),
                        "--fail-on", "HIGH", "--brief")
    err = result.stderr.decode().splitlines()
    assert result.returncode == 1
    assert "analyzer: --fail-on high: critical incident 80fdb3d2c5e8 " \
           "(postgres.undefined_column) ×11" in err
    assert len(err) == 9  # one line per incident at high or worse, nothing else


def test_piped_watch_keeps_stdout_to_events_and_the_summary_on_stderr_when_asked():
    log = SEED_LOG.read_bytes()
    plain = run_module("watch", input=log)
    assert plain.returncode == 0 and b"Incidents" not in plain.stdout + plain.stderr
    lines = plain.stdout.decode().splitlines()
    assert lines and all(" NEW " in line or " ESCALATED " in line for line in lines)
    asked = run_module("watch", "--summary", input=log)
    assert asked.stdout == plain.stdout
    assert b"Incidents" in asked.stderr and b"Root causes" in asked.stderr


# commands that write no log, code or schema text, so no redaction flags (README "Untrusted
# log text")
WITHOUT_LOG_TEXT = {"formats", "rules list", "rules explain", "rules lint", "rules test",
                    "rules sql"}


def test_every_command_writing_log_text_takes_the_redaction_flags(cli):
    from analyzer.cli import COMMANDS

    readme = (ROOT / "README.md").read_text()
    flags = readme.split("- The redaction flags (`--no-redact`, `--redact-emails`)")[1][:1000]
    for command in COMMANDS:
        help_text = cli(*command.split(), "--help").stdout
        has = ("--no-redact" in help_text, "--redact-emails" in help_text)
        expected = command not in WITHOUT_LOG_TEXT
        assert has == (expected, expected), command
        assert f"`{command}`" in flags or f"`{command.split()[0]}" in flags, command


def test_merge_redacts_a_summary_written_without_redaction_unless_told(tmp_path):
    log = tmp_path / "pg.log"
    log.write_text('ERROR:  column "x" does not exist (postgresql://app:hunter2@db.internal/app,'
                   " mail bob@example.com)\n")
    summary = tmp_path / "shard.json"
    assert run_module("scan", str(log), "--no-redact", "--emit-summary", str(summary),
                      "-f", "json").returncode == 0
    assert b"hunter2" in summary.read_bytes()  # the summary keeps what it was given
    default = run_module("merge", str(summary), "-f", "json").stdout
    assert b"hunter2" not in default and b"app:***@" in default and b"bob@example" in default
    emails = run_module("merge", str(summary), "-f", "json", "--redact-emails").stdout
    assert b"bob@example" not in emails and b"[EMAIL]" in emails
    kept = run_module("merge", str(summary), "-f", "json", "--no-redact").stdout
    assert b"app:hunter2@" in kept


def test_bash_completion_completes_commands_and_format_words(tmp_path):
    """The script `--show-completion bash` prints, sourced in a real bash, as the shell calls it."""
    script = ("source <(analyzer --show-completion bash)\n"
              "complete_words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); "
              "_analyzer_completion analyzer; printf '%s,' \"${COMPREPLY[@]}\"; echo; }\n"
              "complete_words analyzer rul\n"
              "complete_words analyzer scan -f m\n"
              "complete_words analyzer rules suggest --format j\n")
    bin_dir = os.path.dirname(sys.executable)  # the console script is installed beside python
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=60)
    assert result.stdout.splitlines() == ["rules,", "markdown,", "json,"], result.stderr


def test_quiet_drops_warnings_but_keeps_errors(tmp_path):
    binary = tmp_path / "core.bin"
    binary.write_bytes(b"\x00\x01\x02" * 500)
    args = ("scan", str(binary), str(SEED_LOG), str(tmp_path / "missing.log"), "--brief")
    loud = run_module(*args).stderr.decode()
    assert "analyzer: warning: " in loud and "looks binary" in loud
    quiet = run_module("-q", *args)
    err = quiet.stderr.decode().splitlines()
    assert quiet.returncode == 2 and b"80fdb3d2c5e8" in quiet.stdout  # the rest still read
    assert len(err) == 1 and err[0].startswith("analyzer: error: ") and "missing.log" in err[0]
