"""Cold start: from launching a process to its first window on screen, ccrgui against a
bare PySide6 window with a table.

    python bench/bench_cold_start.py [--rounds 7] [--count 1000] [--xvfb]

Each round starts two fresh Python processes, alternating which goes first:

- floor: a script that imports PySide6, makes a QApplication and a QMainWindow holding a
  QTableWidget (20 rows, 6 columns), and shows it;
- ccrgui: the app's own start-up (``ccrgui.gui.app.start``: settings, single-instance
  server, icons, the main window on a site whose retry box holds ``--count`` generated
  files), as ``python -m ccrgui --new-instance --site SITE`` runs it.

"On screen" is the first paint event of a table's viewport in that process: the moment
the user sees the window with its table drawn (rows may still be arriving; the box is
read off the GUI thread). Each child reports ``time.monotonic()`` (one clock for the
whole machine) at that moment and exits; the parent took the same clock just before
starting it. Both use Qt's offscreen platform unless ``--xvfb`` starts an Xvfb server
(then they connect to it as X clients, as on a desktop).

Target (issue 10): ccrgui's first window <= 1.5x the bare window, medians of the rounds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from gen_retry import generate  # noqa: E402

TIMEOUT = 120.0  # seconds for one start before the benchmark gives up

# Both children: report the first paint of a table's viewport, then leave at once
# (os._exit: closing windows and saving state is not part of a start).
FIRST_PAINT = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QApplication

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            view = obj.parent()
            if isinstance(view, QAbstractItemView) and obj is view.viewport():
                sys.stdout.write(f"{time.monotonic()!r}\n")
                sys.stdout.flush()
                os._exit(0)
        return False

def watch(app):
    global _watcher
    _watcher = FirstPaint()
    app.installEventFilter(_watcher)
"""

BARE = (
    FIRST_PAINT
    + r"""
from PySide6.QtWidgets import QMainWindow, QTableWidget
app = QApplication(sys.argv)
watch(app)
window = QMainWindow()
table = QTableWidget(20, 6)
window.setCentralWidget(table)
window.resize(1100, 700)
window.show()
app.exec()
"""
)

CCRGUI = (
    FIRST_PAINT
    + r"""
from ccrgui.gui.app import start
app = QApplication(sys.argv)
watch(app)
window = start(["--new-instance", "--site", sys.argv[1]])
app.exec()
"""
)


def launch(script: Path, args: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``script`` to its first table paint."""
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    lines = done.stdout.split()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{script.name} did not paint a table:\n{done.stderr[-2000:]}")
    return float(lines[-1]) - t0


@contextmanager
def xvfb() -> Iterator[str]:
    if not shutil.which("Xvfb"):
        raise SystemExit("Xvfb is not installed (.ci/run installs it)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as ready:
            number = ready.readline().strip()
        if not number.isdigit():
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(5)


def run(rounds: int, count: int, display: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="ccrgui-bench-") as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        (site / "ccr.box").mkdir(parents=True)
        generate(site / "ccrretry.box", count)
        bare, app = tmp / "bare_window.py", tmp / "ccrgui_window.py"
        bare.write_text(BARE)
        app.write_text(CCRGUI)
        env = dict(os.environ, CCRGUI_CONFIG_DIR=str(tmp / "state"), PYTHONPATH=str(ROOT))
        env["XDG_RUNTIME_DIR"] = str(tmp / "runtime")  # the single-instance socket
        os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700)
        if display is None:
            env["QT_QPA_PLATFORM"] = "offscreen"
        else:
            env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        launch(bare, [], env)  # warm the page cache and the .pyc files
        launch(app, [str(site)], env)
        times: dict[str, list[float]] = {"bare": [], "ccrgui": []}
        for r in range(rounds):
            order = [("bare", bare, []), ("ccrgui", app, [str(site)])]
            for name, script, args in order if r % 2 == 0 else reversed(order):
                times[name].append(launch(script, args, env))
        med = {k: statistics.median(v) for k, v in times.items()}
        platform = "offscreen" if display is None else f"Xvfb {display}"
        print(f"# {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, {platform}, ", end="")
        print(f"Python {sys.version.split()[0]}, {rounds} rounds, retry box of {count:,} files")
        print(f"  load average at the end: {os.getloadavg()[0]:.2f}")
        for k, v in times.items():
            shown = ", ".join(f"{x * 1000:.0f}" for x in v)
            fastest = min(v) * 1000
            print(f"  {k:<7} median {med[k] * 1000:6.0f} ms  min {fastest:6.0f} ms  [{shown}]")
        ratio = med["ccrgui"] / med["bare"]
        best = min(times["ccrgui"]) / min(times["bare"])
        print(f"  ccrgui / bare window: {ratio:.2f}x (fastest rounds {best:.2f}x), target <= 1.5x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--count", type=int, default=1000, help="files in the site's retry box")
    ap.add_argument("--xvfb", action="store_true", help="show the windows on an Xvfb server")
    args = ap.parse_args()
    if args.xvfb:
        with xvfb() as display:
            run(args.rounds, args.count, display)
    else:
        run(args.rounds, args.count, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
