"""Resubmit failed client push requests: ccrretry.box → ccr.box, exactly once.

Two modes (:class:`ResubmitMode`):

* **Retry now** (``RETRY``, the default): the retry file itself goes back to ``ccr.box``,
  keeping its history and 7-day window, byte for byte.
* **Resubmit as new request** (``NEW``): a fresh CCR for that machine is written into
  ``ccr.box`` (Forced CCR per ``forced``) and the retry file is dropped.

Both, and :func:`undo`, follow the claim protocol of :mod:`ccrgui.core.claim`: the file is
first renamed to a private claim name in its own folder (one process wins, on every file
system; the site server ignores the name), then delivered (one no-clobber rename, or a
flushed temporary copy and a commit mark when the boxes are on different volumes or the
bytes change), then released. A process killed at any point leaves a claim the next
resubmit, undo or queue recovers. So two admins, two windows, a site server taking files
and ``kill -9`` together never lose a request and never deliver one twice
(tests/core/test_resubmit_stress.py proves it on one volume, across volumes, without
``RENAME_NOREPLACE`` and on a Samba share). Never ``shutil.move``, never an overwrite.

Rules, per file; every file gets a :class:`ResubmitOutcome` and the batch goes on:

* ``NAME.ccr`` already waiting in ``ccr.box`` (file names compared case-insensitively):
  the retry file is left where it is, status ``already queued``. Nothing is overwritten
  and no second copy is made.
* The source is gone (the site server, or another admin's resubmit, took it meanwhile):
  status ``already processed``, not an error.
* ``ccr.box`` unwritable, missing or the share offline, or ``ccrretry.box`` read-only:
  the file stays in the retry box, status ``failed`` with the reason.
* Two resubmits over the same files at once: the claim succeeds for exactly one of them;
  the other sees ``already processed`` (source gone) or ``already queued``.

Cancelling (``cancel()`` returning True) stops before the next file; the file being
moved is finished first. :func:`undo` moves a batch's files that still wait in ccr.box
back to ccrretry.box. Every outcome is written to the activity log, and so is every claim
recovered from a killed process (:attr:`BatchResult.recovered`).

The GUI calls :func:`resubmit` and :func:`undo` off its thread (they touch the share).

Why this module is long: this docstring is the spec, and the claim protocol, the two
modes and undo share its guarantees.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from .activity import ActivityEntry, ActivityLog, current_user
from .ccr import MAX_FILE_BYTES, CcrRecord, new_request, parse_bytes, serialize
from .claim import Claim, Recovered, deliver, give_back, recover, take
from .names import check_machine_name
from .queue import request_file_name
from .site import Site, explain_os_error

__all__ = [
    "BatchResult",
    "OutcomeKind",
    "ResubmitMode",
    "ResubmitOutcome",
    "ResubmitStatus",
    "recover_site",
    "resubmit",
    "select_by_machine",
    "undo",
]


class ResubmitStatus(StrEnum):
    """What happened to one request (the text a row shows)."""

    RESUBMITTED = "resubmitted"  # it is in ccr.box now
    ALREADY_PROCESSED = "already processed"  # the source was gone: someone took it
    ALREADY_QUEUED = "already queued"  # NAME.ccr already waits in ccr.box; left as it is
    FAILED = "failed"  # nothing moved; ``reason`` says why
    MOVED_BACK = "moved back"  # undo: back in ccrretry.box


class OutcomeKind(StrEnum):
    """How an outcome reads at a glance: done, done with a note, or not done."""

    OK = "ok"
    WARN = "warn"
    FAILED = "failed"


class ResubmitMode(StrEnum):
    """What a batch does; the values are the activity log's action names."""

    RETRY = "resubmit"  # the retry file goes back as it is
    NEW = "resubmit-new"  # a fresh request per machine
    UNDO = "undo"  # a batch's files back to the retry box
    RECOVER = "recover"  # a killed run's claim given back


ProgressFn = Callable[[int, int, "ResubmitOutcome"], None]
CancelledFn = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class ResubmitOutcome:
    """One request's result. ``source`` is where it was, ``destination`` where it went
    (or would have gone). ``original`` keeps a "new request" source's bytes for undo."""

    machine: str
    source: Path
    destination: Path | None
    status: ResubmitStatus
    reason: str = ""
    time: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    original: bytes | None = field(default=None, repr=False, compare=False)
    # (size, mtime_ns) of the file this batch put in ccr.box: undo leaves a different
    # request alone (the site server took ours and a colleague queued the same name)
    stamp: tuple[int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """The request is where the user asked for it (moved, or already there)."""
        return self.status != ResubmitStatus.FAILED

    @property
    def label(self) -> str:
        """What a table row shows: ``resubmitted 14:02`` or the reason it did not."""
        if self.status == ResubmitStatus.FAILED:
            return f"failed: {self.reason}"
        return f"{self.status} {self.time:%H:%M}"

    @property
    def kind(self) -> OutcomeKind:
        """FAILED; WARN when it is done with a note (already queued, or a reason); OK."""
        if self.status == ResubmitStatus.FAILED:
            return OutcomeKind.FAILED
        if self.status == ResubmitStatus.ALREADY_QUEUED or self.reason:
            return OutcomeKind.WARN
        return OutcomeKind.OK

    def details(self) -> list[str]:
        """The whole story, a line each: what happened when, why, and where it is now."""
        lines = [f"{self.status} at {self.time:%Y-%m-%d %H:%M:%S}"]
        if self.reason:
            lines.append(self.reason)
        if self.destination is not None and self.status in (
            ResubmitStatus.RESUBMITTED,
            ResubmitStatus.MOVED_BACK,
        ):
            lines.append(f"Now: {self.destination}")
        return lines


@dataclass(slots=True)
class BatchResult:
    """A batch's outcomes, in the order given; keep it to :func:`undo` the batch."""

    site: Site
    mode: ResubmitMode
    outcomes: list[ResubmitOutcome] = field(default_factory=list)
    cancelled: bool = False
    not_started: list[Path] = field(default_factory=list)  # left untouched by a cancel
    log_error: str | None = None  # the activity log could not be written
    recovered: list[Recovered] = field(default_factory=list)  # claims of killed runs

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def succeeded(self) -> int:
        """Requests now in ccr.box because of this batch (moved back, for an undo)."""
        return self.count(ResubmitStatus.RESUBMITTED) + self.count(ResubmitStatus.MOVED_BACK)

    @property
    def failed(self) -> int:
        return self.count(ResubmitStatus.FAILED)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.cancelled

    def summary(self) -> str:
        """One sentence for a status bar or dialog, e.g. ``3 resubmitted, 1 failed``."""
        counts = Counter(o.status for o in self.outcomes)
        order = [
            ResubmitStatus.RESUBMITTED,
            ResubmitStatus.MOVED_BACK,
            ResubmitStatus.ALREADY_QUEUED,
            ResubmitStatus.ALREADY_PROCESSED,
            ResubmitStatus.FAILED,
        ]
        parts = [f"{counts[s]} {s}" for s in order if counts[s]]
        if self.cancelled:
            parts.append(f"cancelled, {len(self.not_started)} not started")
        return ", ".join(parts) or "nothing to do"


# --------------------------------------------------------------------------- resubmit


def resubmit(
    site: Site,
    paths_or_records: Iterable[str | os.PathLike[str] | CcrRecord],
    *,
    mode: ResubmitMode = ResubmitMode.RETRY,
    forced: bool = True,
    progress: ProgressFn | None = None,
    cancel: CancelledFn | None = None,
) -> BatchResult:
    """Move each retry-box request back into ``site.pending`` (see the module doc).

    ``paths_or_records``: files in ``site.retry``, as paths or as parsed records.
    ``mode``: RETRY (default: move the file as it is) or NEW (write a fresh request per
    machine, Forced CCR per ``forced``). ``progress(done, total, outcome)`` is called
    after each file; ``cancel()`` before each one. Never raises for a file's problem;
    each file gets an outcome. ValueError for another ``mode``.
    """
    if mode not in (ResubmitMode.RETRY, ResubmitMode.NEW):
        raise ValueError(f"unknown resubmit mode {mode!r}: use ResubmitMode.RETRY or NEW")
    mode = ResubmitMode(mode)
    new = mode == ResubmitMode.NEW
    cancelled = cancel
    items = [_as_item(x) for x in paths_or_records]
    result = BatchResult(site, mode)
    user = current_user()
    retry_box = _norm(site.retry)
    with ActivityLog() as log:
        result.recovered = _recover(site, log, user)
        pending_names = _names_in(site.pending)
        for i, (source, record) in enumerate(items):
            if cancelled is not None and cancelled():
                result.cancelled = True
                result.not_started = [s for s, _r in items[i:]]
                break
            if _norm(source.parent) != retry_box:
                outcome = _not_in_retry(site, source, _machine_hint(source, record))
            elif new:
                outcome = _resubmit_new(site, source, record, pending_names, forced)
            else:
                outcome = _retry_now(site, source, record, pending_names)
            result.outcomes.append(outcome)
            log.write(_entry(result.mode, site, outcome, user))
            if progress is not None:
                progress(i + 1, len(items), outcome)
    result.log_error = log.error
    return result


def _as_item(x: str | os.PathLike[str] | CcrRecord) -> tuple[Path, CcrRecord | None]:
    if isinstance(x, CcrRecord):
        return Path(x.file), x
    return Path(x), None


def _names_in(box: Path) -> set[str] | None:
    """File names in ``box``, case-folded; None when it cannot be listed (the move then
    reports the real error)."""
    try:
        with os.scandir(box) as it:
            return {e.name.casefold() for e in it}
    except OSError:
        return None


def _machine_hint(source: Path, record: CcrRecord | None) -> str:
    if record is not None and record.machine_name:
        return record.machine_name
    return source.stem


def _norm(folder: Path) -> str:
    return os.path.normcase(os.path.abspath(folder))


def _not_in_retry(site: Site, source: Path, machine: str) -> ResubmitOutcome:
    return ResubmitOutcome(
        machine,
        source,
        None,
        ResubmitStatus.FAILED,
        f"{source} is not in this site's retry box ({site.retry}); left as it is.",
    )


def _gone(machine: str, source: Path, destination: Path | None) -> ResubmitOutcome:
    return ResubmitOutcome(
        machine,
        source,
        destination,
        ResubmitStatus.ALREADY_PROCESSED,
        f"{source.name} is no longer in ccrretry.box: the site server (or another "
        "resubmit) took it meanwhile.",
    )


def _queued(machine: str, source: Path, destination: Path, kept: str = "") -> ResubmitOutcome:
    if kept:  # it could not go back: say where it is
        return ResubmitOutcome(
            machine,
            source,
            destination,
            ResubmitStatus.FAILED,
            f"{destination.name} is already waiting in ccr.box." + kept,
        )
    return ResubmitOutcome(
        machine,
        source,
        destination,
        ResubmitStatus.ALREADY_QUEUED,
        f"{destination.name} is already waiting in ccr.box; {source.name} was left in "
        "ccrretry.box.",
    )


def _recover(site: Site, log: ActivityLog, user: str) -> list[Recovered]:
    found = recover(site.retry, site.pending)
    for r in found:
        log.write(
            ActivityEntry(
                time=datetime.now().replace(microsecond=0),
                user=user,
                site=site.name,
                site_root=str(site.root),
                action=ResubmitMode.RECOVER,
                machine=Path(r.name).stem,
                source=str(r.box / r.name),
                destination="",
                result=f"claim of a stopped run: {r.result}",
            )
        )
    return found


def recover_site(site: Site) -> list[Recovered]:
    """Finish or undo the claims left by killed runs on ``site`` (see :mod:`claim`) and
    log them; what every resubmit and undo does first."""
    with ActivityLog() as log:
        return _recover(site, log, current_user())


def _claim(machine: str, source: Path, destination: Path | None) -> Claim | ResubmitOutcome:
    """Step 1 of the protocol, or the outcome when the file cannot be claimed."""
    try:
        return take(source)
    except FileNotFoundError:
        return _gone(machine, source, destination)
    except OSError as exc:
        reason = explain_os_error(exc, f"move {source.name} out of {source.parent}")
        return ResubmitOutcome(machine, source, destination, ResubmitStatus.FAILED, reason)


def _give_back_reason(claim: Claim) -> str:
    """Put the claim back; "" when it is back, else why it stays under its claim name."""
    try:
        give_back(claim)
    except OSError as exc:
        return (
            f" The request is kept as {claim.path.name} in {claim.path.parent} "
            f"({exc.strerror or exc}); the next run puts it back."
        )
    return ""


def _retry_now(
    site: Site, source: Path, record: CcrRecord | None, pending_names: set[str] | None
) -> ResubmitOutcome:
    machine = _machine_hint(source, record)
    destination = site.pending / source.name
    if pending_names is not None and source.name.casefold() in pending_names:
        if not os.path.lexists(source):  # another resubmit moved it there meanwhile
            return _gone(machine, source, destination)
        return _queued(machine, source, destination)
    claim = _claim(machine, source, destination)
    if isinstance(claim, ResubmitOutcome):
        return claim
    try:
        deliver(claim, destination)
    except OSError as exc:
        kept = _give_back_reason(claim)
        if isinstance(exc, FileExistsError):
            return _queued(machine, source, destination, kept)
        return _move_failed(machine, source, destination, exc, kept)
    if pending_names is not None:
        pending_names.add(source.name.casefold())
    return ResubmitOutcome(
        machine, source, destination, ResubmitStatus.RESUBMITTED, stamp=_stamp(destination)
    )


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _not_ours(done: ResubmitOutcome, src: Path) -> bool:
    """``src`` in ccr.box is no longer the file this batch put there."""
    if done.stamp is None:
        return False
    now = _stamp(src)
    return now is not None and now != done.stamp


def _move_failed(
    machine: str, source: Path, destination: Path, exc: OSError, kept: str = ""
) -> ResubmitOutcome:
    reason = explain_os_error(exc, f"move {source.name} into {destination.parent}") + kept
    return ResubmitOutcome(machine, source, destination, ResubmitStatus.FAILED, reason)


def _resubmit_new(
    site: Site,
    source: Path,
    record: CcrRecord | None,
    pending_names: set[str] | None,
    forced: bool,
) -> ResubmitOutcome:
    hint = _machine_hint(source, record)
    claim = _claim(hint, source, None)
    if isinstance(claim, ResubmitOutcome):
        return claim
    try:
        original = claim.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = explain_os_error(exc, f"read {source.name}") + _give_back_reason(claim)
        return ResubmitOutcome(hint, source, None, ResubmitStatus.FAILED, reason)
    machine = parse_bytes(original, str(source)).machine_name
    rule = check_machine_name(machine) if machine else "the file has no Machine Name"
    if machine is None or rule is not None:
        reason = f"Cannot write a new request for {source.name}: {rule}"
        reason += _give_back_reason(claim)
        return ResubmitOutcome(machine or hint, source, None, ResubmitStatus.FAILED, reason)
    name = request_file_name(machine)
    destination = site.pending / name
    if pending_names is not None and name.casefold() in pending_names:
        return _queued(machine, source, destination, _give_back_reason(claim))
    try:
        deliver(claim, destination, serialize(new_request(machine, forced=forced)))
    except OSError as exc:
        kept = _give_back_reason(claim)
        if isinstance(exc, FileExistsError):
            return _queued(machine, source, destination, kept)
        reason = explain_os_error(exc, f"write {name} into {site.pending}") + kept
        return ResubmitOutcome(machine, source, destination, ResubmitStatus.FAILED, reason)
    if pending_names is not None:
        pending_names.add(name.casefold())
    return ResubmitOutcome(
        machine,
        source,
        destination,
        ResubmitStatus.RESUBMITTED,
        original=original,
        stamp=_stamp(destination),
    )


# --------------------------------------------------------------------------- undo


def undo(
    batch: BatchResult,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelledFn | None = None,
) -> BatchResult:
    """Move the batch's requests that still wait in ccr.box back to ccrretry.box.

    ``cancel()`` is asked before each file.

    Retry-now requests are renamed back (no clobber). For "new request" batches the new
    file is taken out of ccr.box and the original retry file is restored byte for byte.
    A request the site server already took is reported ``already processed``; a file
    that would overwrite one in the retry box stays in ccr.box, ``failed``.
    """
    site = batch.site
    todo = [o for o in batch.outcomes if o.status == ResubmitStatus.RESUBMITTED]
    result = BatchResult(site, ResubmitMode.UNDO)
    user = current_user()
    cancelled = cancel
    with ActivityLog() as log:
        result.recovered = _recover(site, log, user)
        for i, done in enumerate(todo):
            if cancelled is not None and cancelled():
                result.cancelled = True
                result.not_started = [o.destination for o in todo[i:] if o.destination]
                break
            outcome = _undo_one(done)
            result.outcomes.append(outcome)
            log.write(_entry(ResubmitMode.UNDO, site, outcome, user))
            if progress is not None:
                progress(i + 1, len(todo), outcome)
    result.log_error = log.error
    return result


def _taken(machine: str, source: Path, destination: Path) -> ResubmitOutcome:
    return ResubmitOutcome(
        machine,
        source,
        destination,
        ResubmitStatus.ALREADY_PROCESSED,
        f"{source.name} is no longer waiting in ccr.box: the site server already took it.",
    )


def _replaced(done: ResubmitOutcome, src: Path, dst: Path) -> ResubmitOutcome:
    return ResubmitOutcome(
        done.machine,
        src,
        dst,
        ResubmitStatus.ALREADY_PROCESSED,
        f"The site server already took the request; the {src.name} now in ccr.box is a "
        "newer one (queued since) and was left alone.",
    )


def _undo_one(done: ResubmitOutcome) -> ResubmitOutcome:
    """Claim our request in ccr.box, deliver it (or, for a new request, the original
    retry file's bytes) back to ccrretry.box, release."""
    assert done.destination is not None
    src, dst = done.destination, done.source  # back the way it came
    if _not_ours(done, src):
        return _replaced(done, src, dst)
    try:
        claim = take(src)
    except FileNotFoundError:
        return _taken(done.machine, src, dst)
    except OSError as exc:
        reason = explain_os_error(exc, f"move {src.name} out of {src.parent}")
        return ResubmitOutcome(done.machine, src, dst, ResubmitStatus.FAILED, reason)
    try:
        deliver(claim, dst, done.original)
    except OSError as exc:
        kept = _give_back_reason(claim)
        if isinstance(exc, FileExistsError):
            reason = f"{dst.name} is in ccrretry.box again; the request was left in ccr.box."
        else:
            reason = explain_os_error(exc, f"move {src.name} back into {dst.parent}")
        return ResubmitOutcome(done.machine, src, dst, ResubmitStatus.FAILED, reason + kept)
    return ResubmitOutcome(done.machine, src, dst, ResubmitStatus.MOVED_BACK)


# --------------------------------------------------------------------------- helpers


def _entry(action: ResubmitMode, site: Site, o: ResubmitOutcome, user: str) -> ActivityEntry:
    return ActivityEntry(
        time=o.time,
        user=user,
        site=site.name,
        site_root=str(site.root),
        action=str(action),
        machine=o.machine,
        source=str(o.source),
        destination="" if o.destination is None else str(o.destination),
        result=o.status + (f": {o.reason}" if o.reason else ""),
    )


def select_by_machine(records: Sequence[CcrRecord], name: str) -> list[CcrRecord]:
    """Records whose Machine Name, or file name without ``.ccr``, is ``name``
    (case-insensitive): ``2097152456.ccr`` holding ``Machine Name=PC1`` matches ``PC1``."""
    want = name.strip().casefold()
    return [
        r
        for r in records
        if (r.machine_name or "").casefold() == want or Path(r.file).stem.casefold() == want
    ]
