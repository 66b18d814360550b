"""The "New install request" dialog: one name (Enter queues it) or a pasted/imported list,
validated as you type, with the "Always install (Forced CCR)" choice."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.names import check_machine_name, normalize_input
from ..core.queue import read_name_list
from .settings import restore_geometry, save_geometry

__all__ = ["NewRequestDialog", "check_names"]

MAX_SHOWN_ERRORS = 5


def check_names(text: str) -> tuple[list[str], list[str]]:
    """(names, problems) for a list typed or pasted one name per line."""
    names: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for name in read_name_list([line]):
            reason = check_machine_name(normalize_input(name))
            if reason is None:
                names.append(normalize_input(name))
            else:
                problems.append(f"Line {number}: '{name}': {reason}")
    return names, problems


class _NameEdit(QLineEdit):
    """A line edit that hands a multi-line paste to the list box instead of mangling it."""

    multiline_pasted = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            text = QGuiApplication.clipboard().text()
            if "\n" in text.strip():
                self.multiline_pasted.emit(text)
                return
        super().keyPressEvent(event)


class NewRequestDialog(QDialog):
    """Emits ``submitted(names, forced)`` when the user queues; the window does the writing."""

    submitted = Signal(list, bool)

    def __init__(self, parent: QWidget | None = None, *, forced: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("New install request")
        self.setObjectName("newRequestDialog")
        self.name_edit = _NameEdit()
        self.name_edit.setObjectName("machineName")
        self.name_edit.setPlaceholderText("Machine name, e.g. PC-0042 or pc-0042.corp.example")
        self.name_edit.setClearButtonEnabled(True)
        self.list_edit = QPlainTextEdit()
        self.list_edit.setObjectName("machineList")
        self.list_edit.setPlaceholderText("One machine name per line; # starts a comment")
        self.list_edit.hide()
        self.list_toggle = QPushButton("Several machines…")
        self.list_toggle.setCheckable(True)
        self.list_toggle.setToolTip("Type or paste a list of machine names, one per line")
        self.import_button = QPushButton("Import list…")
        self.import_button.setToolTip("Read machine names from a text file, one per line")
        self.problem_label = QLabel("")
        self.problem_label.setObjectName("nameProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.count_label = QLabel("")
        self.forced_box = QCheckBox("Always install (Forced CCR)")
        self.forced_box.setObjectName("forcedCcr")
        self.forced_box.setToolTip(
            "Install even when a client is already there (Forced CCR=TRUE). Without it, a\n"
            "machine that already has this client version fails with error 120."
        )
        self.forced_box.setChecked(forced)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Queue")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        intro = QLabel("Queue a client push install: the request goes into the site's ccr.box.")
        intro.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.list_toggle)
        row.addWidget(self.import_button)
        row.addStretch(1)
        row.addWidget(self.count_label)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.name_edit)
        lay.addWidget(self.list_edit, 1)
        lay.addWidget(self.problem_label)
        lay.addLayout(row)
        lay.addWidget(self.forced_box)
        lay.addWidget(self.buttons)

        self.name_edit.textChanged.connect(self.revalidate)
        self.name_edit.multiline_pasted.connect(self.set_list_text)
        self.list_edit.textChanged.connect(self.revalidate)
        self.list_toggle.toggled.connect(self.set_list_mode)
        self.import_button.clicked.connect(self.import_list)
        if not restore_geometry(self, "new-request"):
            self.resize(480, 200)
        self.revalidate()

    # ------------------------------------------------------------------ modes
    @property
    def list_mode(self) -> bool:
        return self.list_toggle.isChecked()

    def set_list_mode(self, on: bool) -> None:
        if self.list_toggle.isChecked() != on:
            self.list_toggle.setChecked(on)  # re-enters through toggled
            return
        if on and self.name_edit.text().strip() and not self.list_edit.toPlainText().strip():
            self.list_edit.setPlainText(self.name_edit.text().strip() + "\n")
        self.name_edit.setVisible(not on)
        self.list_edit.setVisible(on)
        (self.list_edit if on else self.name_edit).setFocus()
        if on and self.height() < 360:
            self.resize(self.width(), 360)
        self.revalidate()

    def set_list_text(self, text: str) -> None:
        self.list_edit.setPlainText(text)
        self.set_list_mode(True)

    def import_list(self) -> None:
        dlg = QFileDialog(self, "Import machine names", "", "Text files (*.txt *.csv);;All (*)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.fileSelected.connect(self.load_list_file)
        dlg.open()
        self._file_dialog = dlg

    def load_list_file(self, path: str) -> None:
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as fh:
                text = fh.read()
        except OSError as exc:
            self.problem_label.setText(f"Cannot read {path}: {exc.strerror or exc}")
            return
        self.set_list_text(text)

    # ------------------------------------------------------------------ validation
    def names(self) -> list[str]:
        return self._check()[0]

    def _check(self) -> tuple[list[str], list[str]]:
        if self.list_mode:
            names, problems = check_names(self.list_edit.toPlainText())
            if not names and not problems:
                problems = ["Type or paste machine names, one per line."]
            return names, problems
        raw = self.name_edit.text()
        if not raw.strip():
            return [], [""]  # empty: OK disabled, no red text yet
        name = normalize_input(raw)
        reason = check_machine_name(name)
        return ([name], []) if reason is None else ([], [reason])

    def revalidate(self) -> None:
        names, problems = self._check()
        shown = [p for p in problems if p][:MAX_SHOWN_ERRORS]
        if len(problems) > MAX_SHOWN_ERRORS:
            shown.append(f"… and {len(problems) - MAX_SHOWN_ERRORS} more lines to fix.")
        self.problem_label.setText("\n".join(shown))
        self.problem_label.setVisible(bool(shown))
        self.ok_button.setEnabled(bool(names) and not problems)
        if self.list_mode:
            self.count_label.setText(f"{len(names)} machine(s)")
        else:
            self.count_label.setText("")

    # ------------------------------------------------------------------ submit
    def accept(self) -> None:
        names, problems = self._check()
        if not names or problems:
            return  # Enter on an invalid name does nothing; the rule is shown
        save_geometry(self, "new-request")
        self.submitted.emit(names, self.forced_box.isChecked())
        super().accept()

    def reject(self) -> None:
        save_geometry(self, "new-request")
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            self.list_mode
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()  # Ctrl+Enter queues a list; plain Enter adds a line
            return
        super().keyPressEvent(event)
