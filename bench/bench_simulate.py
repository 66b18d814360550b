"""The simulated site server picking up new requests beside a big retry box, against a
floor of the same file operations without the work on each request.

    python bench/bench_simulate.py [--count 500] [--retry 10000] [--rounds 3]

Each round queues ``--count`` failing requests into a site whose retry box already holds
``--retry`` files (ResourceID-named, as ``gen_retry`` makes them), then times one
``SiteSimulator.pick_up()``. The floor, in the same run on the same number of files: for
each request the rename into Inproc, one ``write_new_file`` into the retry box and the
unlink, which every pick-up of a failing request does too. What the simulator adds: reading
and parsing each request, finding a retry file for its machine (the retry box is indexed
once per pass), the ccm.log lines. Medians of the rounds; the ratio is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--retry", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="ccrgui-bench-") as tmp:
        os.environ["CCRGUI_CONFIG_DIR"] = str(Path(tmp) / "state")  # activity log here
        from gen_retry import generate

        from ccrgui.core.ccr import new_request, serialize
        from ccrgui.core.queue import queue_requests
        from ccrgui.core.safefs import rename_no_clobber, write_new_file
        from ccrgui.core.simulator import SiteSimulator
        from ccrgui.core.site import open_site

        root = Path(tmp) / "SMS_ABC" / "inboxes"
        (root / "ccr.box").mkdir(parents=True)
        (root / "ccrretry.box").mkdir()
        generate(root / "ccrretry.box", args.retry, seed=1)
        site = open_site(root)
        names = [f"LAB-OFF-{i:05}" for i in range(args.count)]
        data = serialize(new_request("LAB-OFF-00000"))
        sim_times: list[float] = []
        floor_times: list[float] = []
        for _round in range(args.rounds):
            # the floor: the same file operations on as many files
            floor_dir = Path(tmp) / "floor"
            (floor_dir / "in" / "Inproc").mkdir(parents=True)
            (floor_dir / "retry").mkdir()
            for n in names:
                (floor_dir / "in" / f"{n}.ccr").write_bytes(data)
            start = time.perf_counter()
            for n in names:
                claimed = floor_dir / "in" / "Inproc" / f"{n}.ccr"
                rename_no_clobber(floor_dir / "in" / f"{n}.ccr", claimed)
                write_new_file(floor_dir / "retry", f"{n}.ccr", data)
                os.unlink(claimed)
            floor_times.append(time.perf_counter() - start)
            shutil.rmtree(floor_dir)

            queue_requests(site, names)
            with SiteSimulator(site) as sim:
                start = time.perf_counter()
                outcomes = sim.pick_up()
                sim_times.append(time.perf_counter() - start)
            assert len(outcomes) == args.count and all(o.status == "failed" for o in outcomes)
            for n in names:  # the next round queues them afresh
                os.unlink(root / "ccrretry.box" / f"{n}.ccr")

        sim_t, floor_t = statistics.median(sim_times), statistics.median(floor_times)
        print(f"{args.count} failing requests picked up beside {args.retry} retry files")
        print(f"  floor (rename, write_new_file, unlink): {floor_t * 1000:8.0f} ms")
        print(f"  SiteSimulator.pick_up():                {sim_t * 1000:8.0f} ms")
        print(f"  ratio: {sim_t / floor_t:.2f}x  ({sim_t / args.count * 1000:.1f} ms a request)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
