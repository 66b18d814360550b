"""The PySide6 reference-count work-arounds run only on the one broken combination, and
pyproject.toml keeps pip users off that combination."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ccrgui.gui.runtime import pyside_fixes

ROOT = Path(__file__).resolve().parents[3]


def test_only_pyside_6_12_0_on_python_3_11_is_affected() -> None:
    assert pyside_fixes.affected("6.12.0", (3, 11, 7))
    assert not pyside_fixes.affected("6.11.3", (3, 11, 7))
    assert not pyside_fixes.affected("6.12.0", (3, 12, 1))
    assert not pyside_fixes.affected("6.12.1", (3, 11, 7))


def test_nothing_is_patched_outside_the_affected_combination() -> None:
    applied = pyside_fixes.apply()
    if not pyside_fixes.affected():
        assert applied == {"bools": False, "none": False}


def test_dependencies_exclude_the_affected_combination() -> None:
    version, (major, minor) = pyside_fixes.AFFECTED
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pyside = [d for d in deps if d.startswith("PySide6-Essentials")]
    below = [d for d in pyside if f"python_version < '{major}.{minor + 1}'" in d]
    assert below and all(f"!={version}" in d for d in below), pyside
