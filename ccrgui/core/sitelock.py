"""One simulated site server per site: an exclusive lock file, across processes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["SiteBusy", "SiteLock"]


class SiteBusy(RuntimeError):
    """Another simulated site server is working on this site."""


class SiteLock:
    """An exclusive lock file: one simulator per site, across processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise SiteBusy(
                f"Another simulated site server is already working on this site "
                f"(lock {self.path}); stop it first."
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None
