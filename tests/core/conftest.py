"""Fixtures shared by the core tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccrgui.core.site import Site, open_site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A site named ABC whose inbox root is ``tmp_path``, with both boxes, empty."""
    (tmp_path / "ccr.box").mkdir()
    (tmp_path / "ccrretry.box").mkdir()
    return open_site(tmp_path, "ABC")
