"""Reading the end of an activity log whose tail has no newline (a crash mid-write on an
old version, or a damaged file), against reading the whole file once.

    python bench/bench_activity.py [--mb 64] [--rounds 3]

The floor is one ``read()`` of the whole file (the least any reader must do when no
newline tells it where to stop). ``read_activity(200)`` used to re-join and re-count all
it had read at every 64 KB step: quadratic, 28 s for 64 MB. Target: <= 5x the floor
(exit status 1 above it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccrgui.core.activity import read_activity  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activity.jsonl"
        path.write_bytes(b"x" * (args.mb * 1024 * 1024))
        floor, ours = [], []
        for _ in range(args.rounds):
            t = time.perf_counter()
            path.read_bytes()
            floor.append(time.perf_counter() - t)
            t = time.perf_counter()
            read_activity(200, path)
            ours.append(time.perf_counter() - t)
    f, o = statistics.median(floor), statistics.median(ours)
    print(
        f"{args.mb} MB without a newline: read whole {f * 1000:.0f} ms, "
        f"read_activity(200) {o * 1000:.0f} ms, ratio {o / f:.1f}x"
    )
    return 0 if o <= 5 * f else 1


if __name__ == "__main__":
    sys.exit(main())
