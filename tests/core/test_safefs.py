"""The safe file operations every inbox write goes through: complete files only, never an
overwrite, nothing left behind when a write fails half-way."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from ccrgui.core import safefs
from ccrgui.core.safefs import move_no_clobber, rename_no_clobber, write_new_file
from tests.readonly_dir import unwritable


def test_write_new_file_writes_exact_bytes_and_no_temporaries(tmp_path: Path) -> None:
    path = write_new_file(tmp_path, "PC1.ccr", b"abc\r\n")
    assert path == tmp_path / "PC1.ccr"
    assert path.read_bytes() == b"abc\r\n"
    assert os.listdir(tmp_path) == ["PC1.ccr"]


def test_write_new_file_never_clobbers(tmp_path: Path) -> None:
    (tmp_path / "PC1.ccr").write_bytes(b"original")
    with pytest.raises(FileExistsError):
        write_new_file(tmp_path, "PC1.ccr", b"new")
    assert (tmp_path / "PC1.ccr").read_bytes() == b"original"
    assert os.listdir(tmp_path) == ["PC1.ccr"]


def test_failure_half_way_through_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls = []

    def write_some_then_fail(fd: int, data: bytes | memoryview) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[:3])  # a short write, like a slow share
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "write", write_some_then_fail)
    with pytest.raises(OSError, match="Input/output"):
        write_new_file(tmp_path, "PC1.ccr", b"0123456789")
    monkeypatch.undo()
    assert len(calls) == 2  # the failure really came after part of the file was written
    assert os.listdir(tmp_path) == []


def test_failure_to_flush_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="No space"):
        write_new_file(tmp_path, "PC1.ccr", b"data")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_interrupt_during_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int, data: bytes | memoryview) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_new_file(tmp_path, "PC1.ccr", b"data")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_write_into_unwritable_folder_raises_and_leaves_nothing(tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.mkdir()
    with unwritable(box), pytest.raises(PermissionError):
        write_new_file(box, "PC1.ccr", b"data")
    assert os.listdir(box) == []


def test_concurrent_writers_of_one_name_one_wins(tmp_path: Path) -> None:
    results: list[str] = []
    barrier = threading.Barrier(8)

    def writer(i: int) -> None:
        barrier.wait()
        try:
            write_new_file(tmp_path, "PC1.ccr", f"writer {i}".encode())
            results.append("ok")
        except FileExistsError:
            results.append("exists")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["exists"] * 7 + ["ok"]
    assert os.listdir(tmp_path) == ["PC1.ccr"]
    assert (tmp_path / "PC1.ccr").read_bytes().startswith(b"writer ")


def test_rename_no_clobber_moves(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"A")
    rename_no_clobber(tmp_path / "a", tmp_path / "b")
    assert os.listdir(tmp_path) == ["b"]
    assert (tmp_path / "b").read_bytes() == b"A"


def test_rename_no_clobber_refuses_existing_destination(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"A")
    (tmp_path / "b").write_bytes(b"B")
    with pytest.raises(FileExistsError):
        rename_no_clobber(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == b"A"
    assert (tmp_path / "b").read_bytes() == b"B"


def test_rename_no_clobber_missing_source(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        rename_no_clobber(tmp_path / "gone", tmp_path / "b")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("how", ["renameat2", "hard link"])
def test_both_no_clobber_strategies_refuse_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "hard link":
        monkeypatch.setattr(safefs, "_renameat2", None)  # a kernel without RENAME_NOREPLACE
    else:
        assert safefs._renameat2 is not None
    (tmp_path / "a").write_bytes(b"A")
    (tmp_path / "b").write_bytes(b"B")
    with pytest.raises(FileExistsError):
        rename_no_clobber(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b").read_bytes() == b"B"
    rename_no_clobber(tmp_path / "a", tmp_path / "c")
    assert sorted(os.listdir(tmp_path)) == ["b", "c"]


def test_rename_out_of_unwritable_folder_keeps_the_file(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    dst.mkdir()
    (src / "PC1.ccr").write_bytes(b"A")
    with unwritable(dst), pytest.raises(PermissionError):
        rename_no_clobber(src / "PC1.ccr", dst / "PC1.ccr")
    assert (src / "PC1.ccr").read_bytes() == b"A"
    assert os.listdir(dst) == []


def test_move_across_volumes_copies_then_deletes(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    assert shm.is_dir() and os.stat(shm).st_dev != os.stat(tmp_path).st_dev
    src = tmp_path / "PC1.ccr"
    src.write_bytes(b"request bytes")
    dst_dir = shm / f"ccrgui-test-{os.getpid()}"
    dst_dir.mkdir()
    try:
        move_no_clobber(src, dst_dir / "PC1.ccr")
        assert not src.exists()
        assert os.listdir(dst_dir) == ["PC1.ccr"]
        assert (dst_dir / "PC1.ccr").read_bytes() == b"request bytes"

        src.write_bytes(b"second")
        with pytest.raises(FileExistsError):
            move_no_clobber(src, dst_dir / "PC1.ccr")
        assert src.read_bytes() == b"second"
        assert (dst_dir / "PC1.ccr").read_bytes() == b"request bytes"
    finally:
        for p in dst_dir.iterdir():
            p.unlink()
        dst_dir.rmdir()
