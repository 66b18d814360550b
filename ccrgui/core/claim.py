"""Claims: how one request moves between a site's two boxes exactly once, on every file
system, whoever runs at the same time and whenever a process is killed.

The protocol, for a request ``A/X`` going to ``B/Y`` (A, B = ccrretry.box and ccr.box, in
either direction; Y = X for a resubmit, the machine's name for a new request):

1. **Claim.** Rename ``A/X`` to ``A/.X.<base>.<owner>.claim``. A plain rename of one name
   to a fresh, unique one: on a local disk, NFS or SMB, with or without
   ``RENAME_NOREPLACE``, exactly one of the processes renaming the same file succeeds;
   every other one gets "not found" (the request was taken: *already processed*). The
   site server reads only ``*.ccr`` and ignores the claim, and so does our scanner.
2. **Deliver.**

   a. Same volume, bytes unchanged: one no-clobber rename of the claim to ``B/Y``
      (:func:`safefs.rename_no_clobber`). It happened or it did not.
   b. Otherwise (another volume, or new bytes for a new request or an undo): write
      ``B/.Y.<base>.<owner>.tmp`` and flush it; rename the claim to ``….sent`` (the
      commit mark); no-clobber rename the temporary file to ``B/Y``; delete the
      ``.sent`` file.

   ``B/Y`` exists already (*already queued*) or B refuses the file: the ``.sent`` file
   goes back to ``.claim``, the temporary file is deleted, and the claim is renamed
   back to ``A/X``: the request is where it was.
3. **Release.** Nothing private is left behind.

``<base>`` (16 hex digits) ties a claim to its temporary copy; ``<owner>`` names the
process (host hash, pid, process start time) and when it took the file.

**Recovery** (:func:`recover`, run at the start of every resubmit, undo and queue): a
claim whose owner is gone (:func:`safefs.owner_gone`: on this machine its process has
ended; from another machine, after :data:`safefs.STALE_SECONDS`) is first re-claimed (a
rename to our own owner: one recoverer wins), then:

* ``.claim``: nothing was delivered (2a is one rename; in 2b the mark comes before the
  final rename). Temporary copies with its base are deleted and it goes back to ``A/X``.
* ``.sent`` with its temporary copy still in B: the delivery is finished (or, when
  ``B/Y`` exists meanwhile, undone as above).
* ``.sent`` without a temporary copy: it was delivered; the ``.sent`` file is deleted.

Every state a kill can leave therefore has one meaning, and the request ends in exactly
one place: never lost, never delivered twice. Stale temporary files of writers that are
gone (``ccr new`` killed mid-write) are deleted at the same time, except those a claim
still needs. A claim that cannot go back because ``A/X`` exists again (the site server
wrote a newer retry file meanwhile) is left as it is and reported.
"""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from .safefs import (
    LOCK_SUFFIX,
    Owner,
    break_stale_lock,
    new_base,
    owner_gone,
    parse_private_name,
    private_name,
    remove_stale_temps,
    rename_no_clobber,
    write_temp_file,
)

__all__ = ["Claim", "Recovered", "deliver", "give_back", "recover", "same_volume", "take"]


@dataclass(slots=True)
class Claim:
    """A request this process holds: ``path`` is the claim file, ``origin`` where it was."""

    path: Path
    origin: Path
    base: str

    def read(self, limit: int) -> bytes:
        with open(self.path, "rb") as fh:
            return fh.read(limit)


def take(source: Path) -> Claim:
    """Claim ``source`` (step 1). FileNotFoundError when another process (or the site
    server) took it first; other OSError when its folder refuses the rename."""
    base = new_base()
    path = source.parent / private_name(source.name, base, Owner.me(), "claim")
    os.rename(source, path)  # a fresh unique name: nothing can be overwritten
    return Claim(path, source, base)


def give_back(claim: Claim) -> None:
    """Put a claimed request back where it was. FileExistsError when the name is taken
    again (the claim file then stays, and :func:`recover` tries again later)."""
    rename_no_clobber(claim.path, claim.origin)


def same_volume(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def deliver(claim: Claim, destination: Path, data: bytes | None = None) -> None:
    """Step 2: the claimed request becomes ``destination``, or stays claimed.

    ``data`` None moves the file as it is (one rename on the same volume, a copy
    otherwise); bytes replace it (a new request, or an undo's original). On any error
    (FileExistsError: the name is taken) the request is back under its claim name and
    the error is raised; the caller gives it back.
    """
    if data is None:
        try:
            rename_no_clobber(claim.path, destination)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
        with open(claim.path, "rb") as fh:
            data = fh.read()
    tmp = write_temp_file(destination.parent, destination.name, data, claim.base)
    sent = claim.path.with_name(private_name(claim.origin.name, claim.base, Owner.me(), "sent"))
    try:
        os.rename(claim.path, sent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        rename_no_clobber(tmp, destination)
    except BaseException:
        os.rename(sent, claim.path)  # back to "not delivered" before the copy goes
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(FileNotFoundError):
        os.unlink(sent)


# --------------------------------------------------------------------------- recovery


@dataclass(frozen=True, slots=True)
class Recovered:
    """A request a killed process had claimed, and where it is now."""

    name: str  # the request's file name, e.g. PC1.ccr
    box: Path  # the box it was claimed in
    result: str  # "put back", "delivered", "already delivered", or why it stays


def _private_files(box: Path) -> list[str]:
    try:
        with os.scandir(box) as it:
            return [e.name for e in it if e.name.startswith(".")]
    except OSError:
        return []


def recover(retry_box: Path, pending_box: Path) -> list[Recovered]:
    """Finish or undo every claim left by a process that is gone, in both boxes, then
    delete stale temporary files no claim needs. Never raises."""
    found: list[Recovered] = []
    listing = {retry_box: _private_files(retry_box), pending_box: _private_files(pending_box)}
    for box, other in ((retry_box, pending_box), (pending_box, retry_box)):
        for name in listing[box]:
            parsed = parse_private_name(name)
            if parsed is None or parsed.state not in ("claim", "sent"):
                continue
            if not owner_gone(parsed.owner):
                continue
            try:
                outcome = _recover_one(box, other, name, parsed.name, parsed.base, parsed.state)
            except OSError as exc:
                outcome = f"left as {name}: {exc.strerror or exc}"
            if outcome:
                found.append(Recovered(parsed.name, box, outcome))
    keep = set()
    for box in (retry_box, pending_box):
        for name in _private_files(box):
            parsed = parse_private_name(name)
            if parsed is not None and parsed.state in ("claim", "sent"):
                keep.add(parsed.base)
    for box in (retry_box, pending_box):
        remove_stale_temps(box, keep)
        for name in listing[box]:
            if name.endswith(LOCK_SUFFIX):
                break_stale_lock(box / name)
    return found


def _temps_of(box: Path, base: str) -> list[str]:
    out = []
    for name in _private_files(box):
        parsed = parse_private_name(name)
        if parsed is not None and parsed.state == "tmp" and parsed.base == base:
            out.append(name)
    return out


def _recover_one(box: Path, other: Path, file_name: str, name: str, base: str, state: str) -> str:
    me = Owner.me()
    mine = box / private_name(name, base, me, state)
    try:
        os.rename(box / file_name, mine)  # re-claim: one recoverer wins
    except FileNotFoundError:
        return ""
    claim = Claim(box / private_name(name, base, me, "claim"), box / name, base)
    temps = _temps_of(other, base)
    if state == "sent":
        if not temps:
            os.unlink(mine)  # the final rename happened: it was delivered
            return "already delivered"
        tmp = other / temps[0]
        final_name = parse_private_name(temps[0])
        assert final_name is not None
        try:
            rename_no_clobber(tmp, other / final_name.name)
        except FileExistsError:
            os.rename(mine, claim.path)
        else:
            os.unlink(mine)
            return f"delivered to {other.name}"
    for t in temps:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(other / t)
    try:
        give_back(claim)
    except FileExistsError:
        return f"left as {claim.path.name}: {name} exists again in {box.name}"
    return f"put back into {box.name}"
