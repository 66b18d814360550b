"""The box table in a long session: PySide6 6.12.0 on Python 3.11 returns ``None``
without a reference each time a Qt function answers "no value" to Python (an empty role
of a cell), so a table used long enough aborted the interpreter ("none_dealloc:
deallocating None"; the GUI load benchmark died after about twenty 10k loads)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ccrgui.core.ccr import CcrRecord
from ccrgui.core.scanner import ScanDiff, ScannedFile
from ccrgui.gui.box.model import BoxTableModel
from ccrgui.gui.box.proxy import BoxFilterProxy
from ccrgui.gui.box.rows import batches

LOOKUPS = 300_000  # more than the references None has in this process without the fix


def test_table_survives_more_empty_cell_lookups_than_none_has_references(
    qtbot: QtBot,
) -> None:
    model = BoxTableModel()
    scanned = ScannedFile(CcrRecord(file="/box/PC1.ccr", machine_name="PC1"), 10, 1)
    (batch,) = batches(ScanDiff(added=[scanned], final=True))
    model.apply(batch)
    proxy = BoxFilterProxy(model)
    index = proxy.index(0, 1)  # Domain: no value, no check state, no icon
    for _ in range(LOOKUPS):
        proxy.data(index, Qt.ItemDataRole.CheckStateRole)  # answers None, no reference
    assert proxy.data(proxy.index(0, 0)) == "PC1"  # still here, and still right
