"""A resubmitting process killed (SIGKILL) in the middle of a batch loses nothing, and
after the next run (which recovers its claims) nothing is doubled either."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core.resubmit import recover_site
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.site import Site, open_site

N = 200


@pytest.fixture
def site(tmp_path: Path) -> Site:
    (tmp_path / "ccr.box").mkdir()
    (tmp_path / "ccrretry.box").mkdir()
    site = open_site(tmp_path)
    for i in range(N):
        data = demo_retry_request(f"PC{i:04d}", "CORP", "10.0.0.1", 53, i, datetime(2026, 1, 5))
        (site.retry / f"PC{i:04d}.ccr").write_bytes(data)
    return site


def _contents(folder: Path) -> Counter[bytes]:
    return Counter(p.read_bytes() for p in folder.iterdir())


def _run_and_get_killed(site: Site, body: str) -> None:
    script = textwrap.dedent(
        """
        import os, signal, sys
        from ccrgui.core.scan import list_request_files
        from ccrgui.core.site import open_site
        from ccrgui.core.resubmit import ResubmitMode, resubmit
        import ccrgui.core.claim as claim
        site = open_site(sys.argv[1])
        def die():
            os.kill(os.getpid(), signal.SIGKILL)
        """
    ) + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script, str(site.root)], capture_output=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


def test_killed_during_retry_now_every_request_is_in_exactly_one_box(site: Site) -> None:
    before = _contents(site.retry)
    _run_and_get_killed(
        site,
        """
        def progress(done, total, outcome):
            if done == 77:
                die()
        resubmit(site, list_request_files(site.retry), progress=progress)
        """,
    )
    retry, pending = _contents(site.retry), _contents(site.pending)
    assert sum(pending.values()) == 77  # really stopped half-way
    assert retry + pending == before  # every original byte string, exactly once
    assert not (set(retry) & set(pending))
    assert all(p.name.endswith(".ccr") for p in [*site.retry.iterdir(), *site.pending.iterdir()])


def test_killed_inside_a_rename_call_loses_nothing(site: Site) -> None:
    before = _contents(site.retry)
    _run_and_get_killed(
        site,
        """
        real = claim.rename_no_clobber
        count = 0
        def rename_then_die(src, dst):
            global count
            count += 1
            real(src, dst)
            if count == 120:
                die()  # after the rename, before the outcome is recorded
        claim.rename_no_clobber = rename_then_die  # the delivering rename
        resubmit(site, list_request_files(site.retry))
        """,
    )
    retry, pending = _contents(site.retry), _contents(site.pending)
    assert sum(pending.values()) == 120
    assert retry + pending == before


def test_killed_during_new_requests_leaves_neither_loss_nor_duplicate(site: Site) -> None:
    """Issue 9: killed after the new request was written and before the retry file was
    released. It used to leave the machine in both boxes; the claim's commit mark now
    tells the next run that it was delivered."""
    machines = {f"PC{i:04d}" for i in range(N)}
    _run_and_get_killed(
        site,
        """
        real_unlink = os.unlink
        count = 0
        def unlink_or_die(path):
            global count
            if str(path).endswith(".sent"):
                count += 1
                if count == 50:
                    die()  # the new request is in ccr.box, the old one not released
            real_unlink(path)
        claim.os.unlink = unlink_or_die
        resubmit(site, list_request_files(site.retry), mode=ResubmitMode.NEW)
        """,
    )
    retry = {p.stem for p in site.retry.iterdir() if not p.name.startswith(".")}
    pending = {p.stem for p in site.pending.iterdir()}
    assert retry | pending == machines  # no machine lost
    assert len(pending) == 50
    assert len([p for p in site.retry.iterdir() if p.name.endswith(".sent")]) == 1

    recovered = recover_site(site)  # what the next run does first

    assert [r.result for r in recovered] == ["already delivered"]
    retry = {p.stem for p in site.retry.iterdir()}
    assert retry | pending == machines
    assert retry & pending == set()  # and none doubled
    assert all(not p.name.startswith(".") for p in [*site.retry.iterdir(), *site.pending.iterdir()])


def test_killed_holding_a_claim_the_next_run_puts_it_back(site: Site) -> None:
    before = _contents(site.retry)
    _run_and_get_killed(
        site,
        """
        real = claim.deliver
        count = 0
        def deliver_or_die(c, dst, data=None):
            global count
            count += 1
            if count == 30:
                die()  # claimed, not delivered
            real(c, dst, data)
        import ccrgui.core.resubmit as r
        r.deliver = deliver_or_die
        resubmit(site, list_request_files(site.retry))
        """,
    )
    claims = [p.name for p in site.retry.iterdir() if p.name.startswith(".")]
    assert len(claims) == 1 and claims[0].startswith(".PC0029.ccr.")
    assert claims[0].endswith(".claim")

    recovered = recover_site(site)

    assert [(r.name, r.result) for r in recovered] == [("PC0029.ccr", "put back into ccrretry.box")]
    retry, pending = _contents(site.retry), _contents(site.pending)
    assert retry + pending == before
    assert sum(pending.values()) == 29


def test_killed_by_another_process_mid_cli_batch(site: Site) -> None:
    """A real ``ccr resubmit --all`` killed from outside at a random point."""
    before = _contents(site.retry)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccrgui.cli", "resubmit", "--all", "--site", str(site.root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while proc.poll() is None and not os.listdir(site.pending):
            pass  # kill as soon as the first request has moved
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    retry, pending = _contents(site.retry), _contents(site.pending)
    assert retry + pending == before


@pytest.mark.parametrize(
    ("mode", "step"),
    [("RETRY", "claimed"), ("NEW", "claimed"), ("NEW", "marked")],  # a move has no mark
)
def test_undo_killed_mid_way_leaves_every_machine_in_one_box(
    site: Site, mode: str, step: str
) -> None:
    """Undo follows the same claim rules. Killed after claiming a request in ccr.box
    ("claimed"), or after the original is back in the retry box and before the commit
    mark is removed ("marked"): the next run puts each machine in exactly one box."""
    machines = {f"PC{i:04d}" for i in range(N)}
    _run_and_get_killed(
        site,
        f"""
        from ccrgui.core.resubmit import undo
        batch = resubmit(site, list_request_files(site.retry), mode=ResubmitMode.{mode})
        real_deliver, real_unlink = claim.deliver, os.unlink
        count = 0
        def deliver_or_die(c, dst, data=None):
            global count
            count += 1
            if count == 40 and "{step}" == "claimed":
                die()  # claimed in ccr.box, not delivered back
            real_deliver(c, dst, data)
        def unlink_or_die(path):
            if str(path).endswith(".sent") and count == 40:
                die()  # the copy is back in ccrretry.box, the mark not yet removed
            real_unlink(path)
        import ccrgui.core.resubmit as r
        r.deliver = deliver_or_die
        claim.os.unlink = unlink_or_die
        undo(batch)
        """,
    )
    private = [p.name for p in [*site.retry.iterdir(), *site.pending.iterdir()]]
    (left,) = [n for n in private if n.startswith(".")]
    assert left.endswith(".claim" if step == "claimed" else ".sent")

    recover_site(site)

    retry = {p.stem for p in site.retry.iterdir()}
    pending = {p.stem for p in site.pending.iterdir()}
    assert retry | pending == machines  # none lost
    assert retry & pending == set()  # none doubled
    assert all(not n.startswith(".") for n in os.listdir(site.retry) + os.listdir(site.pending))
