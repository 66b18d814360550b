"""Resubmitting 1,000 requests, against a plain ``os.rename`` loop over the same files.

    python bench/bench_resubmit.py [--count 1000] [--rounds 5]

Both run in the same process on the same files, alternating, in a temporary site on the
local disk; each number is the median of the rounds. The ratio compares ``resubmit()`` on
the listed paths with the plain loop on the same names; listing the box (which the GUI
has already done: its rows) is timed and printed apart. ``resubmit()`` does what the plain
loop does not: no-clobber renames, the "already queued" check, one outcome per file and
an activity-log line per file. Target: ratio <= 2.0 (exit status 1 above it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 2.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="ccrgui-bench-") as tmp:
        os.environ["CCRGUI_CONFIG_DIR"] = str(Path(tmp) / "state")  # log in the temp dir
        from ccrgui.core.resubmit import ResubmitStatus, resubmit
        from ccrgui.core.sandbox import demo_retry_request
        from ccrgui.core.scan import list_request_files
        from ccrgui.core.site import open_site

        root = Path(tmp) / "inboxes"
        (root / "ccr.box").mkdir(parents=True)
        (root / "ccrretry.box").mkdir()
        site = open_site(root, "bench")
        for i in range(args.count):
            data = demo_retry_request(f"PC{i:05d}", "CORP", "10.0.0.1", 53, 3, datetime(2026, 1, 5))
            (site.retry / f"PC{i:05d}.ccr").write_bytes(data)
        names = sorted(os.listdir(site.retry))

        def move_all_back() -> None:
            for n in names:
                os.rename(site.pending / n, site.retry / n)

        plain_times, ours_times, list_times = [], [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            for n in names:
                os.rename(site.retry / n, site.pending / n)
            plain_times.append(time.perf_counter() - t0)
            move_all_back()

            t0 = time.perf_counter()
            paths = list_request_files(site.retry)  # the GUI has these already: its rows
            t1 = time.perf_counter()
            result = resubmit(site, paths)
            ours_times.append(time.perf_counter() - t1)
            list_times.append(t1 - t0)
            assert result.count(ResubmitStatus.RESUBMITTED) == args.count, result.summary()
            move_all_back()

    plain, ours = statistics.median(plain_times), statistics.median(ours_times)
    listing = statistics.median(list_times)
    ratio = ours / plain
    print(f"requests            {args.count}")
    print(f"plain os.rename     {plain * 1000:8.1f} ms  ({plain / args.count * 1e6:.1f} us/file)")
    print(f"resubmit()          {ours * 1000:8.1f} ms  ({ours / args.count * 1e6:.1f} us/file)")
    print(f"listing the box     {listing * 1000:8.1f} ms  (once per batch, not in the ratio)")
    print(f"ratio               {ratio:8.2f}x  (target <= {TARGET}x)")
    print(f"ratio with listing  {(ours + listing) / plain:8.2f}x")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
