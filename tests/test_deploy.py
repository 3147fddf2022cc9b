"""The deploy files: the Render Blueprint parses and runs `analyzer serve` with options serve
has; the Dockerfile installs the serve extra and runs the same command. (No Docker engine
here: the image itself is not built by the tests.)"""

from __future__ import annotations

import re
import shlex
import tomllib

import yaml

from tests.conftest import ROOT, run_module


def serve_options() -> set[str]:
    result = run_module("serve", "--help")
    assert result.returncode == 0
    return set(re.findall(r"(--[a-z][a-z-]+)", result.stdout.decode()))


def test_render_blueprint_runs_analyzer_serve_with_real_options():
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    service, = blueprint["services"]
    assert service["type"] == "web" and service["runtime"] == "docker"
    assert service["healthCheckPath"] == "/healthz"
    command = shlex.split(service["dockerCommand"])
    assert command[:2] == ["analyzer", "serve"]
    assert {w for w in command if w.startswith("--")} <= serve_options()
    assert command[command.index("--state") + 1].startswith(service["disk"]["mountPath"])
    env = {e["key"] for e in service["envVars"]}
    assert {"ANALYZER_SERVE_TOKEN", "ANALYZER_NOTIFY"} <= env


def test_dockerfile_installs_the_serve_extra_and_runs_serve():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"pip install '\.\[serve(,postgres)?\]'", text)
    cmd = re.search(r"^CMD (\[.*?\])", text, re.S | re.M).group(1).replace("\\\n", "")
    words = yaml.safe_load(cmd)
    assert words[:2] == ["analyzer", "serve"]
    assert {w for w in words if w.startswith("--")} <= serve_options()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert {"aiohttp", "apprise"} <= {re.split(r"[<>=\[]", d)[0] for d in extras["serve"]}


README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    return README.split(f"## `analyzer {title}`")[1].split("\n## ")[0]


def options_of(*command: str) -> set[str]:
    result = run_module(*command, "--help")
    assert result.returncode == 0 and b"Usage" in result.stdout
    return set(re.findall(r"(--[a-z][a-z-]+)", result.stdout.decode())) - {"--help"}


def test_serve_and_pull_have_help_and_every_option_in_the_readme():
    serve = section("serve")
    assert not {o for o in options_of("serve") if o not in serve}
    pull = section("pull")
    for platform in ("supabase", "render"):
        assert not {o for o in options_of("pull", platform) if o not in pull}
    assert "## Run it as your log stream's endpoint" in README
