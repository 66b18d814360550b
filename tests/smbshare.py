"""A real SMB share for tests: Samba on a loopback address of its own (127.0.0.N:445),
mounted with smbnetfs (FUSE).

The mount is what ccrgui sees on a Windows admin's workstation as ``\\\\SERVER\\SMS_ABC``:
a folder whose operations travel over SMB2 to a server. Two shares: ``SMS_ABC``
(writable) and ``SMS_RO`` (read-only: real "access denied" errors). ``stop_server()`` and
``start_server()`` take the server away and back, as a dead site server or a pulled cable
would. Needs root (CI runs as root), Debian's samba, smbnetfs and fuse3 (.ci/run installs
them), and /dev/fuse.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "ccrgui-smb"
PASSWORD = "ccrgui-Test-1"
PORT = 445  # smbnetfs (libsmbclient) only speaks to the standard port


@dataclass
class SambaShare:
    base: Path
    host: str  # a loopback address of its own (127.0.0.N), so test runs never collide

    @property
    def conf(self) -> Path:
        return self.base / "smb.conf"

    @property
    def server_root(self) -> Path:
        """The share's folder on the server's own disk (to check what really landed)."""
        return self.base / "share"

    @property
    def mount(self) -> Path:
        return self.base / "mnt"

    @property
    def client_root(self) -> Path:
        """``\\\\127.0.0.1\\SMS_ABC`` as the client sees it (through SMB)."""
        return self.mount / self.host / "SMS_ABC"

    @property
    def readonly_root(self) -> Path:
        return self.mount / self.host / "SMS_RO"

    def start_server(self) -> None:
        subprocess.run(
            ["smbd", "-s", str(self.conf), "-D"],
            stdin=subprocess.DEVNULL,
            check=True,
            start_new_session=True,
        )
        _wait_for(lambda: _port_open(self.host, PORT), "smbd to accept connections")

    def stop_server(self) -> None:
        pid_file = self.base / "smbd.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().strip())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        _wait_for(lambda: not _port_open(self.host, PORT), "smbd to stop")
        _wait_for(lambda: not _alive(pid), "smbd to exit")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _wait_for(cond: object, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def _conf_text(base: Path, host: str) -> str:
    return f"""[global]
  server role = standalone server
  bind interfaces only = yes
  interfaces = {host}/8
  smb ports = {PORT}
  private dir = {base}/priv
  lock directory = {base}/lock
  state directory = {base}/state
  cache directory = {base}/cache
  pid directory = {base}
  log file = {base}/log/smbd.log
  map to guest = never
  load printers = no
  disable spoolss = yes
  server min protocol = SMB2
[SMS_ABC]
  path = {base}/share
  read only = no
  force user = root
[SMS_RO]
  path = {base}/share
  read only = yes
  force user = root
"""


def _require_tools() -> None:
    tools = ("smbd", "smbpasswd", "smbnetfs", "fusermount", "ip")
    missing = [t for t in tools if not shutil.which(t)]
    if missing or not Path("/dev/fuse").exists():
        pytest.fail(
            f"the Samba share tests need {', '.join(missing) or '/dev/fuse'}: "
            "run .ci/run (it installs samba, smbnetfs and fuse3)"
        )
    if os.geteuid() != 0:
        pytest.fail("the Samba share tests need root (smbd on port 445, useradd)")


def _claim_loopback_address() -> str:
    """A 127.0.0.N no other server listens on, added to ``lo`` so smbd can bind it."""
    start = 100 + os.getpid() % 100
    for n in [*range(start, 250), *range(100, start)]:
        host = f"127.0.0.{n}"
        if not _port_open(host, PORT):
            subprocess.run(["ip", "addr", "add", f"{host}/8", "dev", "lo"], capture_output=True)
            return host
    pytest.fail("no free loopback address for the Samba test server")


@pytest.fixture(scope="session")
def samba(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SambaShare]:
    _require_tools()
    base = tmp_path_factory.mktemp("samba")
    for d in ("priv", "lock", "state", "cache", "log", "share", "mnt", "home/.smb"):
        (base / d).mkdir(parents=True)
    share = SambaShare(base, _claim_loopback_address())
    share.conf.write_text(_conf_text(base, share.host))
    if subprocess.run(["id", USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-M", USER], check=True, capture_output=True)
    subprocess.run(
        ["smbpasswd", "-c", str(share.conf), "-s", "-a", USER],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
    )
    share.start_server()
    home = base / "home"
    (home / ".smb" / "smb.conf").write_text("")
    netfs_conf = home / ".smb" / "smbnetfs.conf"
    netfs_conf.write_text(
        Path("/etc/smbnetfs.conf").read_text() + f'\nauth "{USER}" "{PASSWORD}"\n'
        if Path("/etc/smbnetfs.conf").exists()
        else f'auth "{USER}" "{PASSWORD}"\n'
    )
    netfs_conf.chmod(0o600)
    env = dict(os.environ, HOME=str(home))
    netfs = subprocess.Popen(
        ["smbnetfs", "-f", str(share.mount)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: share.client_root.is_dir(), "the SMB mount")
        yield share
    finally:
        subprocess.run(["fusermount", "-u", str(share.mount)], capture_output=True)
        netfs.terminate()
        try:
            netfs.wait(timeout=10)
        except subprocess.TimeoutExpired:
            netfs.kill()
        share.stop_server()
        subprocess.run(["ip", "addr", "del", f"{share.host}/8", "dev", "lo"], capture_output=True)


@pytest.fixture
def smb_site(samba: SambaShare) -> Iterator[SambaShare]:
    """A fresh, empty inbox tree on the share for one test."""
    inboxes = samba.server_root / "inboxes"
    if inboxes.exists():
        shutil.rmtree(inboxes)
    (inboxes / "ccr.box").mkdir(parents=True)
    (inboxes / "ccrretry.box").mkdir()
    yield samba
    if not _port_open(samba.host, PORT):  # a test took the server down: bring it back
        samba.start_server()
