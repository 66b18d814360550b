"""The detail window's History tab on a 100 MB ccm.log: does the window keep answering,
and how much memory does it take?

    python bench/bench_history_gui.py [--mb 100] [--rounds 3]

Generates the same log as bench_ccmlog.py (not committed; in a temporary folder), then,
in a fresh process per round, opens a shown HistoryView (Qt offscreen) for ``WKS-2345``
and measures, from ``show_machine`` until ``finished``:

- the largest gap between ticks of a 10 ms QTimer on the GUI thread (how long the window
  could not react), and the number of times the list was filled while reading;
- wall time, against ``MachineLog`` alone in the same process (the floor: the read with
  no GUI);
- VmRSS growth of the process (before / after the read).

Targets: largest gap <= 50 ms; RSS growth < 50 MB for the 100 MB log (never loaded whole).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

NAME = "WKS-2345"
GAP_TARGET_MS = 50.0
RSS_TARGET_MB = 50.0


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def one_round(log: Path) -> dict[str, float]:
    """In this (fresh) process: the floor, then the History tab."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from ccrgui.core.machinelog import MachineLog
    from ccrgui.gui.detail.history import HistoryView
    from ccrgui.gui.runtime import prepare

    qInstallMessageHandler(lambda *_args: None)
    app = QApplication.instance() or QApplication([])
    prepare()
    t0 = time.perf_counter()
    floor_entries = sum(len(b) for b in MachineLog(log, NAME).read())
    floor = time.perf_counter() - t0

    view = HistoryView()
    view.resize(900, 600)
    view.show()
    app.processEvents()
    rss_before = _rss_kb()
    fills = [0]
    original = view._rebuild

    def counted() -> None:
        fills[0] += 1
        original()

    view._rebuild_timer.timeout.disconnect()
    view._rebuild_timer.timeout.connect(counted)
    gaps: list[int] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(10)

    def tick() -> None:
        gaps.append(clock.restart())

    ticker.timeout.connect(tick)
    # the noise floor: the same ticks with nothing to do, as long as the floor read took
    clock.start()
    ticker.start()
    idle_until = time.monotonic() + max(floor, 0.5)
    while time.monotonic() < idle_until:
        app.processEvents()
        time.sleep(0.001)
    ticker.stop()
    idle_gap = float(max(gaps[1:] or [0]))
    gaps.clear()
    done: list[bool] = []
    view.finished.connect(lambda: done.append(True))
    t0 = time.perf_counter()
    clock.start()
    ticker.start()
    view.show_machine(NAME, log)
    deadline = time.monotonic() + 300
    while not done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)
    wall = time.perf_counter() - t0
    ticker.stop()
    view.stop()
    rss_after = _rss_kb()
    return {
        "floor_s": floor,
        "wall_s": wall,
        "max_gap_ms": float(max(gaps[1:] or [0])),
        "idle_gap_ms": idle_gap,
        "fills": float(fills[0]),
        "entries": float(len(view.entries)),
        "floor_entries": float(floor_entries),
        "rss_growth_mb": (rss_after - rss_before) / 1024,
        "finished": float(bool(done)),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--round", metavar="LOG", help=argparse.SUPPRESS)  # one round, JSON out
    args = ap.parse_args()
    if args.round:
        print(json.dumps(one_round(Path(args.round))))
        return 0
    from bench_ccmlog import generate

    with tempfile.TemporaryDirectory(prefix="ccrgui-bench-") as tmp:
        log = Path(tmp) / "ccm.log"
        lines = generate(log, args.mb)
        print(f"generated {log.stat().st_size / 1e6:.0f} MB, {lines:,} lines")
        env = dict(os.environ, CCRGUI_CONFIG_DIR=str(Path(tmp) / "state"))
        rounds = []
        for _ in range(args.rounds):
            out = subprocess.run(
                [sys.executable, __file__, "--round", str(log)],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            rounds.append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    worst_gap = max(r["max_gap_ms"] for r in rounds)
    worst_rss = max(r["rss_growth_mb"] for r in rounds)
    print(
        f"entries for {NAME}: {med['entries']:.0f} (MachineLog alone: {med['floor_entries']:.0f})"
    )
    print(f"MachineLog alone (floor)      {med['floor_s'] * 1000:8.0f} ms")
    print(
        f"History tab, show to finished {med['wall_s'] * 1000:8.0f} ms  "
        f"{med['wall_s'] / med['floor_s']:.2f}x"
    )
    print(f"list filled while reading     {med['fills']:8.0f} times")
    print(
        f"largest GUI-thread gap        {worst_gap:8.0f} ms (median round {med['max_gap_ms']:.0f})"
    )
    idle = max(r["idle_gap_ms"] for r in rounds)
    print(f"same timer, nothing to do     {idle:8.0f} ms (the machine's own noise)")
    print(f"RSS growth                    {worst_rss:8.1f} MB (worst round)")
    ok = worst_gap <= GAP_TARGET_MS and worst_rss < RSS_TARGET_MB and med["finished"] == 1
    verdict = "met" if ok else "MISSED"
    print(f"targets: gap <= {GAP_TARGET_MS:g} ms, RSS < {RSS_TARGET_MB:g} MB: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
