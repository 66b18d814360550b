"""A folder nobody can write into, even root: what a read-only share looks like to ccrgui.

CI runs the tests as root, where ``chmod`` stops nothing. ``chattr +i`` (immutable) does:
no file can be created, renamed into or out of, or deleted in such a folder. As a normal
user ``chmod 0o555`` gives the same result.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[Path]:
    """Make ``folder`` unwritable for the duration of the ``with`` block."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(mode)
        return
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"cannot make {folder} immutable (chattr +i): {done.stderr.strip()}")
    try:
        probe = folder / ".probe"
        with contextlib.suppress(OSError):
            probe.write_bytes(b"")
            probe.unlink()
            pytest.fail(f"{folder} is still writable after chattr +i")
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True, capture_output=True)
