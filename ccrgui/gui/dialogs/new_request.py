"""The "New install request" dialog: one name (Enter queues it) or a pasted/imported list,
validated as you type, with the "Always install (Forced CCR)" choice."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
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

from ...core.names import check_machine_name, normalize_input
from ...core.queue import check_name_list, read_name_file, read_name_list
from ...core.site import Site
from ..tasks import run_task
from ..view_state import restore_geometry, save_geometry

__all__ = ["NewRequestDialog"]

MAX_SHOWN_ERRORS = 5
# each mode keeps its own size: a list wants room, one name does not
GEOMETRY_KEYS = {False: "new-request", True: "new-request-list"}
DEFAULT_SIZES = {False: (560, 220), True: (560, 420)}


class NewRequestDialog(QDialog):
    """Emits ``submitted(names, forced)`` when the user queues; the window does the writing."""

    submitted = Signal(list, bool)
    list_loaded = Signal()  # an imported list arrived (or could not be read)

    def __init__(
        self, parent: QWidget | None = None, *, forced: bool = True, site: Site | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New install request")
        self.setObjectName("newRequestDialog")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("machineName")
        self.name_edit.setAccessibleName("Machine name")
        self.name_edit.setPlaceholderText("Machine name, e.g. PC-0042 or pc-0042.corp.example")
        self.name_edit.setClearButtonEnabled(True)
        self.list_edit = QPlainTextEdit()
        self.list_edit.setObjectName("machineList")
        self.list_edit.setAccessibleName("Machine names, one per line")
        self.list_edit.setPlaceholderText("One machine name per line; # starts a comment")
        self.list_edit.hide()
        self.list_toggle = QPushButton("&Several machines…")
        self.list_toggle.setCheckable(True)
        self.list_toggle.setToolTip("Type or paste a list of machine names, one per line")
        self.import_button = QPushButton("&Import list…")
        self.import_button.setToolTip("Read machine names from a text file, one per line")
        self.problem_label = QLabel("")
        self.problem_label.setObjectName("nameProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.count_label = QLabel("")
        self.forced_box = QCheckBox("&Always install (Forced CCR)")
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

        intro = QLabel(self._intro(site))
        intro.setObjectName("siteIntro")
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        lay.addStretch(1)  # one name: the spare height goes below, the widgets stay together
        lay.addWidget(self.buttons)
        self._layout = lay
        self._stretch_index = lay.count() - 2

        self.name_edit.textChanged.connect(self._name_changed)
        self.list_edit.textChanged.connect(self.revalidate)
        self.list_toggle.toggled.connect(self.set_list_mode)
        self.import_button.clicked.connect(self.import_list)
        self._waiting = False
        self._restore_size()
        self.revalidate()

    @staticmethod
    def _intro(site: Site | None) -> str:
        """Which site the request goes to: queueing on the wrong site is the costly slip."""
        if site is None:
            return "Queue a client push install into the site's ccr.box."
        where = "the built-in sandbox (practice only)" if site.sandbox else site.name
        return f"Queue a client push install on {where}.\nInto: {site.pending}"

    # ------------------------------------------------------------------ modes
    @property
    def list_mode(self) -> bool:
        return self.list_toggle.isChecked()

    def set_list_mode(self, on: bool) -> None:
        if self.list_toggle.isChecked() != on:
            self.list_toggle.setChecked(on)  # re-enters through toggled
            return
        if self.isVisible():
            save_geometry(self, GEOMETRY_KEYS[not on])  # the size of the mode left
        if on and self.name_edit.text().strip() and not self.list_edit.toPlainText().strip():
            self.list_edit.setPlainText(self.name_edit.text().strip() + "\n")
        self.name_edit.setVisible(not on)
        self.list_edit.setVisible(on)
        self._layout.setStretch(self._stretch_index, 0 if on else 1)
        (self.list_edit if on else self.name_edit).setFocus()
        self.revalidate()  # first: the list's problem line must not hold the size up
        self._restore_size()

    def _restore_size(self) -> None:
        """This mode's remembered size (window position kept), else its default."""
        mode = self.list_mode
        pos = self.pos()
        self._layout.activate()  # the minimum size of this mode's widgets, not the last's
        if restore_geometry(self, GEOMETRY_KEYS[mode]):
            if self.isVisible():
                self.move(pos)  # switching modes resizes the dialog, never moves it
            return
        width, height = DEFAULT_SIZES[mode]
        self.resize(max(width, self.width() if self.isVisible() else 0), height)

    def set_list_text(self, text: str) -> None:
        self.list_edit.setPlainText(text)
        self.set_list_mode(True)

    def _name_changed(self, text: str) -> None:
        if "\n" in text or "\r" in text:
            # a pasted or dropped list, by whatever route: it belongs in the list box
            self.name_edit.blockSignals(True)
            self.name_edit.clear()
            self.name_edit.blockSignals(False)
            if len(read_name_list(text.splitlines())) > 1:
                self.set_list_text(text)
                return
            self.name_edit.setText(text.strip("\r\n"))
            return
        self.revalidate()

    def import_list(self) -> None:
        dlg = QFileDialog(self, "Import machine names", "", "Text files (*.txt *.csv);;All (*)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.fileSelected.connect(self.load_list_file)
        dlg.open()
        self._file_dialog = dlg

    def load_list_file(self, path: str) -> None:
        """Read a list file off the GUI thread (it may sit on a slow share)."""
        self.count_label.setText(f"Reading {Path(path).name}…")
        run_task(partial(read_name_file, path), self._list_loaded, self._list_failed)

    def _list_loaded(self, text: str) -> None:
        self.set_list_text(text)
        self.list_loaded.emit()

    def _list_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, (OSError, ValueError)):
            raise exc
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        self.revalidate()
        self.problem_label.setText(f"Cannot read the list: {reason}{where}")
        self.problem_label.show()
        self.list_loaded.emit()

    # ------------------------------------------------------------------ validation
    def names(self) -> list[str]:
        return self._check()[0]

    def _check(self) -> tuple[list[str], list[str]]:
        if self.list_mode:
            names, problems = check_name_list(self.list_edit.toPlainText())
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
            self.count_label.setText(f"{len(names)} machine(s) · Ctrl+Enter queues")
        else:
            self.count_label.setText("")

    # ------------------------------------------------------------------ submit
    @property
    def waiting(self) -> bool:
        """Submitted, and waiting for the window's :meth:`finish`."""
        return self._waiting

    def accept(self) -> None:
        """Queue: the dialog stays open until the window says how it went (:meth:`finish`),
        so a name that was not queued is still here to fix, not lost."""
        names, problems = self._check()
        if not names or problems or self._waiting:
            return  # Enter on an invalid name does nothing; the rule is shown
        save_geometry(self, GEOMETRY_KEYS[self.list_mode])
        self._waiting = True
        self.ok_button.setEnabled(False)
        self.count_label.setText("Queueing…")
        self.submitted.emit(names, self.forced_box.isChecked())

    def finish(self, problem: str = "", keep: list[str] | None = None) -> None:
        """How the queueing went: nothing wrong closes the dialog; otherwise ``problem``
        is said here and the input stays. In a list, only the names in ``keep`` (those not
        queued) stay, so Queue again does not repeat the others."""
        self._waiting = False
        if not problem:
            super().accept()
            return
        if self.list_mode and keep:
            self.list_edit.setPlainText("\n".join(keep) + "\n")
        self.revalidate()
        self.problem_label.setText(problem)
        self.problem_label.show()

    def reject(self) -> None:
        save_geometry(self, GEOMETRY_KEYS[self.list_mode])
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
