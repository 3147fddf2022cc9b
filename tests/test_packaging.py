from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_wheel_ships_the_builtin_rules(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, timeout=300)
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    rule_files = sorted(n for n in names if n.startswith("analyzer/_builtin_rules/"))
    shipped = sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))
    assert [n.rsplit("/", 1)[1] for n in rule_files] == shipped
    # PostgreSQL's message tables and the license notice that goes with them
    for data in ("pg_messages.json.gz", "pg_words.json", "POSTGRESQL-LICENSE"):
        assert f"analyzer/_data/{data}" in names


def test_wheel_metadata_has_license_classifiers_and_psycopg_as_an_extra(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, timeout=300)
    wheel = zipfile.ZipFile(next(tmp_path.glob("*.whl")))
    metadata = next(wheel.read(n).decode() for n in wheel.namelist()
                    if n.endswith(".dist-info/METADATA"))
    assert any(n.endswith("licenses/LICENSE") for n in wheel.namelist())
    assert "Classifier: Environment :: Console" in metadata
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    psycopg = [line for line in requires if "psycopg" in line]
    # only with an extra: [postgres], and [dev] (which includes it, so CI has the driver)
    extras = {line.rsplit("extra == ", 1)[-1].strip("'\"") for line in psycopg}
    assert extras == {"postgres", "dev"} and all("extra ==" in line for line in psycopg)
    assert any(line.startswith("Requires-Dist: rich") and "<" in line for line in requires)
    assert (ROOT / "CHANGELOG.md").read_text().startswith("# Changelog")
