"""A real X server (Xvfb), real ccrgui processes, as a user double-clicking files:
the second ``ccrgui FILE.ccr`` hands the file to the running instance and exits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.xvfb


def _wait_for(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    """Poll an outside process's state (no Qt event loop to wait on here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    for tool in ("Xvfb", "xdotool", "xwd", "convert"):
        assert shutil.which(tool), f"{tool} missing: .ci/run installs it"
    # -displayfd: Xvfb picks a free display itself and writes its number when it is ready
    # to take clients (choosing a number here raced with other test runs on the machine)
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as ready:
            number = ready.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(5)


def _env(display: str) -> dict[str, str]:
    env = dict(os.environ)  # conftest's isolated CCRGUI_CONFIG_DIR, HOME and XDG dirs
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    return env


def _xdotool(display: str, *args: str) -> list[str]:
    out = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, env={**os.environ, "DISPLAY": display}
    )
    return out.stdout.split()


def _window_pid(display: str, window: str) -> int:
    return int(_xdotool(display, "getwindowpid", window)[0])


def test_second_ccrgui_hands_the_file_to_the_running_window(
    display: str, samples: Path, tmp_path: Path
) -> None:
    env = _env(display)
    sample = tmp_path / "SALES-PC9.ccr"
    shutil.copy(samples / "retry-rpc-signed.ccr", sample)
    first_err = tmp_path / "first-instance.stderr"
    with first_err.open("wb") as err:
        first = subprocess.Popen([sys.executable, "-m", "ccrgui"], env=env, stderr=err)

    def said() -> str:
        return first_err.read_text(errors="replace")

    try:
        try:
            _wait_for(
                lambda: (
                    first.poll() is not None
                    or _xdotool(display, "search", "--onlyvisible", "--pid", str(first.pid))
                ),
                60,  # a loaded CI machine can take a while to start Python and Qt
                "the first instance's main window",
            )
        except AssertionError:
            first.kill()
            raise AssertionError(f"no window; the first instance said: {said()}") from None
        assert first.poll() is None, f"the first instance exited: {said()}"
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "ccrgui", sample.name],  # relative to its own cwd
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=20,
        )
        exited = time.monotonic() - started
        assert second.returncode == 0, second.stderr
        windows = _wait_for(
            # the title gains the machine name once the file has been read and parsed
            lambda: _xdotool(
                display, "search", "--onlyvisible", "--name", "SALES-PC9.ccr — SALES-PC9"
            ),
            10,
            "a detail window titled with the file and machine name",
        )
        shown = time.monotonic() - started
        assert first.poll() is None  # the first instance still runs and owns the window
        assert {_window_pid(display, w) for w in windows} == {first.pid}
        print(f"second instance exited after {exited:.2f} s; file shown after {shown:.2f} s")
        shot = tmp_path / "xvfb-handover.png"

        def painted() -> bool:
            grab = f"xwd -id {windows[0]} -silent -display {display} | convert xwd:- {shot}"
            subprocess.run(grab, shell=True, check=True)
            mean = subprocess.run(
                ["convert", str(shot), "-format", "%[fx:mean]", "info:"],
                capture_output=True,
                text=True,
            )
            return float(mean.stdout or 0) > 0.3  # not a black, unpainted window

        _wait_for(painted, 10, "the detail window to paint")
    finally:
        first.terminate()
        try:
            first.wait(10)
        except subprocess.TimeoutExpired:
            first.kill()
            first.wait()
        errors = said()
    assert "Traceback" not in errors, errors
