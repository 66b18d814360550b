"""Reading a retry box: the core scanner and ``ccr list`` against plain Python floors.

    python bench/bench_scan.py [--sizes 1000,10000,50000] [--rounds 3]

For each size, a realistic retry box (bench/gen_retry.py) is generated in a temporary
folder on the local disk, and in the same run, alternating, median of the rounds:

- floor: plain Python listing (os.scandir), reading (open/read) and decoding each file
  into a dict of its key=value lines; the least any reader of these files does;
- floor+parse: the same listing and reading with ccrgui's parser in a plain loop;
- scanner: a full pass of ``BoxScanner`` as the GUI runs it (slim records), with reads
  in its thread pool and on one thread, to see whether the pool helps on local disk;
- incremental: a second pass after 1% of the files changed, against a full pass;
- ``ccr list --format json`` as a whole process against two script processes that list,
  read and decode the same files and print them as JSON: one splits each file into its
  key=value lines first (the older floor), the other dumps each file's raw text
  (read+decode+``json.dumps``: the floor of issue 10).

Targets (10k files): ``ccr list`` <= 2.0x the read+decode+dump script (goal 1.5x);
incremental <= 10% of a full pass. Process times move a lot on a shared machine: the
fastest rounds are printed beside the medians. The full load into the table (GUI) is
measured by bench/bench_gui_load.py.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_retry import generate  # noqa: E402

from ccrgui.core.ccr import decode_bytes, parse_bytes  # noqa: E402
from ccrgui.core.scanner import BoxScanner  # noqa: E402

PLAIN_SCRIPT = r"""
import json, os, sys
box = sys.argv[1]
rows = []
with os.scandir(box) as it:
    for e in sorted(it, key=lambda e: e.name.casefold()):
        if not e.name.lower().endswith(".ccr"):
            continue
        with open(e.path, "rb") as fh:
            data = fh.read()
        text = data.decode("utf-8", "replace")
        row = {"file": e.path}
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep:
                row[key.strip()] = value.strip()
        rows.append(row)
out = sys.stdout
out.write("[\n" + ",\n".join("  " + json.dumps(r) for r in rows) + "\n]\n")
"""

RAW_SCRIPT = r"""
import json, os, sys
box = sys.argv[1]
rows = []
with os.scandir(box) as it:
    for e in sorted(it, key=lambda e: e.name.casefold()):
        if not e.name.lower().endswith(".ccr"):
            continue
        with open(e.path, "rb") as fh:
            data = fh.read()
        rows.append({"file": e.path, "text": data.decode("utf-8", "replace")})
sys.stdout.write("[\n" + ",\n".join("  " + json.dumps(r) for r in rows) + "\n]\n")
"""


def floor_read_decode(box: Path) -> list[dict[str, str]]:
    rows = []
    with os.scandir(box) as it:
        for e in it:
            if not e.name.casefold().endswith(".ccr"):
                continue
            e.stat()
            with open(e.path, "rb") as fh:
                data = fh.read()
            text, _enc = decode_bytes(data)
            row: dict[str, str] = {}
            for line in text.splitlines():
                key, sep, value = line.partition("=")
                if sep:
                    row[key.strip()] = value.strip()
            rows.append(row)
    return rows


def floor_parse(box: Path) -> list[object]:
    out: list[object] = []
    with os.scandir(box) as it:
        for e in it:
            if e.name.casefold().endswith(".ccr"):
                e.stat()
                with open(e.path, "rb") as fh:
                    out.append(parse_bytes(fh.read(), e.path))
    return out


def timed(func: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    func()
    return time.perf_counter() - t0


def full_scan(box: Path, threads: int) -> float:
    scanner = BoxScanner(box, threads=threads, keep_text=False, settle_seconds=0)
    t = timed(scanner.scan)
    scanner.close()
    return t


def change_one_percent(box: Path, round_: int) -> int:
    names = sorted(os.listdir(box))
    changed = names[::100]
    for n in changed:
        p = box / n
        data = p.read_bytes()
        p.write_bytes(data.replace(b"Attempts=", f"Attempts={round_}".encode(), 1))
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    return len(changed)


def run_process(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def bench_size(tmp: Path, count: int, rounds: int) -> list[tuple[str, float, float, str]]:
    site = tmp / f"site{count}"
    box = site / "ccrretry.box"
    (site / "ccr.box").mkdir(parents=True)
    generate(box, count)
    results: dict[str, list[float]] = {
        k: []
        for k in (
            "floor",
            "floor+parse",
            "scan4",
            "scan1",
            "full",
            "incremental",
            "ccr",
            "plain",
            "raw",
        )
    }
    env = dict(os.environ, CCRGUI_CONFIG_DIR=str(tmp / "state"), PYTHONPATH=str(ROOT))
    script = tmp / "plain_list.py"
    script.write_text(PLAIN_SCRIPT)
    raw_script = tmp / "raw_list.py"
    raw_script.write_text(RAW_SCRIPT)
    floor_read_decode(box)  # warm the page cache
    for r in range(rounds):
        results["floor"].append(timed(lambda: floor_read_decode(box)))
        results["floor+parse"].append(timed(lambda: floor_parse(box)))
        results["scan4"].append(full_scan(box, 4))
        results["scan1"].append(full_scan(box, 1))
        scanner = BoxScanner(box, keep_text=False, settle_seconds=0)
        results["full"].append(timed(scanner.scan))
        change_one_percent(box, r)
        results["incremental"].append(timed(scanner.scan))
        scanner.close()
        py = sys.executable
        ccr = [py, "-m", "ccrgui.cli", "list", "--site", str(site), "--format", "json"]
        results["ccr"].append(run_process(ccr, env))
        results["plain"].append(run_process([py, str(script), str(box)], env))
        results["raw"].append(run_process([py, str(raw_script), str(box)], env))
    med = {k: statistics.median(v) for k, v in results.items()}
    best = {k: min(v) for k, v in results.items()}
    return [
        ("scanner pass, 4 reader threads / floor", med["scan4"], med["floor"], ""),
        ("scanner pass, 1 thread / floor", med["scan1"], med["floor"], ""),
        ("scanner pass, 4 threads / floor+parse", med["scan4"], med["floor+parse"], ""),
        ("incremental, 1% changed / full pass", med["incremental"], med["full"], "<= 0.10"),
        ("ccr list --format json / split script", med["ccr"], med["plain"], ""),
        ("ccr list --format json / raw-dump script", med["ccr"], med["raw"], "<= 2.0 (1.5)"),
        ("  same, fastest rounds", best["ccr"], best["raw"], ""),
    ]


def main() -> int:
    # the garbage-collection policy of both entry points (ccr's main and the GUI's
    # runtime): records hold no cycles, and the collector would re-walk them all
    gc.disable()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="ccrgui-bench-") as tmp:
        for count in sizes:
            print(f"\n{count:,} files")
            for label, ours, floor, target in bench_size(Path(tmp), count, args.rounds):
                print(
                    f"  {label:<42} {ours * 1000:8.1f} ms / {floor * 1000:8.1f} ms"
                    f" = {ours / floor:5.2f}x {target}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
