"""One machine's entries from a 100 MB ccm.log, against ``grep -c NAME`` on the same file.

    python bench/bench_ccmlog.py [--mb 100] [--rounds 5] [--keep FILE]

Generates a raw-trace ccm.log (not committed; in a temporary folder) the way a busy site
server writes it: 3,000 machines ``WKS-1`` … ``WKS-3000``, eight worker threads whose
request blocks interleave line by line, failures and installs as the simulated site
server words them. Then, alternating in one run, each timed ``--rounds`` times (medians):

- floor: ``grep -c NAME FILE`` (a whole process, case-sensitive literal search);
- ``MachineLog``: every entry for NAME (request blocks followed on their thread, other
  lines naming it, case-insensitive whole-name match), in this process;
- ``ccr log NAME --log FILE --format json``: the same as a whole process, start-up included.

Two names: ``WKS-2345`` (a typical name) and ``WKS-1``, whose letters begin 1,111 other
names (``WKS-10``, ``WKS-1999`` …): the worst case for the byte search, every near miss is
looked at. Target: MachineLog <= 5x grep for both (exit status 1 above it). A second
figure checks memory: peak RSS growth of the ``ccr log`` process.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccrgui.core import ccmtrace  # noqa: E402
from ccrgui.core.machinelog import MachineLog  # noqa: E402

TARGET = 5.0
MACHINES = 3000
THREADS = 8
NAMES = ("WKS-2345", "WKS-1")


def generate(path: Path, megabytes: int, seed: int = 13) -> int:
    """Write about ``megabytes`` of ccm.log; return the number of lines."""
    rng = random.Random(seed)
    when = datetime(2026, 11, 2, 8, 0, 0)
    account = "CORP\\cm_push"
    limit = megabytes * 1024 * 1024
    written = lines = 0
    request = 2097152000
    with open(path, "w", encoding="utf-8", newline="\r\n") as fh:
        while written < limit:
            blocks = []
            for t in range(THREADS):
                machine = f"WKS-{rng.randint(1, MACHINES)}"
                request += 1
                if rng.random() < 0.15:
                    msgs = ccmtrace.installed_lines(str(request), machine, account)
                else:
                    code = rng.choice((53, 53, 5, 67, 1326, -2147023174, 1203))
                    msgs = ccmtrace.failed_lines(str(request), machine, code, account)
                blocks.append((4000 + t * 4, msgs))
            out = [
                ccmtrace.format_line(
                    ccmtrace.TraceLine(ccmtrace.queue_count_line("Retry", 120), when, 2624)
                )
            ]
            longest = max(len(m) for _, m in blocks)
            for i in range(longest):  # interleave: one line of each thread in turn
                for thread, msgs in blocks:
                    if i < len(msgs):
                        when += timedelta(milliseconds=rng.randint(1, 400))
                        out.append(ccmtrace.format_line(ccmtrace.TraceLine(msgs[i], when, thread)))
            text = "".join(out)
            fh.write(text)
            written += len(text) + text.count("\n")
            lines += len(out)
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--keep", metavar="FILE", help="also copy the generated log here")
    args = ap.parse_args()
    grep = shutil.which("grep")
    if grep is None:
        print("grep not found", file=sys.stderr)
        return 2
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="ccrgui-bench-") as tmp:
        log = Path(tmp) / "ccm.log"
        t0 = time.perf_counter()
        lines = generate(log, args.mb)
        size = log.stat().st_size
        print(f"generated {size / 1e6:.0f} MB, {lines:,} lines in {time.perf_counter() - t0:.1f} s")
        if args.keep:
            shutil.copyfile(log, args.keep)
        env = dict(os.environ, PYTHONPATH=str(ROOT), CCRGUI_CONFIG_DIR=str(Path(tmp) / "st"))
        for name in NAMES:
            grep_t, ours_t, cli_t = [], [], []
            count = found = 0
            cmd = [sys.executable, "-m", "ccrgui.cli", "log", name, "--log", str(log)]
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                done = subprocess.run([grep, "-c", name, str(log)], capture_output=True)
                grep_t.append(time.perf_counter() - t0)
                count = int(done.stdout or 0)
                t0 = time.perf_counter()
                found = sum(len(batch) for batch in MachineLog(log, name).read())
                ours_t.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                subprocess.run([*cmd, "--format", "json"], env=env, capture_output=True, check=True)
                cli_t.append(time.perf_counter() - t0)
            g, o, c = (statistics.median(x) for x in (grep_t, ours_t, cli_t))
            worst = max(worst, o / g)
            print(f"\n{name}: grep -c counts {count:,} lines; {found:,} entries for the machine")
            print(f"  floor grep -c NAME           {g * 1000:8.0f} ms")
            print(f"  MachineLog (in process)      {o * 1000:8.0f} ms  {o / g:5.2f}x")
            print(f"  ccr log --format json        {c * 1000:8.0f} ms  {c / g:5.2f}x")
        subprocess.run(
            [sys.executable, "-m", "ccrgui.cli", "log", NAMES[0], "--log", str(log)],
            env=env, stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
        print(
            f"\npeak RSS of a child process (ccr log, grep): {peak:.0f} MB for {size / 1e6:.0f} MB"
        )
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"\nworst MachineLog / grep ratio {worst:.2f}x (target <= {TARGET:g}x: {verdict})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
