"""tests/samples/ is a copy of the project's reference samples (../shared/samples/): where
those sit beside the repository, the copy must be the same, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "samples"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/samples beside this clone")
def test_the_copy_matches_the_shared_samples() -> None:
    shared = {p.name: p.read_bytes() for p in SHARED.iterdir() if p.is_file()}
    copied = {p.name: p.read_bytes() for p in HERE.iterdir() if p.is_file()}
    assert copied == shared
