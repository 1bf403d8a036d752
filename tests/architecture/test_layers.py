"""The layers of docs/architecture.md are a contract (import-linter, in pyproject.toml): it holds for the
code as it is, and it fails when an app imports upwards, so the check can catch what it is there for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("nrm", "core", "audit", "organisations", "referrals", "decisions", "victim_care", "reminders",
            "monitoring", "data_protection")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, timeout=120, check=False)


def _copy_of_the_code(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", "*.html"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_code_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Apps import only downwards KEPT" in result.stdout


@pytest.mark.parametrize(("module", "code", "edge"), [
    # core is the bottom layer: it must not know the apps above it.
    ("core/upward.py", "from decisions import workflow  # noqa\n", "core.upward -> decisions.workflow"),
    # monitoring and data_protection share a layer and must not import each other.
    ("monitoring/sideways.py", "from data_protection import retention  # noqa\n",
     "monitoring.sideways -> data_protection.retention"),
], ids=["upward", "sideways"])
def test_an_import_against_the_layers_breaks_the_contract(tmp_path, module, code, edge):
    tree = _copy_of_the_code(tmp_path)
    (tree / module).write_text(code)
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Apps import only downwards BROKEN" in result.stdout
    assert edge in result.stdout
