"""The settings dialog's "Register .ccr file type" and "Unregister" buttons."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...core import filetype
from ...core.filetype import EXTENSION
from ..tasks import run_task

__all__ = ["FileTypeButtons"]


class FileTypeButtons(QWidget):
    """The settings dialog's "Register .ccr file type" and "Unregister" buttons, with the
    outcome in words. The work (files, desktop databases, registry) runs off the GUI thread."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register_button = QPushButton("Register .ccr file type")
        self.register_button.setObjectName("registerFileTypeButton")
        self.register_button.setToolTip(
            f"Make ccrgui the program that opens {EXTENSION} files for your account"
        )
        self.unregister_button = QPushButton("Unregister")
        self.unregister_button.setObjectName("unregisterFileTypeButton")
        self.unregister_button.setToolTip("Remove exactly what registering added")
        self.status = QLabel()
        self.status.setObjectName("fileTypeStatus")
        self.status.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.register_button)
        layout.addWidget(self.unregister_button)
        layout.addWidget(self.status, 1)
        self.register_button.clicked.connect(self.register)
        self.unregister_button.clicked.connect(self.unregister)

    def register(self) -> None:
        self._run(filetype.register, "Registered")

    def unregister(self) -> None:
        self._run(filetype.unregister, "Unregistered")

    def _run(self, work: Callable[[], filetype.Registration], done: str) -> None:
        self.register_button.setEnabled(False)
        self.unregister_button.setEnabled(False)
        self.status.setText("Working…")
        finished = partial(self._finished, done=done)
        run_task(work, finished, finished)

    def _finished(self, result: filetype.Registration | BaseException, done: str) -> None:
        self.register_button.setEnabled(True)
        self.unregister_button.setEnabled(True)
        if isinstance(result, filetype.FileTypeError | OSError):
            self.status.setText(f"Failed: {result}")
        elif isinstance(result, BaseException):
            self.status.setText(f"Failed unexpectedly: {result!r}")
        else:
            notes = "; ".join(n for n in result.notes if n.startswith("note:"))
            self.status.setText(f"{done} the {EXTENSION} file type. {notes}".strip())
