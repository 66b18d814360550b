"""Where the simulated site server must not run: a network file system (a share a real
site server may serve), or a real site server's own inboxes folder. It moves and deletes
requests, so it only ever works on a local test folder.

Network: on Linux the file system type of the mount holding the folder, from
``/proc/self/mountinfo``; on Windows UNC paths and network drives; elsewhere only
UNC-style paths and ``smb://``-style URLs are recognised. A real site: its inboxes folder
holds the other components' inboxes beside ``ccr.box`` (``ddm.box``, ``statmgr.box``...).
"""

from __future__ import annotations

import os
import re
import sys

__all__ = [
    "NETWORK_FS_TYPES",
    "REAL_SITE_INBOXES",
    "filesystem_type",
    "network_location",
    "real_site_inboxes",
]

NETWORK_FS_TYPES = frozenset(
    {
        "cifs",
        "smb3",
        "smbfs",
        "nfs",
        "nfs4",
        "9p",
        "afs",
        "ncpfs",
        "coda",
        "ceph",
        "glusterfs",
        "lustre",
        "davfs",
        "fuse.sshfs",
        "fuse.smbnetfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gvfsd-fuse",
        "fuse.curlftpfs",
        "fuse.glusterfs",
        "fuse.cephfs",
    }
)

# other site components' inboxes: a folder with these beside ccr.box is a real site's
REAL_SITE_INBOXES = frozenset(
    {
        "auth",
        "colleval.box",
        "compsumm.box",
        "dataldr.box",
        "ddm.box",
        "despoolr.box",
        "distmgr.box",
        "hman.box",
        "offermgr.box",
        "replmgr.box",
        "schedule.box",
        "sitectrl.box",
        "statmgr.box",
    }
)

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def filesystem_type(path: str | os.PathLike[str], mountinfo: str = "/proc/self/mountinfo") -> str:
    """The type of the file system holding ``path`` (``ext4``, ``cifs``...), from Linux's
    mountinfo; "" when it cannot be told."""
    real = os.path.realpath(path)
    try:
        with open(mountinfo, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    best, fstype = "", ""
    for line in lines:
        head, sep, tail = line.partition(" - ")
        fields = head.split()
        if not sep or len(fields) < 5 or not tail.split():
            continue
        point = _unescape(fields[4])
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, tail.split()[0]
    return fstype


def network_location(path: str) -> str | None:
    """Why ``path`` is a network location (a sentence part), or None for a local folder."""
    if path.startswith(("\\\\", "//")):
        return "it is a UNC path to a network share"
    if _URL.match(path):
        return f"it is a {path.split(':', 1)[0]}:// URL, not a local folder"
    if sys.platform == "win32":
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(path))[0]
        if drive.startswith(("\\\\", "//")):
            return "it is on a network share"
        if drive and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4:  # DRIVE_REMOTE
            return f"drive {drive} is a network drive"
        return None
    if sys.platform.startswith("linux"):
        fstype = filesystem_type(path)
        if fstype in NETWORK_FS_TYPES:
            return f"it is on a network file system ({fstype})"
    return None


def real_site_inboxes(root: str | os.PathLike[str]) -> list[str]:
    """The other components' inbox folders in ``root`` (sorted; empty for a test site)."""
    try:
        with os.scandir(root) as it:
            found = [e.name for e in it if e.name.casefold() in REAL_SITE_INBOXES and e.is_dir()]
    except OSError:
        return []
    return sorted(found, key=str.casefold)
