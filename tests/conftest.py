"""Every test runs with all ccrgui state in a temporary folder and Qt offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.smbshare"]  # the real Samba share fixtures

# The project's reference samples (../shared/samples/ with expected.json), copied into the
# repository so a clone anywhere tests against them; tests/test_samples_copy.py checks the
# copy against ../shared/samples/ wherever that sits beside the repository.
SAMPLES = Path(os.environ.get("CCRGUI_SAMPLES", Path(__file__).resolve().parent / "samples"))


@pytest.fixture(autouse=True)
def isolated_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """CCRGUI_CONFIG_DIR, HOME and XDG dirs in a temp folder: never the real profile."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("CCRGUI_CONFIG_DIR", str(state / "ccrgui"))
    monkeypatch.setenv("HOME", str(state / "home"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(state / var.lower()))
    monkeypatch.delenv("CCRGUI_SITE", raising=False)
    yield state


@pytest.fixture
def samples() -> Path:
    assert SAMPLES.is_dir(), f"samples not found at {SAMPLES}"
    return SAMPLES
