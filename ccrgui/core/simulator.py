"""A simulated site server: Client Configuration Manager's handling of the two inboxes,
for the sandbox, demos and tests (DOMAIN.md, "The job").

What it does, as the real component does:

* **Pick-up.** Every ``*.ccr`` in ``ccr.box`` (never a temporary or claim name: those
  start with ``.`` or do not end in ``.ccr``) is renamed into ``ccr.box/Inproc``, then
  worked on: the machine's outcome comes from the rules (:mod:`simrules`). Installed: the
  request is deleted, and so is a retry file for that machine. Failed: the retry-box form
  (the request's sections plus ``Initial Request Date``, ``[IP Address ]``,
  ``[Resource Names ]`` and ``[Request Processing]``) is written to
  ``ccrretry.box/<MACHINE>.ccr``. A request moved back from the retry box keeps and
  increments its attempts; a new request for a machine already in retry updates that
  retry file (its first request date, the higher attempt count plus one).
* **Hourly retry passes** over ``ccrretry.box``: a request that has had 168 attempts or
  whose 7 days are over is deleted (and logged); every other one is tried again and
  updated where it is (an atomic replace, so a reader never sees it gone: a table keeps
  its row and selection), or deleted once installed. One simulated hour lasts
  ``hour_seconds``; so that what a reader shows (latest attempt, "expires in") stays true
  to the real clock, a pass moves the request's dates back by the simulated time that
  passed beyond the real time (``--advance``: a whole hour per pass).
* **ccm.log**: every attempt appends its trace lines to ``<inbox root>/../Logs/ccm.log``
  (:mod:`ccmtrace`), one worker thread id per request.

A file that is not a valid CCR (or whose machine name could not be a file name) goes to
``ccr.box/corrupt``. Requests left in ``Inproc`` by a stopped simulator are finished by the
next pass. Only one simulator works on a site at a time (a lock file in ``Inproc``).
Every write goes through :mod:`safefs`: new files appear complete, nothing is overwritten
but the retry file a pass updates (see :func:`_update_in_place`).
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from . import ccmtrace
from .ccmlog import default_log_path
from .ccr import MAX_FILE_BYTES, RETRY_WINDOW, CcrRecord, parse_bytes, serialize
from .names import check_machine_name
from .retryform import DATE, machine_ip, retry_document
from .safefs import TEMP_SUFFIX, rename_no_clobber, write_new_file, write_temp_file
from .scan import is_request_file
from .simrules import DEFAULT_RULES, Rules, signed_code
from .site import Site, find_child
from .sitelock import SiteBusy, SiteLock

__all__ = [
    "CORRUPT",
    "INPROC",
    "MAX_ATTEMPTS",
    "SimOutcome",
    "SiteBusy",
    "SiteSimulator",
    "ccm_log_path",
]

INPROC = "Inproc"
CORRUPT = "corrupt"
MAX_ATTEMPTS = 168
HOUR = timedelta(hours=1)

INSTALLED, FAILED, EXPIRED, BAD = "installed", "failed", "deleted", "bad request"
ERROR = "error"  # an I/O error; the request stays where it was


@dataclass(frozen=True, slots=True)
class SimOutcome:
    """What the simulator did with one request."""

    status: str  # installed, failed, deleted (expired), bad request, error
    machine: str
    file: str  # the request's file name as picked up
    code: int | None = None  # as written (signed)
    attempts: int = 0
    path: Path | None = None  # the retry file written, or where a bad request went
    detail: str = ""


def ccm_log_path(site: Site) -> Path:
    """``<inbox root>/../Logs/ccm.log``: where a site's ccm.log is when its settings do not
    say otherwise (``resolve.site_ccm_log`` gives the configured one)."""
    return default_log_path(site.root)


def _now() -> datetime:
    return datetime.now()


class SiteSimulator:
    """The simulated Client Configuration Manager for one site (see the module doc).

    Use as a context manager (it holds the site's simulator lock), or call
    :meth:`start` / :meth:`close`. Methods raise OSError only when a box cannot be listed;
    each request's own problems become its outcome.
    """

    def __init__(
        self,
        site: Site,
        rules: Rules = DEFAULT_RULES,
        *,
        hour_seconds: float = 60.0,
        clock: Callable[[], datetime] = _now,
        domain: str = "CORP",
        account: str = "CORP\\cm_push",
        log_path: Path | None = None,
    ) -> None:
        self.site = site
        self.rules = rules
        self.hour_seconds = hour_seconds
        self.clock = clock
        self.domain = domain
        self.account = account
        self.log_path = log_path or ccm_log_path(site)
        self._rng = random.Random()
        self.main_thread = self._thread_id()
        self.inproc = site.pending / INPROC
        self._lock = SiteLock(self.inproc / ".simulator.lock")
        self.log_error: str | None = None  # why the last ccm.log write failed
        self._last_logged = datetime.min  # ccm.log's times only go forward
        self._index: _RetryIndex | None = None  # machine -> retry file, for one pick-up

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SiteSimulator:
        """Take the site's lock (SiteBusy when another simulator has it)."""
        existing = find_child(self.site.pending, INPROC)
        if existing is not None:
            self.inproc = existing
            self._lock = SiteLock(existing / ".simulator.lock")
        self._lock.acquire()
        return self

    def close(self) -> None:
        self._lock.release()

    def __enter__(self) -> SiteSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        stop: threading.Event,
        report: Callable[[SimOutcome], None] | None = None,
        poll_seconds: float = 0.5,
    ) -> None:
        """Work until ``stop`` is set: pick up requests every ``poll_seconds``, a retry
        pass every ``hour_seconds``. The request being worked on is finished first."""
        aged = max(HOUR - timedelta(seconds=self.hour_seconds), timedelta())
        next_pass = self.clock() + timedelta(seconds=self.hour_seconds)
        while not stop.is_set():
            for outcome in self.pick_up(stop):
                if report is not None:
                    report(outcome)
            if stop.is_set():
                break
            if self.clock() >= next_pass:
                for outcome in self.retry_pass(aged, stop):
                    if report is not None:
                        report(outcome)
                self._log([f"Sleeping for {self.hour_seconds:g} seconds..."])
                next_pass = self.clock() + timedelta(seconds=self.hour_seconds)
            stop.wait(poll_seconds)

    # ------------------------------------------------------------------ passes

    def pick_up(self, stop: threading.Event | None = None) -> list[SimOutcome]:
        """Process what waits in ``ccr.box`` now (and anything left in ``Inproc``)."""
        self.inproc.mkdir(exist_ok=True)
        self._index = None  # the retry box is listed again, at the first request
        outcomes = [self._one(p, claim=False) for p in self._requests(self.inproc)]
        waiting = self._requests(self.site.pending)
        if waiting:
            self._log([ccmtrace.queue_count_line("Incoming", len(waiting))])
        for path in waiting:
            if stop is not None and stop.is_set():
                break
            outcomes.append(self._one(path))
        return [o for o in outcomes if o is not None]

    def retry_pass(
        self, aged: timedelta = HOUR, stop: threading.Event | None = None
    ) -> list[SimOutcome]:
        """One hourly pass over ``ccrretry.box``; the requests' dates move back ``aged``."""
        self.inproc.mkdir(exist_ok=True)
        waiting = self._requests(self.site.retry)
        self._log([ccmtrace.queue_count_line("Retry", len(waiting))])
        outcomes: list[SimOutcome] = []
        for path in waiting:
            if stop is not None and stop.is_set():
                break
            outcome = self._one(path, claim=False, aged=aged, retrying=True)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _one(
        self,
        path: Path,
        *,
        claim: bool = True,
        aged: timedelta = timedelta(),
        retrying: bool = False,
    ) -> SimOutcome | None:
        """Claim and process one request; an I/O error is its outcome, never an exception
        (the file stays where it was, or in Inproc for the next pass)."""
        try:
            claimed = self._claim(path) if claim else path
            if claimed is None:
                return None
            return self._process(claimed, aged=aged, retrying=retrying)
        except OSError as exc:
            detail = f"{exc.strerror or exc} ({exc.filename or path}); tried again next pass"
            return SimOutcome(ERROR, "", path.name, detail=detail)

    def advance(self, hours: int) -> list[SimOutcome]:
        """``hours`` retry passes at once, each as if a whole hour had passed."""
        outcomes: list[SimOutcome] = []
        for _ in range(hours):
            outcomes += self.retry_pass(HOUR)
        return outcomes

    # ------------------------------------------------------------------ one request

    def _requests(self, box: Path) -> list[Path]:
        with os.scandir(box) as it:
            found = [Path(e.path) for e in it if is_request_file(e.name) and e.is_file()]
        return sorted(found, key=lambda p: p.name.casefold())

    def _claim(self, path: Path) -> Path | None:
        """Rename ``path`` into Inproc; None when it is gone or one of that name waits."""
        target = self.inproc / path.name
        try:
            rename_no_clobber(path, target)
        except (FileNotFoundError, FileExistsError):
            return None  # taken meanwhile (a resubmit, an undo); or finish Inproc's first
        return target

    def _process(
        self, path: Path, *, aged: timedelta = timedelta(), retrying: bool = False
    ) -> SimOutcome | None:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return SimOutcome(BAD, "", path.name, detail=f"cannot read: {exc.strerror}")
        rec = parse_bytes(data, str(path))
        machine = rec.machine_name or ""
        rule = check_machine_name(machine) if machine else "no Machine Name"
        problem = rec.problem or rule
        if problem:
            return self._set_aside(path, problem)
        now = self.clock().replace(microsecond=0)
        initial = (rec.initial_request_date or now) - aged
        event = None if rec.error_event_created is None else rec.error_event_created - aged
        attempts = rec.attempts or 0
        existing = None if retrying else self._retry_file_for(machine)
        if existing is not None:
            initial = existing.initial_request_date or initial
            event = existing.error_event_created or event
            attempts = max(attempts, existing.attempts or 0)
        request_id = path.stem
        if retrying and (attempts >= MAX_ATTEMPTS or initial + RETRY_WINDOW <= now):
            self._log(
                ccmtrace.expired_lines(request_id, machine, attempts, initial.strftime(DATE)),
                worker=True,
            )
            _unlink(path)
            code = None if rec.last_error_code is None else signed_code(rec.last_error_code)
            return SimOutcome(EXPIRED, machine, path.name, code, attempts)
        attempts += 1
        code = self.rules.outcome(machine, attempts)
        if code is None:
            self._log(ccmtrace.installed_lines(request_id, machine, self.account), worker=True)
            if existing is not None:
                _unlink(Path(existing.file))
                if self._index is not None:
                    self._index.drop(machine)
            _unlink(path)
            return SimOutcome(INSTALLED, machine, path.name, None, attempts)
        ip = rec.ip_addresses[0] if rec.ip_addresses else machine_ip(machine)
        doc = retry_document(
            rec.document,
            machine,
            domain=rec.domain or self.domain,
            ip=ip,
            initial=initial,
            latest=now,
            event=event or now,
            code=code,
            attempts=attempts,
        )
        try:
            if retrying:  # updated where it is: its row never leaves the retry box
                written = _update_in_place(path, serialize(doc))
            else:  # a ResourceID-named request (2097152456.ccr) keeps its name, as CCM does
                name = path.name if path.stem.isdigit() else f"{machine}.ccr"
                written = self._store(serialize(doc), name, existing)
                if self._index is not None:
                    self._index.put(machine, written)
        except ValueError as exc:
            return self._set_aside(path, str(exc))
        except OSError as exc:  # stays where it is: the next pass tries again
            detail = f"could not write to {self.site.retry}: {exc.strerror or exc}"
            return SimOutcome(FAILED, machine, path.name, code, attempts, None, detail)
        self._log(ccmtrace.failed_lines(request_id, machine, code, self.account), worker=True)
        if not retrying:
            _unlink(path)
        return SimOutcome(FAILED, machine, path.name, code, attempts, written)

    def _retry_file_for(self, machine: str) -> CcrRecord | None:
        """The retry file already held for ``machine``: ``MACHINE.ccr``, or a file named
        by a ResourceID (all digits) whose Machine Name is ``machine``."""
        if self._index is None:
            self._index = _RetryIndex(self._requests(self.site.retry))
        want = machine.casefold()
        path = self._index.get(want)
        rec = None if path is None else _read(path)
        if path is None or rec is None:
            return None
        held = (rec.machine_name or "").casefold()
        return rec if held == want or (not held and path.stem.casefold() == want) else None

    def _store(self, data: bytes, name: str, existing: CcrRecord | None) -> Path:
        """Write the retry file ``name``; an existing one for the machine is replaced (under
        its own name) by taking it out of the box first (a rename into Inproc), never by
        an overwrite."""
        parked: Path | None = None
        if existing is not None:
            old = Path(existing.file)
            name = old.name
            spare = self.inproc / f".{old.name}.{secrets.token_hex(4)}.old{TEMP_SUFFIX}"
            try:
                rename_no_clobber(old, spare)
                parked = spare
            except FileNotFoundError:
                parked = None  # resubmitted meanwhile: it comes back through ccr.box
        try:
            written = write_new_file(self.site.retry, name, data)
        except BaseException:
            if parked is not None:  # put the old one back: nothing lost
                with contextlib.suppress(OSError):
                    rename_no_clobber(parked, self.site.retry / name)
            raise
        if parked is not None:
            _unlink(parked)
        return written

    def _set_aside(self, path: Path, problem: str) -> SimOutcome:
        corrupt = self.site.pending / CORRUPT
        corrupt.mkdir(exist_ok=True)
        target = corrupt / path.name
        try:
            rename_no_clobber(path, target)
        except FileExistsError:
            target = corrupt / f"{path.stem}.{secrets.token_hex(3)}{path.suffix}"
            rename_no_clobber(path, target)
        self._log(ccmtrace.bad_request_lines(path.name, problem, str(target)))
        return SimOutcome(BAD, "", path.name, path=target, detail=problem)

    # ------------------------------------------------------------------ ccm.log

    def _thread_id(self) -> int:
        return self._rng.randrange(250, 5000) * 4  # Windows thread ids: multiples of 4

    def _log(self, messages: list[str], *, worker: bool = False) -> None:
        thread = self._thread_id() if worker else self.main_thread
        start = max(self.clock(), self._last_logged + timedelta(milliseconds=1))
        step = timedelta(milliseconds=3)  # a worker takes a moment per step
        lines = [ccmtrace.TraceLine(m, start + step * i, thread) for i, m in enumerate(messages)]
        self._last_logged = lines[-1].time if lines else self._last_logged
        try:
            ccmtrace.append_lines(self.log_path, lines)
            self.log_error = None
        except OSError as exc:  # the inboxes still work; the caller shows log_error
            self.log_error = f"cannot write {self.log_path}: {exc.strerror or exc}"


class _RetryIndex:
    """Which retry file holds which machine, for one pick-up pass: the box listed and its
    ResourceID-named files read once, not once per request (500 requests against 10,000
    retry files took minutes), then kept up to date by the pass's own writes."""

    def __init__(self, files: list[Path]) -> None:
        self._by_machine: dict[str, Path] = {}
        for path in files:
            if path.stem.isdigit():
                rec = _read(path)
                if rec is not None and rec.machine_name:
                    self._by_machine.setdefault(rec.machine_name.casefold(), path)
        for path in files:  # MACHINE.ccr is the one the site server writes
            if not path.stem.isdigit():
                self._by_machine[path.stem.casefold()] = path

    def get(self, machine: str) -> Path | None:
        return self._by_machine.get(machine.casefold())

    def put(self, machine: str, path: Path) -> None:
        self._by_machine[machine.casefold()] = path

    def drop(self, machine: str) -> None:
        self._by_machine.pop(machine.casefold(), None)


def _update_in_place(path: Path, data: bytes) -> Path:
    """Replace the site server's own retry file with its next state, atomically: a
    flushed temporary file (a private name everyone ignores) renamed over it. This is the
    one overwrite, and the one file the site server owns; a resubmit that takes the file
    in between leaves it in both boxes for a moment, and the pick-up merges the two."""
    tmp = write_temp_file(path.parent, path.name, data, secrets.token_hex(8))
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise
    return path


def _read(path: Path) -> CcrRecord | None:
    try:
        with open(path, "rb") as fh:
            return parse_bytes(fh.read(MAX_FILE_BYTES + 1), str(path))
    except OSError:
        return None


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
