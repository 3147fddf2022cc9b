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
