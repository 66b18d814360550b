"""Exactly once, under load: several ``ccr resubmit --all`` (some ``--new``) at once, a
simulated site server emptying ccr.box all the while, and ``kill -9`` at random moments.

After each round, and the next run's recovery of what a killed process left, every
machine is in exactly one place: the retry box, ccr.box, or taken by the server. Never
in none (lost), never in two (doubled, or taken twice). Run on one volume, across two
volumes (ccr.box on a tmpfs), with the no-``RENAME_NOREPLACE`` fallback forced, and on a
real Samba share. Bounded: every process has a timeout; the whole file takes well under
a minute on two cores. The figures each run prints are the ones the README quotes.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core.resubmit import resubmit
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.site import Site, open_site
from tests.smbshare import SambaShare

WORKER_TIMEOUT = 60.0

# A worker is ``ccr resubmit --all [--new]``'s core call: it lists the retry box, waits at
# the gate with the others (so their batches overlap, as the reproduction did),
# then resubmits; odd workers go backwards to cross the others.
WORKER = """
import os, sys, time
from ccrgui.core.resubmit import ResubmitMode, resubmit
from ccrgui.core.scan import list_request_files
from ccrgui.core.site import open_site
root, gate, index, new = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "new"
site = open_site(root)
paths = list_request_files(site.retry)
if index % 2:
    paths.reverse()
open(f"{gate}.ready.{index}", "w").close()
while not os.path.exists(gate):
    time.sleep(0.0005)
resubmit(site, paths, mode=ResubmitMode.NEW if new else ResubmitMode.RETRY)
"""


class Server:
    """The site server's part: takes every ``*.ccr`` out of ccr.box as soon as it shows,
    recording each machine it took (by rename into a folder of its own, as the real one
    processes and deletes the file)."""

    def __init__(self, pending: Path, taken_dir: Path) -> None:
        self.pending, self.taken_dir = pending, taken_dir
        self.taken: Counter[str] = Counter()
        self._stop = threading.Event()
        self._n = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                names = os.listdir(self.pending)
            except OSError:
                names = []
            for name in names:
                if name.startswith(".") or not name.endswith(".ccr"):
                    continue  # temporaries and claims are not requests
                self._n += 1
                with contextlib.suppress(FileNotFoundError):
                    os.rename(self.pending / name, self.taken_dir / f"{name}.{self._n}")
                    self.taken[name[:-4]] += 1
            time.sleep(0.002)


@dataclass
class Tally:
    processes: int = 0
    rounds: int = 0
    files: int = 0
    kills: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # temporaries, claims, locks

    def line(self, where: str) -> str:
        return (
            f"{where}: {self.processes} processes x {self.rounds} rounds x {self.files} files, "
            f"{self.kills} kill -9, {len(self.lost)} lost, {len(self.doubled)} doubled"
        )


def _requests(folder: Path) -> list[str]:
    return [n[:-4] for n in os.listdir(folder) if n.endswith(".ccr") and not n.startswith(".")]


def _stress(
    site: Site,
    server_pending: Path,
    taken_dir: Path,
    *,
    processes: int,
    rounds: int,
    files: int,
    seed: int,
    env: dict[str, str] | None = None,
    where: str,
) -> Tally:
    rng = random.Random(seed)
    tally = Tally(processes, rounds, files)
    run_env = dict(os.environ, **(env or {}))
    for rnd in range(rounds):
        machines = [f"R{rnd:02d}M{i:04d}" for i in range(files)]
        for m in machines:
            data = demo_retry_request(m, "CORP", "10.0.0.1", 53, 3, datetime(2026, 1, 5))
            (site.retry / f"{m}.ccr").write_bytes(data)
        gate = taken_dir.parent / f"gate-{where.replace(' ', '_')}-{rnd}"
        with Server(server_pending, taken_dir) as server:
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        WORKER,
                        str(site.root),
                        str(gate),
                        str(i),
                        "new" if rng.random() < 0.5 else "retry",
                    ],
                    env=run_env,
                    cwd=taken_dir.parent,  # the ccrgui on PYTHONPATH, not the cwd's
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                for i in range(processes)
            ]
            deadline = time.monotonic() + WORKER_TIMEOUT
            while len(list(gate.parent.glob(gate.name + ".ready.*"))) < processes:
                assert time.monotonic() < deadline, "workers did not start"
                assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
                time.sleep(0.01)
            gate.write_text("")
            victims = rng.sample(procs, k=rng.randint(1, max(1, processes // 2)))
            for victim in sorted(victims, key=lambda _p: rng.random()):
                time.sleep(rng.uniform(0.0, 0.1))
                victim.send_signal(signal.SIGKILL)
            for p in procs:
                _out, err = p.communicate(timeout=WORKER_TIMEOUT)
                if p.returncode == -signal.SIGKILL:
                    tally.kills += 1
                else:
                    assert p.returncode == 0, err.decode(errors="replace")
            # the next run: recovers what the killed ones had claimed, and moves the rest
            resubmit(site, [])
            deadline = time.monotonic() + 30
            while _requests(server_pending) and time.monotonic() < deadline:
                time.sleep(0.01)  # let the server take what is queued
        counts = Counter(_requests(site.retry)) + Counter(_requests(server_pending))
        counts += server.taken
        tally.lost += [m for m in machines if counts[m] == 0]
        tally.doubled += [m for m in machines if counts[m] > 1]
        leftovers = [n for box in (site.retry, site.pending) for n in os.listdir(box)]
        leftovers = [n for n in leftovers if n.startswith(".")]
        tally.leftovers += leftovers
        for m in machines:  # start the next round from a clean retry box
            with contextlib.suppress(FileNotFoundError):
                (site.retry / f"{m}.ccr").unlink()
    print(tally.line(where))
    return tally


def _check(tally: Tally, where: str) -> None:
    assert tally.kills >= tally.rounds // 2, f"{where}: too few kills to mean anything"
    assert tally.lost == [], f"{where}: lost {tally.lost[:10]}"
    assert tally.doubled == [], f"{where}: doubled {tally.doubled[:10]}"
    assert tally.leftovers == [], f"{where}: private files left: {tally.leftovers[:10]}"


def _local_site(root: Path) -> Site:
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    return open_site(root)


def test_same_volume(tmp_path: Path) -> None:
    site = _local_site(tmp_path / "inboxes")
    taken = tmp_path / "taken"
    taken.mkdir()
    tally = _stress(
        site,
        site.pending,
        taken,
        processes=4,
        rounds=6,
        files=150,
        seed=9001,
        where="one volume",
    )
    _check(tally, "one volume")


def test_without_rename_noreplace(tmp_path: Path) -> None:
    """The fallback of file systems without ``RENAME_NOREPLACE`` (NFS, SMB mounts,
    macOS): a name lock, a check and one plain rename."""
    site = _local_site(tmp_path / "inboxes")
    taken = tmp_path / "taken"
    taken.mkdir()
    tally = _stress(
        site,
        site.pending,
        taken,
        processes=4,
        rounds=6,
        files=150,
        seed=9002,
        env={"CCRGUI_NO_RENAME_NOREPLACE": "1"},
        where="no RENAME_NOREPLACE",
    )
    _check(tally, "no RENAME_NOREPLACE")


@pytest.fixture
def second_volume(tmp_path: Path) -> Iterator[Path]:
    """A folder on another file system than tmp_path (/dev/shm is a tmpfs here)."""
    other = Path("/dev/shm") / f"ccrgui-stress-{os.getpid()}-{tmp_path.name}"
    other.mkdir(parents=True)
    try:
        assert os.stat(other).st_dev != os.stat(tmp_path).st_dev, "need two volumes"
        yield other
    finally:
        shutil.rmtree(other)


def test_across_volumes(tmp_path: Path, second_volume: Path) -> None:
    """ccr.box on another volume than ccrretry.box (a junction or DFS link on a site):
    every move is a copy, a commit mark and a rename."""
    root = tmp_path / "inboxes"
    root.mkdir()
    (root / "ccrretry.box").mkdir()
    (second_volume / "ccr.box").mkdir()
    (root / "ccr.box").symlink_to(second_volume / "ccr.box")
    site = open_site(root)
    taken = second_volume / "taken"
    taken.mkdir()
    tally = _stress(
        site,
        second_volume / "ccr.box",
        taken,
        processes=4,
        rounds=6,
        files=150,
        seed=9003,
        where="across volumes",
    )
    _check(tally, "across volumes")


@pytest.mark.samba
def test_on_a_samba_share(smb_site: SambaShare) -> None:
    """Clients through SMB, the server on its own disk, as on a real site."""
    on_server = smb_site.server_root / "inboxes"
    taken = smb_site.base / "taken"
    taken.mkdir(exist_ok=True)
    site = open_site(smb_site.client_root)
    tally = _stress(
        site,
        on_server / "ccr.box",
        taken,
        processes=3,
        rounds=4,
        files=60,
        seed=9004,
        where="Samba share",
    )
    _check(tally, "Samba share")
