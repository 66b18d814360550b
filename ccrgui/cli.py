"""``ccr``: queue, inspect, list and resubmit client push requests from a shell. Never
imports Qt. The exit codes are :data:`EXIT_CODES_HELP` (also printed by ``ccr --help``).

Why this module is long: it is the whole command line (one subcommand each), and each
is a few lines of argparse over core.

Each command imports the parts of core it uses when it runs: the start of the process is
a good part of a short command's time, and ``ccr list`` has no use for the modules that
write into inboxes, read ccm.log or simulate a site server.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from . import __version__
from .core.textsafe import escape_control, shorten
from .core.when import date_text

if TYPE_CHECKING:
    from .core.ccmlog import LogEntry
    from .core.ccr import CcrRecord
    from .core.config import Config, SiteEntry
    from .core.machinelog import MachineLog
    from .core.simulator import SimOutcome
    from .core.site import Site

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COLUMN_MAX = 40  # characters a table column shows of one value (a 1 MB name: not 1 MB wide)
ECHO_MAX = 200  # characters of a name or path echoed in a message


def _t(value: object, limit: int = 0) -> str:
    """A value as terminal text: control characters and undecodable bytes escaped
    (``\\x1b``, ``\\xff``), cut to ``limit`` characters when given."""
    text = escape_control(str(value))
    return shorten(text, limit) if limit else text


FOLLOW_SECONDS = 1.0  # how often ccr log --follow looks for new lines

EXIT_CODES_HELP = """\
exit codes:
  0    done: every request named is where it was asked to be (a machine whose
       request was already waiting in ccr.box counts: "already queued")
  1    something failed or was not found (the reason is on stderr; the others
       were still done)
  2    usage error or an invalid machine name (nothing was written)
  130  interrupted (Ctrl+C): the file in hand was finished, the others were
       left where they were"""


class _HelpFormatter(argparse.HelpFormatter):
    """Descriptions wrapped as usual; the exit-code table kept as laid out."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("exit codes:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ccr: error: {message}\n")


# --------------------------------------------------------------------------- commands


def cmd_new(args: argparse.Namespace) -> int:
    from .core.queue import BatchInvalid, QueueStatus, queue_requests

    names = list(args.names)
    if args.from_file:
        names += _read_names_file(args.from_file)
    if not names:
        raise CliError("give machine names, or --from-file FILE (- for stdin)", EXIT_USAGE)
    site = _site(args.site)
    forced = not args.no_force
    try:
        outcomes = queue_requests(site, names, forced=forced)
    except BatchInvalid as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    failed = 0
    for o in outcomes:
        if o.status == QueueStatus.FAILED:
            failed += 1
        print(f"{o.status}  {_t(o.machine)}" + (f"  {_t(o.path)}" if o.path else ""))
        if o.reason:
            print(f"ccr: {_t(o.machine)}: {_t(o.reason)}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK  # "already queued" is not a failure


def _read_names_file(source: str) -> list[str]:
    """Names from a list file (or stdin): UTF-8 or Notepad's "Unicode" (UTF-16), as the
    app's import reads them; a stray undecodable byte is a bad name, not a crash."""
    from .core.queue import MAX_LIST_BYTES, decode_name_list, read_name_file, read_name_list

    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_LIST_BYTES + 1)
            if len(data) > MAX_LIST_BYTES:
                raise ValueError("The list on stdin is too big for a list of machine names.")
            text = decode_name_list(data, "The list on stdin")
        else:
            text = read_name_file(source)
    except OSError as exc:  # I/O: exit 1
        raise CliError(f"cannot read {_t(source, ECHO_MAX)}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    return read_name_list(text.splitlines())


def cmd_show(args: argparse.Namespace) -> int:
    from .core.ccr import MAX_FILE_BYTES, parse_bytes
    from .core.readfile import read_regular_file

    records: list[CcrRecord] = []
    failed = False
    for f in args.files:
        try:
            raw = read_regular_file(f, MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            print(f"ccr: {_t(f, ECHO_MAX)}: no such file", file=sys.stderr)
            failed = True
            continue
        except OSError as exc:  # a folder, a pipe, a device, no permission
            print(f"ccr: {_t(f, ECHO_MAX)}: {exc.strerror or exc}", file=sys.stderr)
            failed = True
            continue
        records.append(parse_bytes(raw, os.path.abspath(f)))
    if args.format == "json":
        data = [r.to_json() for r in records]
        if len(args.files) == 1 and len(data) == 1:
            json.dump(data[0], sys.stdout, indent=2)
        else:
            json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for i, r in enumerate(records):
            if i:
                print()
            _print_record(r, sys.stdout)
    return EXIT_FAILED if failed else EXIT_OK


def _print_record(r: CcrRecord, out: TextIO) -> None:
    from .core.errors import describe, display_code

    def line(label: str, value: object) -> None:
        if value not in (None, "", []):
            out.write(f"{label:<20} {_t(value)}\n")

    line("File", r.file)
    if r.problem:
        line("Problem", r.problem)
    line("Machine", r.machine_name)
    line("Domain", r.domain)
    line("IP addresses", ", ".join(r.ip_addresses))
    line("Forced CCR", None if r.forced is None else ("yes" if r.forced else "no"))
    line("Client type", r.client_type)
    line("Initial request", r.initial_request_date)
    line("Latest attempt", r.latest_processing_attempt)
    line("Error event", r.error_event_created)
    line("Expires", r.expires_at)
    line("Attempts", r.attempts)
    if r.last_error_code is not None:
        info = describe(r.last_error_code)
        line("Last error", display_code(r.last_error_code))
        line("Meaning", info.message)
        line("Likely cause", info.cause)
        line("What to check", info.fix)


def cmd_list(args: argparse.Namespace) -> int:
    from .core.scan import expiring_within, read_box, with_error

    code = None if args.error is None else _parse_error_code(args.error)
    site = _site(args.site)
    box = site.box(args.box)
    try:
        records = read_box(box, keep_text=False)
    except OSError as exc:
        raise CliError(f"cannot list {box}: {exc.strerror or exc}") from exc
    if code is not None:
        records = with_error(records, code)
    if args.expiring is not None:
        records = expiring_within(records, args.expiring)
    if args.format == "json":  # one record per line: grep-able, and 5x faster than indent=2
        # ensure_ascii: exact, and an undecodable byte stays a \udcNN escape (lossless)
        lines = ",\n".join("  " + r.to_json_text() for r in records)
        sys.stdout.write(f"[\n{lines}\n]\n" if records else "[]\n")
    elif args.format == "csv":  # the app's export layout (core.csvexport), formulas defused
        from .core.csvexport import write_csv_to

        write_csv_to(sys.stdout, records, newline="\n")
    else:
        _print_table(records, sys.stdout)
    return EXIT_OK


def _print_table(records: list[CcrRecord], out: TextIO) -> None:
    from .core.errors import format_code

    header = ("MACHINE", "ATTEMPTS", "LAST ERROR", "EXPIRES", "FILE")
    rows = []
    for r in records:
        err = ""
        if r.last_error_code is not None:
            err = f"{format_code(r.last_error_code)} {r.last_error_name or ''}".strip()
        rows.append(
            (
                _t(r.machine_name or f"? {r.problem}", COLUMN_MAX),
                "" if r.attempts is None else str(r.attempts),
                _t(err, COLUMN_MAX),
                date_text(r.expires_at),
                _t(r.file_name),
            )
        )
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]
    for row in [header, *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"{len(records)} request(s)\n")


def cmd_resubmit(args: argparse.Namespace) -> int:
    """Move retry-box requests back into ccr.box (see core.resubmit for the rules)."""
    from .core.errors import format_code
    from .core.resubmit import ResubmitMode, ResubmitStatus, resubmit, select_by_machine
    from .core.scan import read_box, with_error

    code = None
    if args.error is not None:
        code = _parse_error_code(args.error)
    if not (args.names or args.all or code is not None):
        raise CliError("give machine names, --all or --error CODE", EXIT_USAGE)
    site = _site(args.site)
    try:
        records = read_box(site.retry, keep_text=False)
    except OSError as exc:
        raise CliError(f"cannot list {site.retry}: {exc.strerror or exc}") from exc
    not_found: list[str] = []
    if args.all:
        chosen = records
    elif code is not None:
        chosen = with_error(records, code)
        if not chosen:
            not_found.append(f"last error {format_code(code)}")
    else:
        chosen, seen = [], set()
        for name in args.names:
            found = select_by_machine(records, name)
            if not found:
                not_found.append(name)
            for r in found:
                if r.file not in seen:
                    seen.add(r.file)
                    chosen.append(r)
    for name in not_found:
        print(f"not found  {_t(name, ECHO_MAX)}")
        print(f"ccr: no request with {_t(name, ECHO_MAX)} in {_t(site.retry)}", file=sys.stderr)
    forced = not args.no_force and _always_install()
    stop = _CancelOnInterrupt()
    with stop:
        mode = ResubmitMode.NEW if args.new else ResubmitMode.RETRY
        batch = resubmit(site, chosen, mode=mode, forced=forced, cancel=stop)
    for rec in batch.recovered:
        print(
            f"ccr: recovered {_t(rec.name)} (claimed by a run that was stopped): {_t(rec.result)}",
            file=sys.stderr,
        )
    for o in batch.outcomes:
        where = f"{o.source} -> {o.destination}" if o.destination else str(o.source)
        print(f"{o.status}  {_t(o.machine, COLUMN_MAX)}  {_t(where)}")
        if o.reason and o.status == ResubmitStatus.FAILED:
            print(f"ccr: {_t(o.machine, COLUMN_MAX)}: {_t(o.reason)}", file=sys.stderr)
        elif o.reason and o.status == ResubmitStatus.RESUBMITTED:
            print(f"ccr: {_t(o.machine, COLUMN_MAX)}: warning: {_t(o.reason)}", file=sys.stderr)
    if batch.log_error:
        print(f"ccr: warning: {_t(batch.log_error)}", file=sys.stderr)
    if not chosen and not not_found:
        print(f"nothing to resubmit in {_t(site.retry)}")
    print(f"{batch.summary()}", file=sys.stderr)
    if batch.cancelled:
        print(
            "ccr: interrupted; the requests not started are still in ccrretry.box", file=sys.stderr
        )
        return 130
    return EXIT_FAILED if batch.failed or not_found else EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    """One machine's entries in the site server's ccm.log (ccm.lo_ first)."""
    from .core.machinelog import MachineLog
    from .core.resolve import site_ccm_log

    if args.follow and args.format != "text":
        raise CliError("--follow prints text; leave out --format json", EXIT_USAGE)
    log = Path(args.log) if args.log else site_ccm_log(_site(args.site))
    try:
        reader = MachineLog(log, args.name)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    if args.follow:
        try:
            _read_log(reader, log, print_text=True, explicit=bool(args.log))
            _follow_log(reader, log)
        except KeyboardInterrupt:  # how --follow ends
            return EXIT_OK
    entries = _read_log(reader, log, print_text=args.format == "text", explicit=bool(args.log))
    if args.format == "json":
        lines = ",\n".join("  " + json.dumps(e.to_json()) for e in entries)
        sys.stdout.write(f"[\n{lines}\n]\n" if entries else "[]\n")
    elif entries:
        _print_attempts(entries, sys.stdout)
    if not entries:
        print(f"ccr: no entries for {escape_control(args.name)} in {log}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _read_log(reader: MachineLog, log: Path, *, print_text: bool, explicit: bool) -> list[LogEntry]:
    entries: list[LogEntry] = []
    try:
        for batch in reader.read():
            entries.extend(batch)
            if print_text:
                for entry in batch:
                    _print_entry(entry, sys.stdout)
                sys.stdout.flush()
    except FileNotFoundError as exc:
        hint = "" if explicit else " Give --log FILE, or set the site's ccm.log in Settings."
        raise CliError(f"no ccm.log at {exc.filename or log}.{hint}") from exc
    except OSError as exc:
        raise CliError(f"cannot read {exc.filename or log}: {exc.strerror or exc}") from exc
    return entries


def _follow_log(reader: MachineLog, log: Path) -> NoReturn:
    """Print new entries as the site server appends them, until Ctrl+C. A log missing
    for a moment (while it rolls over to ccm.lo_) is waited for."""
    print(f"ccr: following {log}; Ctrl+C to stop", file=sys.stderr)
    while True:
        time.sleep(FOLLOW_SECONDS)
        try:
            _read_log(reader, log, print_text=True, explicit=True)
        except CliError:
            if log.exists():
                raise
            # no ccm.log for a moment: it is rolling over, the new one comes next


def _print_entry(entry: LogEntry, out: TextIO) -> None:
    from .core.errors import display_code

    when = entry.time.isoformat(sep=" ", timespec="milliseconds") if entry.time else "?"
    lead = f"{when}  {entry.thread:>6}  "
    lines = entry.message.split("\n")
    code = entry.error_code
    if code is not None:
        lines[-1] += f"  [{display_code(code)}]"
    out.write(lead + escape_control(lines[0], keep_tabs=True) + "\n")
    for line in lines[1:]:
        out.write(" " * len(lead) + escape_control(line, keep_tabs=True) + "\n")


def _print_attempts(entries: list[LogEntry], out: TextIO) -> None:
    from .core.errors import describe, display_code
    from .core.machinelog import group_attempts

    attempts = group_attempts(entries)
    out.write(f"\n{len(attempts)} attempt(s):\n")
    for a in attempts:
        when = a.time.isoformat(sep=" ", timespec="seconds") if a.time else "?"
        code = a.error_code
        error = "" if code is None else f"  {display_code(code)}: {describe(code).message}"
        request = "" if a.request_id is None else f'  request "{a.request_id}"'
        out.write(escape_control(f"  {when}  {a.outcome}{error}{request}") + "\n")


def cmd_check(args: argparse.Namespace) -> int:
    """Resolve each name and connect to SMB and RPC; exit 0 only when all answer."""
    from .core.reach import RPC_PORT, SMB_PORT, check_machines

    if args.all and args.names:
        raise CliError("give machine names or --all, not both", EXIT_USAGE)
    if args.all and not args.site:
        raise CliError("--all checks a site's retry box: give --site too", EXIT_USAGE)
    if not args.all and not args.names:
        raise CliError("give machine names, or --all with --site", EXIT_USAGE)
    for name in args.names:
        if not name.strip() or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in name):
            raise CliError(f"{escape_control(name)!r} is not a machine name", EXIT_USAGE)
    names = list(args.names)
    last_errors: dict[str, int | None] = {}
    if args.site:
        records = _retry_records(args.site)
        if args.all:
            names = list(dict.fromkeys(r.machine_name for r in records if r.machine_name))
            if not names:
                print("ccr: no machine in the retry box to check", file=sys.stderr)
                return EXIT_OK
        last_errors = _last_errors(records, names)
    ports = (args.smb_port or SMB_PORT, args.rpc_port or RPC_PORT)  # 0 is refused
    results = check_machines(names, ports=ports, timeout=args.timeout)
    if args.format == "json":
        json.dump([r.to_json(last_errors.get(r.machine)) for r in results], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for r in results:
            advice = r.to_json(last_errors.get(r.machine))["advice"]
            state = "reachable" if r.ok else "NOT reachable"
            if not r.dns_ok:
                state += f": the name does not resolve ({r.dns_error})"
            where = f" [{', '.join(r.addresses)}]" if r.addresses else ""
            ports_text = ", ".join(f"{p} {s}" for p, s in r.ports.items())
            line = f"{r.machine}: {state}{where}" + (f"; {ports_text}" if ports_text else "")
            print(escape_control(line))
            print(f"  {escape_control(str(advice))}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def _retry_records(site_arg: str) -> list[CcrRecord]:
    from .core.scan import read_box

    site = _site(site_arg)
    try:
        return read_box(site.retry, keep_text=False)
    except OSError as exc:
        raise CliError(f"cannot list {site.retry}: {exc.strerror or exc}") from exc


def _last_errors(records: list[CcrRecord], names: Sequence[str]) -> dict[str, int | None]:
    """Each name's last error in the retry box (its latest request), for advice."""
    from .core.resubmit import select_by_machine

    found: dict[str, int | None] = {}
    for name in names:
        mine = select_by_machine(records, name)
        mine.sort(key=lambda r: r.latest_processing_attempt or datetime.min)
        found[name] = mine[-1].last_error_code if mine else None
    return found


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (0-600, e.g. 2)")
    return value


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (1-65535)")
    return int(text)


def _parse_error_code(text: str) -> int:
    from .core.errors import normalize_code

    raw = text.strip()
    try:
        value = int(raw, 16) if raw.lower().startswith(("0x", "-0x")) else int(raw, 10)
    except ValueError:
        value = None
    code = None if value is None else normalize_code(value)
    if code is None:
        raise CliError(
            f"--error {text!r}: give a decimal (5, -2147024891) or hex (0x80070005) code",
            EXIT_USAGE,
        )
    return code


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 24 * 366 * 100:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours (e.g. 24)")
    return value


def _always_install() -> bool:
    from .core.config import ConfigError

    try:
        return _settings().always_install
    except ConfigError:
        return True


class _CancelOnInterrupt:
    """Ctrl+C during a batch: finish the current file, then stop (nothing half-moved)."""

    def __init__(self) -> None:
        self.hit = False
        self._old: object = None

    def __call__(self) -> bool:
        return self.hit

    def __enter__(self) -> _CancelOnInterrupt:
        def on_interrupt(signum: int, frame: object) -> None:
            self.hit = True

        try:
            self._old = signal.signal(signal.SIGINT, on_interrupt)
        except ValueError:  # not the main thread (tests calling main() from a thread)
            self._old = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)  # type: ignore[arg-type]


def cmd_simulate(args: argparse.Namespace) -> int:
    """Play the site server's Client Configuration Manager on a local test site."""
    from .core.mounts import network_location, real_site_inboxes
    from .core.resolve import site_ccm_log
    from .core.sandbox import ensure_sandbox, reset_demo
    from .core.simrules import DEFAULT_RULES, RulesError, load_rules
    from .core.simulator import SiteBusy, SiteSimulator

    try:
        rules = DEFAULT_RULES if args.rules is None else load_rules(args.rules)
    except RulesError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    if args.reset_demo:
        if args.site is not None:
            raise CliError("--reset-demo reseeds the sandbox only; drop --site", EXIT_USAGE)
        try:
            site = reset_demo()
        except (SiteBusy, OSError) as exc:
            raise CliError(f"could not reset the demo: {exc}") from exc
        print(f"ccr: the sandbox was reseeded with demo requests ({site.root})", file=sys.stderr)
    elif args.site is None:
        site = ensure_sandbox()
    else:
        entry = _configured_site(args.site)
        _refuse_network(args.site, network_location(entry.root if entry else args.site))
        site = _site(args.site)
        _refuse_network(args.site, network_location(str(site.root)))
        others = real_site_inboxes(site.root)
        if others:
            raise CliError(
                f"refusing to simulate a site server on {site.root}: it looks like a real "
                f"site server's inboxes folder (it also holds {', '.join(others[:3])}). "
                "`ccr simulate` moves and deletes requests, so it only runs on a test folder "
                "that holds just ccr.box and ccrretry.box.",
                EXIT_USAGE,
            )

    errors = 0

    def report(o: SimOutcome) -> None:
        nonlocal errors
        errors += o.status == "error"
        print(_simulated(o), flush=True)

    # the trace goes where `ccr log` and the History tab read this site's ccm.log
    sim = SiteSimulator(site, rules, hour_seconds=args.hour_seconds, log_path=site_ccm_log(site))
    try:
        sim.start()
    except (SiteBusy, OSError) as exc:
        raise CliError(str(exc)) from exc
    try:
        if args.once or args.advance is not None:
            if args.once:
                for o in sim.pick_up():
                    report(o)
            for o in sim.advance(args.advance or 0):
                report(o)
        else:
            stop = threading.Event()
            print(
                f"Simulated site server on {site.root} (one hour = {args.hour_seconds:g} s, "
                f"rules: {rules.source}); ccm.log: {sim.log_path}. Ctrl+C stops.",
                file=sys.stderr,
                flush=True,
            )
            with _StopOnSignals(stop):
                sim.run(stop, report)
            print("ccr: simulated site server stopped", file=sys.stderr)
    except OSError as exc:
        raise CliError(f"the simulated site server stopped: {exc.strerror or exc}") from exc
    finally:
        sim.close()
    if sim.log_error:
        print(f"ccr: warning: {sim.log_error}", file=sys.stderr)
    return EXIT_FAILED if errors else EXIT_OK


def _configured_site(name: str) -> SiteEntry | None:
    from .core.config import ConfigError

    try:
        return _settings().find_site(name)
    except ConfigError:
        return None


def _refuse_network(given: str, why: str | None) -> None:
    if why:
        raise CliError(
            f"refusing to simulate a site server on {given}: {why}. `ccr simulate` moves and "
            "deletes requests like a real site server, so it only runs on a local test "
            "folder, never on a share that a real site server may be serving.",
            EXIT_USAGE,
        )


def _simulated(o: SimOutcome) -> str:
    from .core.errors import describe

    when = f"{datetime.now():%H:%M:%S}"
    if o.status == "bad request":
        return f"{when}  bad request  {o.file}  {o.detail} -> {o.path}"
    if o.status == "error":
        return f"{when}  error      {o.file}  {o.detail}"
    what = o.machine
    if o.code is not None and o.status == "failed":
        what += f"  error {o.code} {describe(o.code & 0xFFFFFFFF).name}".rstrip()
    what += f"  attempt {o.attempts}"
    if o.status == "deleted":
        what += "  (retry limit: 168 attempts / 7 days)"
    if o.path is not None:
        what += f"  -> {o.path}"
    if o.detail:
        what += f"  ({o.detail})"
    return f"{when}  {o.status:<9}  {what}"


class _StopOnSignals:
    """Ctrl+C (and SIGTERM) set ``stop``: the request in hand is finished, then it exits."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self._old: dict[int, object] = {}

    def __enter__(self) -> _StopOnSignals:
        def on_signal(signum: int, frame: object) -> None:
            self.stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):  # not the main thread
                self._old[sig] = signal.signal(sig, on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)  # type: ignore[arg-type]


def _hour_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.1 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r}: give seconds from 0.1 to 3600 (e.g. 60)")
    return value


def _pass_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 24 * 366:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of hours (e.g. 24)")
    return value


def cmd_register_filetype(args: argparse.Namespace) -> int:
    from .core import filetype

    try:
        result = filetype.register()
    except (filetype.FileTypeError, OSError) as exc:
        raise CliError(f"could not register the .ccr file type: {exc}") from exc
    print(result.summary())
    print(f"ccrgui now opens {filetype.EXTENSION} files ({filetype.MIME_TYPE}) for this user.")
    return EXIT_OK


def cmd_unregister_filetype(args: argparse.Namespace) -> int:
    from .core import filetype

    try:
        result = filetype.unregister()
    except (filetype.FileTypeError, OSError) as exc:
        raise CliError(f"could not unregister the .ccr file type: {exc}") from exc
    print(result.summary() or "nothing was registered")
    return EXIT_OK


# --------------------------------------------------------------------------- plumbing


_warned_settings = False


def _settings() -> Config:
    """The settings; what is wrong with a damaged settings file is said once per run."""
    global _warned_settings
    from .core.config import load_config

    cfg = load_config()
    if not _warned_settings:
        _warned_settings = True
        for problem in cfg.problems:
            print(f"ccr: warning: {_t(problem)}", file=sys.stderr)
    return cfg


def _site(arg: str | None) -> Site:
    from .core.config import ConfigError
    from .core.resolve import resolve_site
    from .core.site import SiteError

    _settings()  # a damaged settings file: say so, then go on with the defaults
    try:
        return resolve_site(arg)
    except (SiteError, ConfigError) as exc:
        raise CliError(str(exc)) from exc


ERROR_HELP = (
    "CODE: decimal, signed or hex (5, -2147024891, 0x80070005); a Win32 code also "
    "matches the HRESULT that wraps it (5 finds 0x80070005)"
)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ccr",
        description="Queue, inspect, list and resubmit ConfigMgr client push requests "
        "(the CCR files in a site's ccr.box and ccrretry.box).",
        epilog=EXIT_CODES_HELP + "\n\nccr COMMAND --help shows a command's options.",
        formatter_class=_HelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"ccr {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on unexpected errors")
    sub = p.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", parser_class=_Parser
    )
    sub.required = True

    site_help = "site name or inbox folder (default: $CCRGUI_SITE, the default site, the sandbox)"

    n = sub.add_parser(
        "new",
        help="queue client install requests into ccr.box",
        description="Write one request per machine into the site's ccr.box. A machine "
        "whose request already waits there is left as it is and reported already queued.",
        epilog=EXIT_CODES_HELP,
        formatter_class=_HelpFormatter,
    )
    n.add_argument("names", nargs="*", metavar="NAME", help="machine name (NetBIOS or FQDN)")
    n.add_argument("--site", help=site_help)
    n.add_argument("--no-force", action="store_true", help="do not write Forced CCR=TRUE")
    n.add_argument("--from-file", metavar="FILE", help="one name per line; - for stdin")
    n.set_defaults(func=cmd_new)

    s = sub.add_parser("show", help="show CCR files in readable form")
    s.add_argument("files", nargs="+", metavar="FILE")
    s.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for scripts (error codes unsigned 32-bit)",
    )
    s.set_defaults(func=cmd_show)

    ls = sub.add_parser("list", help="list the requests in a box")
    ls.add_argument("--site", help=site_help)
    ls.add_argument(
        "--box",
        choices=("retry", "pending"),
        default="retry",
        help="retry: ccrretry.box, the failed requests (default); pending: ccr.box, the "
        "requests waiting for the site server",
    )
    ls.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table for people (default); csv for a spreadsheet; json for scripts",
    )
    ls.add_argument(
        "--error", metavar="CODE", help="only requests whose last error is " + ERROR_HELP
    )
    ls.add_argument(
        "--expiring",
        metavar="HOURS",
        type=_hours,
        help="only requests the site server gives up on within HOURS (expired ones too)",
    )
    ls.set_defaults(func=cmd_list)

    r = sub.add_parser(
        "resubmit",
        help="move failed requests from ccrretry.box back into ccr.box",
        description="Resubmit requests waiting in ccrretry.box. NAME matches the Machine "
        "Name inside the file (or the file name), case-insensitively.",
        epilog=EXIT_CODES_HELP,
        formatter_class=_HelpFormatter,
    )
    pick = r.add_mutually_exclusive_group()
    pick.add_argument("names", nargs="*", default=[], metavar="NAME", help="machine name")
    pick.add_argument("--all", action="store_true", help="every request in ccrretry.box")
    pick.add_argument("--error", metavar="CODE", help="requests whose last error is " + ERROR_HELP)
    r.add_argument("--site", help=site_help)
    r.add_argument("--new", action="store_true", help="write a fresh request instead")
    r.add_argument("--no-force", action="store_true", help="with --new: no Forced CCR=TRUE")
    r.set_defaults(func=cmd_resubmit)

    from .core.simrules import DEFAULT_RULES_TEXT

    rules = "".join(f"  {line}\n" for line in DEFAULT_RULES_TEXT.splitlines()[1:])
    sim = sub.add_parser(
        "simulate",
        help="run a simulated site server on the sandbox (or a local test site)",
        description="Play the site server's Client Configuration Manager: pick up requests "
        "from ccr.box, install or fail them by the rules, keep ccrretry.box and ccm.log as "
        "the real one does. Runs until Ctrl+C unless --once or --advance is given. Local "
        "folders only: UNC paths, URLs, network file systems and a real site server's "
        "inboxes folder are refused.",
        epilog="exit codes:\n"
        "  0    done, or stopped with Ctrl+C (the request in hand was finished)\n"
        "  1    the site cannot be used or another simulated server holds it, or a\n"
        "       request met an I/O error (it stays where it was)\n"
        "  2    usage error, a refused location or a bad rules file\n\n"
        "built-in rules (the first WORD the machine name contains decides; a --rules\n"
        "FILE has the same form):\n" + rules,
        formatter_class=_HelpFormatter,
    )
    sim.add_argument("--site", help="a local site inbox folder or site name (default: sandbox)")
    sim.add_argument(
        "--hour-seconds",
        type=_hour_seconds,
        default=60.0,
        metavar="N",
        help="real seconds in a simulated hour between retry passes (default 60)",
    )
    sim.add_argument("--once", action="store_true", help="process what is in ccr.box, exit")
    sim.add_argument(
        "--advance",
        type=_pass_count,
        metavar="HOURS",
        help="run HOURS hourly retry passes at once, then exit",
    )
    sim.add_argument("--rules", metavar="FILE", help="outcome rules instead of the built-in")
    sim.add_argument(
        "--reset-demo",
        action="store_true",
        help="first reseed the sandbox with a few dozen demo requests and their ccm.log",
    )
    sim.set_defaults(func=cmd_simulate)

    lg = sub.add_parser(
        "log",
        help="one machine's entries in the site server's ccm.log",
        description="Print the ccm.log entries for NAME: every line of its request blocks "
        "(Begin...End on the same thread) and every other line that names it; ccm.lo_ is "
        "read first. Exit 0 when entries were found, 1 when none (or the log is unreadable).",
    )
    lg.add_argument("name", metavar="NAME", help="machine name (NetBIOS or FQDN) or request ID")
    where = lg.add_mutually_exclusive_group()
    where.add_argument("--site", help=site_help + "; its ccm.log is read")
    where.add_argument("--log", metavar="FILE", help="a ccm.log file (raw, or copied from CMTrace)")
    lg.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per entry, errors decoded, attempts summed up; json: a list",
    )
    lg.add_argument(
        "--follow",
        "-f",
        action="store_true",
        help="keep printing new entries as the log grows (text), until Ctrl+C",
    )
    lg.set_defaults(func=cmd_log)

    ck = sub.add_parser(
        "check",
        help="does a machine answer now? DNS, then SMB (445) and RPC (135)",
        description="Resolve each NAME and connect to its SMB and RPC ports in parallel. "
        "Exit 0 when every machine resolves and answers on both ports, 1 when any does not.",
    )
    ck.add_argument("names", nargs="*", metavar="NAME", help="machine name or address")
    ck.add_argument(
        "--site",
        help="also read each machine's last error from this site's retry box, for advice "
        "that names the cause (" + site_help + ")",
    )
    ck.add_argument("--all", action="store_true", help="every machine in the --site's retry box")
    ck.add_argument(
        "--timeout", type=_seconds, default=2.0, metavar="SECONDS", help="per step (default 2)"
    )
    ck.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: a line and advice per machine; json: one object per machine",
    )
    ck.add_argument("--smb-port", type=_port, metavar="PORT", help="default 445")
    ck.add_argument("--rpc-port", type=_port, metavar="PORT", help="default 135")
    ck.set_defaults(func=cmd_check)

    reg = sub.add_parser("register-filetype", help="make ccrgui open .ccr files (this user)")
    reg.set_defaults(func=cmd_register_filetype)
    unreg = sub.add_parser("unregister-filetype", help="undo register-filetype")
    unreg.set_defaults(func=cmd_unregister_filetype)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    # A command runs once and exits, and records hold no reference cycles: the cyclic
    # collector would only re-walk every record already read, again and again (a quarter
    # of `ccr list` on 50,000 files). Reference counting still frees what is dropped.
    gc.disable()
    for stream in (sys.stdout, sys.stderr):  # never die on a character the terminal lacks
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as exc:
        text = "\n".join(_t(line) for line in str(exc).split("\n"))
        print(f"ccr: {text}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("ccr: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"ccr: unexpected error: {_t(repr(exc))} (run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
