"""File-system watchers live on their own thread; when their box view goes they retire
there (the file watcher destroyed with the GIL held) and are deleted on the GUI thread:
many views opened and closed leave no watcher behind, and nothing crashes."""

from __future__ import annotations

import gc
from pathlib import Path

import shiboken6
from pytestqt.qtbot import QtBot

from ccrgui.gui.box import watcher
from ccrgui.gui.box.view import BoxView
from tests.gui.conftest import make_inboxes


def test_watchers_of_closed_views_are_deleted_on_their_thread(qtbot: QtBot, tmp_path: Path) -> None:
    box = make_inboxes(tmp_path / "inboxes") / "ccrretry.box"
    made = []
    for _ in range(12):  # bounded: each view watches the box, then goes
        view = BoxView(poll_seconds=3600, watch=True)
        with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
            view.set_box(box)
        qtbot.waitUntil(lambda v=view: v.loader.watched == box, timeout=10000)
        made.append(view.loader._watch.watcher)  # type: ignore[union-attr]
        view.close()
        view.deleteLater()
        qtbot.waitUntil(lambda v=view: not shiboken6.isValid(v), timeout=5000)
        gc.collect()

    def all_deleted() -> bool:
        watcher._prune_retired()  # what the next view's watcher does
        return not any(shiboken6.isValid(w) for w in made)

    qtbot.waitUntil(all_deleted, timeout=10000)
    assert watcher._retired == []
