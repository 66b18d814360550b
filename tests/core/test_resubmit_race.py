"""Several processes resubmitting the same files at the same instant (two admins, two
windows): each request ends up in exactly one place, once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.site import Site, open_site

N = 1500


@pytest.fixture
def site(tmp_path: Path) -> Site:
    (tmp_path / "inboxes" / "ccr.box").mkdir(parents=True)
    (tmp_path / "inboxes" / "ccrretry.box").mkdir()
    site = open_site(tmp_path / "inboxes")
    for i in range(N):
        data = demo_retry_request(f"PC{i:05d}", "CORP", "10.0.0.1", i, 3, datetime(2026, 1, 5))
        (site.retry / f"PC{i:05d}.ccr").write_bytes(data)
    return site


# Each worker lists the box first, then waits at the gate, so all of them fight over the
# renames themselves. Worker 1 goes backwards to cross the others.
WORKER = """
import json, os, sys, time
from ccrgui.core.resubmit import ResubmitMode, resubmit
from ccrgui.core.scan import list_request_files
from ccrgui.core.site import open_site
root, gate, index, new = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "new"
site = open_site(root)
paths = list_request_files(site.retry)
if index == 1:
    paths.reverse()
open(gate + f".ready.{index}", "w").close()
while not os.path.exists(gate):
    time.sleep(0.0005)
result = resubmit(site, paths, mode=ResubmitMode.NEW if new else ResubmitMode.RETRY)
print(json.dumps([[o.machine, o.status] for o in result.outcomes]))
"""


def _race(site: Site, workers: int, mode: str) -> list[list[list[str]]]:
    gate = site.root.parent / "go"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(WORKER),
                str(site.root),
                str(gate),
                str(i),
                mode,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(workers)
    ]
    deadline = time.monotonic() + 60
    while len(list(site.root.parent.glob("go.ready.*"))) < workers:
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    gate.write_text("")
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_concurrent_retry_now_moves_each_file_once(site: Site) -> None:
    before = Counter(p.read_bytes() for p in site.retry.iterdir())

    results = _race(site, 3, "retry")

    after = Counter(p.read_bytes() for p in site.pending.iterdir())
    assert after == before  # every original byte string present exactly once
    assert list(site.retry.iterdir()) == []
    winners = Counter(m for r in results for m, status in r if status == "resubmitted")
    assert len(winners) == N and set(winners.values()) == {1}
    others = {status for r in results for _m, status in r if status != "resubmitted"}
    assert others <= {"already processed", "already queued"}  # never "failed"


def test_concurrent_new_requests_write_one_request_per_machine(site: Site) -> None:
    results = _race(site, 3, "new")

    assert list(site.retry.iterdir()) == []
    names = sorted(p.name for p in site.pending.iterdir())
    assert names == [f"PC{i:05d}.ccr" for i in range(N)]  # no temporaries, no duplicates
    winners = Counter(m for r in results for m, status in r if status == "resubmitted")
    assert len(winners) == N and set(winners.values()) == {1}
