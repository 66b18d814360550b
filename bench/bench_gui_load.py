"""Loading a retry box into the table: a real BoxView against a plain Python floor.

    python bench/bench_gui_load.py [--sizes 1000,10000,50000] [--rounds 5]

For each size, a realistic retry box (bench/gen_retry.py) is generated in a temporary
folder on the local disk (file times set an hour back, as a site server leaves them),
and in the same run, alternating, median of the rounds:

- floor: plain Python listing (os.scandir + stat), reading (open/read) and decoding each
  file into a dict of its key=value lines (bench_scan.floor_read_decode);
- core scanner pass alone: ``BoxScanner(keep_text=False).scan()`` with no GUI, to split
  a load into what the scanner costs and what the table adds;
- full load: a shown BoxView (Qt offscreen, so it paints as it fills), from ``set_box``
  until ``loader.scan_finished`` with every file a row in the model; also with the view
  hidden (no painting), and with 4 reader threads (what a box on a share gets) to see
  whether the pool helps on a local disk;
- incremental refresh: after a full load, 1% of the files rewritten with new content
  and a new mtime, from ``refresh()`` until ``scan_finished`` with the new values in the
  model;
- GUI thread gaps: a 10 ms QTimer ticks on the GUI thread through every load; the
  largest gap between two ticks is how long the window could not react (worst round);
- memory: VmRSS growth of a fresh process loading the largest box into a shown BoxView
  (before ``set_box`` / after the load and a gc.collect()).

Targets: full load <= 1.5x the floor at 10k; incremental <= 10% of a full load; largest
gap <= 50 ms during a 10k load; RSS growth < 150 MB for 50k rows.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_scan import floor_read_decode  # noqa: E402
from gen_retry import generate  # noqa: E402

from ccrgui.core.scanner import BoxScanner  # noqa: E402

TIMEOUT = 300.0  # seconds for one load before the benchmark gives up


def quiet_qt() -> None:
    """Drop the offscreen plugin's "does not support propagateSizeHints()" notes."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode: object, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def make_box(tmp: Path, count: int) -> Path:
    box = tmp / f"site{count}" / "ccrretry.box"
    (box.parent / "ccr.box").mkdir(parents=True)
    paths = generate(box, count)
    past = time.time_ns() - 3600 * 10**9
    for i, p in enumerate(paths):  # not "still being written": no re-read on the next pass
        os.utime(p, ns=(past, past + i * 1000))
    return box


def change_one_percent(box: Path, round_: int) -> dict[str, int]:
    """Rewrite every 100th file with a new attempt count and an mtime one second later
    (the invalid ones get only the new mtime); returns {file: attempts now written}."""
    expect: dict[str, int] = {}
    key = "Number of Processing Attempts="
    for n in sorted(os.listdir(box))[::100]:
        p = box / n
        data = p.read_bytes()
        encoding = "utf-16" if data.startswith(b"\xff\xfe") else "cp1252"
        text = data.decode(encoding, "replace")
        at = text.find(key)
        if at >= 0:
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            end = end - 1 if text[end - 1] == "\r" else end
            value = 900 + round_
            data = (text[: at + len(key)] + str(value) + text[end:]).encode(encoding)
            expect[str(p)] = value
        st = p.stat()
        p.write_bytes(data)
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    return expect


class Bench:
    """One QApplication and one shown BoxView, reused for every load."""

    def __init__(self) -> None:
        from PySide6.QtCore import QObject, QTimer
        from PySide6.QtWidgets import QApplication

        from ccrgui.gui.box import loader as live
        from ccrgui.gui.box.view import BoxView
        from ccrgui.gui.runtime import prepare

        self.app = QApplication.instance() or QApplication(["bench"])
        prepare()  # as the app runs: PySide work-arounds, cyclic GC on the GUI thread
        self.live = live
        self.scanner_class = live.BoxScanner
        self.view = BoxView(poll_seconds=3600, watch=False)  # no refresh but ours
        self.view.resize(1400, 900)
        self.view.show()
        self.paints = 0
        view = self

        class PaintCounter(QObject):
            def eventFilter(self, obj: object, event: object) -> bool:
                if event.type() == event.Type.Paint:  # type: ignore[attr-defined]
                    view.paints += 1
                return False

        self._counter = PaintCounter()
        self.view.table.viewport().installEventFilter(self._counter)
        self.ticks: list[float] = []
        self.tick_timer = QTimer()
        self.tick_timer.setInterval(10)
        self.tick_timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.QTimer = QTimer
        self.settle()

    def settle(self, seconds: float = 0.05) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.002)

    def _wait_pass(self, start: object) -> float:
        """Call ``start()``, run the event loop until the loader finishes a pass; returns
        the seconds it took. Ticks of the 10 ms timer are recorded meanwhile."""
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        loader = self.view.loader
        passes = loader.passes
        loader.scan_finished.connect(loop.quit)
        guard = self.QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        guard.start(int(TIMEOUT * 1000))
        self.ticks = []
        self.tick_timer.start()
        t0 = time.perf_counter()
        self.ticks.append(t0)
        start()  # type: ignore[operator]
        if loader.passes == passes:
            loop.exec()
        elapsed = time.perf_counter() - t0
        self.ticks.append(time.perf_counter())
        self.tick_timer.stop()
        guard.stop()
        loader.scan_finished.disconnect(loop.quit)
        if loader.passes == passes:
            raise RuntimeError(f"no pass finished within {TIMEOUT:.0f} s")
        return elapsed

    def max_gap(self) -> float:
        gap, start = max((b - a, a) for a, b in zip(self.ticks, self.ticks[1:], strict=False))
        self.gap_at = (start - self.ticks[0]) / (self.ticks[-1] - self.ticks[0])
        return gap

    def full_load(self, box: Path, count: int, threads: int | None) -> tuple[float, float]:
        """(seconds, largest tick gap) of a full load of ``box`` into the shown view."""
        self.view.set_box(None)
        gc.collect()
        self.settle()
        if threads is None:
            self.live.BoxScanner = self.scanner_class  # as the app runs it
        else:
            self.live.BoxScanner = functools.partial(self.scanner_class, threads=threads)
        try:
            elapsed = self._wait_pass(lambda: self.view.set_box(box))
        finally:
            self.live.BoxScanner = self.scanner_class
        rows = self.view.model.rowCount()
        if rows != count or self.view.proxy.rowCount() != count:
            raise RuntimeError(f"{rows} rows in the model after loading {count} files")
        return elapsed, self.max_gap()

    def incremental(self, box: Path, round_: int) -> tuple[float, float]:
        """(seconds, largest tick gap) of a refresh after 1% of the files changed."""
        self.settle()
        expect = change_one_percent(box, round_)
        elapsed = self._wait_pass(self.view.refresh)
        model = self.view.model
        for file, attempts in expect.items():
            row = model.row_of(file)
            got = None if row is None else model.record(row).attempts
            if got != attempts:
                raise RuntimeError(f"{file}: attempts {got} after refresh, wrote {attempts}")
        return elapsed, self.max_gap()


def scanner_pass(box: Path) -> float:
    """A full pass of the core scanner as the GUI configures it, with no GUI at all."""
    scanner = BoxScanner(box, keep_text=False)
    t0 = time.perf_counter()
    scanner.scan()
    elapsed = time.perf_counter() - t0
    scanner.close()
    return elapsed


def timed_floor(box: Path) -> float:
    t0 = time.perf_counter()
    floor_read_decode(box)
    return time.perf_counter() - t0


KINDS = ("floor", "scan", "load", "hidden", "load4", "incremental")


def bench_size(bench: Bench, tmp: Path, count: int, rounds: int) -> dict[str, Any]:
    box = make_box(tmp, count)
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    gaps: dict[str, list[float]] = {k: [] for k in KINDS}
    floor_read_decode(box)  # warm the page cache
    bench.full_load(box, count, None)  # and the imports, caches and first paint
    paints: list[int] = []
    gap_at: list[tuple[float, float]] = []  # (largest gap, where in the load it began)
    for r in range(rounds):
        times["floor"].append(timed_floor(box))
        times["scan"].append(scanner_pass(box))
        p0 = bench.paints
        t, g = bench.full_load(box, count, None)
        paints.append(bench.paints - p0)
        times["load"].append(t)
        gaps["load"].append(g)
        gap_at.append((g, bench.gap_at))
        t, g = bench.incremental(box, r)
        times["incremental"].append(t)
        gaps["incremental"].append(g)
        t, g = bench.full_load(box, count, 4)
        times["load4"].append(t)
        gaps["load4"].append(g)
        bench.view.hide()
        t, g = bench.full_load(box, count, None)
        bench.view.show()
        times["hidden"].append(t)
        gaps["hidden"].append(g)
    bench.view.set_box(None)
    return {
        "count": count,
        "box": str(box),
        "med": {k: statistics.median(v) for k, v in times.items()},
        "worst_gap": {k: max(v) for k, v in gaps.items() if v},
        "median_gap": {k: statistics.median(v) for k, v in gaps.items() if v},
        "worst_gap_at": max(gap_at)[1],
        "paints": statistics.median(paints),
    }


def measure_rss(box: str, count: int) -> None:
    """Child process: print JSON with VmRSS before/after loading ``box`` into a view."""
    bench = Bench()
    gc.collect()
    bench.settle(0.3)
    before = rss_mb()
    elapsed, _gap = bench.full_load(Path(box), count, None)
    bench.settle(0.3)  # the summary strip and status catch up
    gc.collect()
    after = rss_mb()
    print(json.dumps({"before": before, "after": after, "load": elapsed}))


def rss_in_child(box: str, count: int, tmp: Path) -> dict[str, float]:
    env = dict(os.environ, CCRGUI_CONFIG_DIR=str(tmp / "state-rss"))
    out = subprocess.run(
        [sys.executable, __file__, "--rss-child", box, "--sizes", str(count)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(res: dict[str, Any], rounds: int) -> None:
    count, med, gap = res["count"], res["med"], res["worst_gap"]
    floor, load = med["floor"], med["load"]
    at_10k = count == 10000
    print(f"\n{count:,} files: median of {rounds} rounds (GUI-thread gaps: worst round)")
    print(f"  {'':<44} {'time':>9}  {'ratio':>13}  target")

    def row(label: str, t: float, base: float, of: str, target: str = "") -> None:
        print(f"  {label:<44} {t * 1000:6.1f} ms  {t / base:5.2f}x {of:<6}  {target}")

    row("floor: list + read + decode (plain Python)", floor, floor, "floor")
    row("core scanner pass alone, no GUI", med["scan"], floor, "floor")
    ok = load / floor <= 1.5
    row("full load into a shown BoxView", load, floor, "floor", at_10k * f"<= 1.5x: {verdict(ok)}")
    row("  same, view hidden (no painting)", med["hidden"], floor, "floor")
    row("  same, 4 reader threads", med["load4"], floor, "floor")
    row("  4 reader threads vs 1 (as the app runs)", med["load4"], load, "1 thr")
    inc = med["incremental"]
    row(
        "incremental refresh, 1% of files changed",
        inc,
        load,
        "load",
        f"<= 0.10x: {verdict(inc / load <= 0.10)}",
    )
    worst, typical = gap["load"] * 1000, res["median_gap"]["load"] * 1000
    target = at_10k * f"<= 50 ms: {verdict(worst <= 50)}"
    print(f"  {'largest GUI-thread gap, full load':<44} {worst:6.1f} ms  {'':>13}  {target}")
    print(
        f"  {'  (median round; where the worst began)':<44} {typical:6.1f} ms"
        f"  {res['worst_gap_at']:5.0%} into the load"
    )
    for key, label in (("load4", "4 reader threads"), ("incremental", "incremental")):
        print(f"  {'largest GUI-thread gap, ' + label:<44} {gap[key] * 1000:6.1f} ms")
    print(f"  {'table repaints during a full load':<44} {res['paints']:6.0f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rss-child", metavar="BOX", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    quiet_qt()
    if args.rss_child:
        measure_rss(args.rss_child, sizes[0])
        return 0
    import PySide6

    print(
        f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, PySide6 {PySide6.__version__}, "
        f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="ccrgui-guibench-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["CCRGUI_CONFIG_DIR"] = str(tmp / "state")  # never the real profile
        bench = Bench()
        results = []
        for count in sizes:
            results.append(bench_size(bench, tmp, count, args.rounds))
            report(results[-1], args.rounds)
        bench.view.close()
        count = results[-1]["count"]
        rss = rss_in_child(results[-1]["box"], count, tmp)
        growth = rss["after"] - rss["before"]
        target = f"  target < 150 MB: {verdict(growth < 150)}" if count >= 50000 else ""
        print(
            f"\nRSS of a fresh process loading {count:,} rows into a shown BoxView: "
            f"{rss['before']:.1f} MB before, {rss['after']:.1f} MB after, "
            f"+{growth:.1f} MB ({growth * 1024 * 1024 / count:,.0f} bytes a row){target}"
        )
        print(f"# load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
