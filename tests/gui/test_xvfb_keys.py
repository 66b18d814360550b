"""A real X server (Xvfb), a real ccrgui process, keys typed as a user types them: the
window's shortcuts work where the focus really is (the filter field, at start-up), and
``ccrgui --site DIR`` reaches the running window."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccrgui.core.sandbox import sandbox_root
from tests.gui.test_xvfb_open import _env, _wait_for, _xdotool, display  # noqa: F401

pytestmark = pytest.mark.xvfb


@pytest.fixture
def app(display: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:  # noqa: F811
    """ccrgui on the sandbox, its main window shown; yields (process, window id)."""
    err_path = tmp_path / "ccrgui.stderr"
    with err_path.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "ccrgui"], env=_env(display), stderr=err)
    try:
        windows = _wait_for(
            lambda: (
                proc.poll() is not None
                or _xdotool(display, "search", "--onlyvisible", "--name", "— ccrgui")
            ),
            60,
            "the main window on its site",
        )
        assert proc.poll() is None, err_path.read_text(errors="replace")
        retry = sandbox_root() / "ccrretry.box"
        _wait_for(lambda: list(retry.glob("*.ccr")), 10, "the sandbox's demo requests")
        yield proc, windows[0]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        said = err_path.read_text(errors="replace")
        assert "Traceback" not in said, said


def _keys(screen: str, window: str, *keys: str) -> None:
    _xdotool(screen, "windowfocus", "--sync", window)
    for key in keys:
        _xdotool(screen, "key", "--clearmodifiers", key)


def test_undo_and_export_work_while_the_filter_field_has_the_focus(
    display: str,  # noqa: F811
    app: tuple[subprocess.Popen[bytes], str],
) -> None:
    _proc, window = app
    retry, pending = sandbox_root() / "ccrretry.box", sandbox_root() / "ccr.box"
    _xdotool(display, "windowfocus", "--sync", window)
    _xdotool(display, "type", "--delay", "20", "denied")  # into the focused filter field
    _keys(display, window, "ctrl+r")  # one row: Computer001, no confirmation
    _wait_for(lambda: (pending / "Computer001.ccr").exists(), 10, "the resubmit")

    _keys(display, window, "ctrl+z")  # the focus is still in the filter field
    _wait_for(
        lambda: (retry / "Computer001.ccr").exists() and not (pending / "Computer001.ccr").exists(),
        10,
        "Ctrl+Z to undo the resubmit (not the filter text)",
    )

    _keys(display, window, "ctrl+e")
    _wait_for(
        lambda: _xdotool(display, "search", "--onlyvisible", "--name", "Export to CSV"),
        10,
        "Ctrl+E to open the export dialog",
    )


def test_site_given_to_a_second_ccrgui_switches_the_running_window(
    display: str,  # noqa: F811
    app: tuple[subprocess.Popen[bytes], str],
    tmp_path: Path,
) -> None:
    proc, _window = app
    other = tmp_path / "SMS_XYZ" / "inboxes"
    (other / "ccr.box").mkdir(parents=True)
    (other / "ccrretry.box").mkdir()
    second = subprocess.run(
        [sys.executable, "-m", "ccrgui", "--site", os.path.relpath(other, tmp_path)],
        env=_env(display),
        cwd=tmp_path,  # a relative folder is the second instance's, not the first's
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert second.returncode == 0, second.stderr
    assert proc.poll() is None
    _wait_for(
        lambda: _xdotool(display, "search", "--onlyvisible", "--name", "^SMS_XYZ — ccrgui$"),
        10,
        "the running window to switch to the site given",
    )
