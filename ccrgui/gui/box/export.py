"""Export to CSV from the box table: choose a file, write it off the GUI thread, say how
it went. The CSV itself (one layout with `ccr list --format csv`) is written by
:mod:`ccrgui.core.csvexport`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...core.ccr import CcrRecord
from ...core.csvexport import default_file_name, write_csv
from ..tasks import run_task
from ..view_state import qsettings

__all__ = ["CsvExporter"]

EXPORT_DIR_KEY = "boxview/export_dir"


class CsvExporter(QObject):
    """Dialogs parented to ``parent``. Signals: ``exported(path, rows)`` (-1: failed,
    with a message box); ``status(text)`` for the status bar after a good export."""

    exported = Signal(str, int)
    status = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.dialog: QFileDialog | None = None
        self.error_box: QMessageBox | None = None

    def ask(self, records: Sequence[CcrRecord], box_name: str) -> QFileDialog:
        """Choose a CSV file for ``records`` and write them to it."""
        start = os.path.join(str(self._export_dir()), default_file_name(box_name))
        dlg = QFileDialog(self._parent, "Export to CSV", start, "CSV files (*.csv);;All files (*)")
        dlg.setObjectName("exportDialog")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("csv")
        dlg.fileSelected.connect(partial(self.export_to, records=list(records)))
        dlg.open()
        self.dialog = dlg
        return dlg

    def _export_dir(self) -> Path:
        value = qsettings().value(EXPORT_DIR_KEY)
        return Path(str(value)) if value else Path.home()

    def export_to(self, path: str, records: Sequence[CcrRecord]) -> None:
        """Write ``records`` to ``path`` off the GUI thread; say how it went."""
        rows = list(records)
        qsettings().setValue(EXPORT_DIR_KEY, str(Path(path).parent))
        run_task(
            partial(write_csv, path, rows),
            partial(self._done, path),
            partial(self._failed, path),
        )

    def _done(self, path: str, count: int) -> None:
        self.status.emit(f"Exported {count:,} requests to {path}")
        self.exported.emit(path, count)

    def _failed(self, path: str, exc: BaseException) -> None:
        text = f"Nothing was exported to {path}: {getattr(exc, 'strerror', None) or exc}"
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", text, parent=self._parent)
        box.setObjectName("exportFailed")
        box.open()
        self.error_box = box
        self.exported.emit(path, -1)
