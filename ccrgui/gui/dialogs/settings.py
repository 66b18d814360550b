"""Settings: the sites (name + inbox folder, UNC paths welcome), the default site, request
defaults, polling, confirmation, and the .ccr file type registration."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.config import Config, ConfigError, SiteEntry, load_config, save_config
from ...core.site import Site, open_site
from ..tasks import run_task
from ..view_state import restore_geometry, save_geometry

__all__ = ["SettingsDialog"]

SANDBOX_CHOICE = "(built-in sandbox)"


class SettingsDialog(QDialog):
    """Emits ``saved(Config)`` after writing the preferences."""

    saved = Signal(object)
    tested = Signal(bool)  # a Test (or Browse) check finished: is it a site?

    def __init__(
        self, parent: QWidget | None = None, config: Config | None = None, problem: str = ""
    ) -> None:
        """``config``: the settings to edit (the window's; read from disk when None),
        ``problem``: why they could not be read."""
        super().__init__(parent)
        self._test_generation = 0
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        load_problem = problem
        if config is None:
            try:
                config = load_config()
            except ConfigError as exc:
                config, load_problem = Config(), str(exc)
            else:
                load_problem = " ".join(config.problems)
        self.config = config

        self.sites_table = QTableWidget(0, 3)
        self.sites_table.setObjectName("sitesTable")
        self.sites_table.setAccessibleName("Sites")
        self.sites_table.setHorizontalHeaderLabels(
            ["Name", r"Inbox folder (e.g. \\SERVER\SMS_ABC\inboxes)", "ccm.log (optional)"]
        )
        log_header = self.sites_table.horizontalHeaderItem(2)
        if log_header is not None:
            log_header.setToolTip(
                "Where the site server's ccm.log is, for a request's History (a file or its "
                "folder). Empty: Logs\\ccm.log beside the inboxes folder."
            )
        self.sites_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.sites_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sites_table.verticalHeader().hide()
        for entry in self.config.sites:
            self._append_row(entry.name, entry.root, entry.ccm_log)
        self.add_button = QPushButton("&Add")
        self.browse_button = QPushButton("&Browse…")
        self.remove_button = QPushButton("&Remove")
        self.test_button = QPushButton("&Test")
        self.test_button.setToolTip(
            "Check that the selected site's ccr.box and ccrretry.box can be reached"
        )
        self.test_label = QLabel("")
        self.test_label.setObjectName("siteTestResult")
        self.test_label.setWordWrap(True)
        self.add_button.clicked.connect(self.add_site)
        self.browse_button.clicked.connect(self.browse)
        self.remove_button.clicked.connect(self.remove_site)
        self.test_button.clicked.connect(self.test_site)
        self.sites_table.itemChanged.connect(self._refresh_default_choices)

        self.default_combo = QComboBox()
        self.default_combo.setObjectName("defaultSite")
        self.default_combo.setAccessibleName("Default site")
        self.default_combo.setToolTip(
            "The site the window and the ccr command open when none is named; the built-in\n"
            "sandbox stays the default until you choose one of your sites here"
        )
        self.always_install = QCheckBox("Always install (Forced CCR) on new requests")
        self.always_install.setChecked(self.config.always_install)
        self.poll_seconds = QSpinBox()
        self.poll_seconds.setRange(2, 3600)
        self.poll_seconds.setSuffix(" s")
        self.poll_seconds.setValue(self.config.poll_seconds)
        self.poll_seconds.setToolTip(
            "How often the box is read again. Change notification is unreliable on network\n"
            "shares, so ccrgui also polls."
        )
        self.confirm_over = QSpinBox()
        self.confirm_over.setRange(0, 100000)
        self.confirm_over.setSpecialValueText("never ask")
        self.confirm_over.setValue(self.config.confirm_over)
        self.confirm_over.setToolTip("Ask before resubmitting more than this many requests")

        sites_box = QGroupBox("Sites")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.browse_button, self.remove_button, self.test_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        sl = QVBoxLayout(sites_box)
        sl.addWidget(self.sites_table)
        sl.addLayout(buttons)
        sl.addWidget(self.test_label)

        form = QFormLayout()
        form.addRow("Default site:", self.default_combo)
        form.addRow("", self.always_install)
        form.addRow("Refresh every:", self.poll_seconds)
        form.addRow("Confirm resubmitting more than:", self.confirm_over)

        self.file_type_row = QHBoxLayout()
        self.file_type_row.setObjectName("fileTypeRow")
        file_box = QGroupBox(".ccr files")
        file_box.setLayout(self.file_type_row)
        self._add_file_type_buttons()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.problem_label = QLabel(load_problem)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(bool(load_problem))

        lay = QVBoxLayout(self)
        lay.addWidget(sites_box, 1)
        lay.addLayout(form)
        lay.addWidget(file_box)
        lay.addWidget(self.problem_label)
        lay.addWidget(self.buttons)
        self._refresh_default_choices()
        wanted = self.config.default_site
        index = self.default_combo.findText(wanted, Qt.MatchFlag.MatchFixedString) if wanted else 0
        if index < 0:  # what the app and ccr refuse: say so rather than show the sandbox
            index = 0
            self.problem_label.setText(
                f"The default site '{wanted}' in the settings file is not one of the sites "
                "below, so nothing opens by default. Choose the default site and Save."
            )
            self.problem_label.show()
        self.default_combo.setCurrentIndex(index)
        if not restore_geometry(self, "settings"):
            self.resize(720, 520)

    def _add_file_type_buttons(self) -> None:
        from .file_type import FileTypeButtons

        self.file_type_buttons = FileTypeButtons(self)
        self.file_type_row.addWidget(self.file_type_buttons)

    # ------------------------------------------------------------------ sites table
    def _append_row(self, name: str, root: str, ccm_log: str = "") -> int:
        row = self.sites_table.rowCount()
        self.sites_table.insertRow(row)
        self.sites_table.setItem(row, 0, QTableWidgetItem(name))
        self.sites_table.setItem(row, 1, QTableWidgetItem(root))
        self.sites_table.setItem(row, 2, QTableWidgetItem(ccm_log))
        return row

    def add_site(self, name: str = "", root: str = "") -> int:
        row = self._append_row(name or f"Site {self.sites_table.rowCount() + 1}", root)
        self.sites_table.setCurrentCell(row, 1)
        item = self.sites_table.item(row, 1)
        if not root and item is not None:
            self.sites_table.editItem(item)
        self._refresh_default_choices()
        return row

    def browse(self) -> None:
        row = self.sites_table.currentRow()
        dlg = QFileDialog(self, "Choose the site's inboxes folder")
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.fileSelected.connect(partial(self._browsed, row))
        dlg.open()
        self._file_dialog = dlg

    def _browsed(self, row: int, path: str) -> None:
        if row < 0 or row >= self.sites_table.rowCount():
            row = self.add_site(root=path)
        item = self.sites_table.item(row, 1)
        if item is not None:
            item.setText(path)
        self.sites_table.setCurrentCell(row, 1)
        self.test_site()  # say at once whether the chosen folder is a site

    def remove_site(self) -> None:
        row = self.sites_table.currentRow()
        if row >= 0:
            self.sites_table.removeRow(row)
            self._refresh_default_choices()

    def entries(self) -> list[SiteEntry]:
        result = []
        for row in range(self.sites_table.rowCount()):
            name_item, root_item = self.sites_table.item(row, 0), self.sites_table.item(row, 1)
            name = name_item.text().strip() if name_item else ""
            root = root_item.text().strip() if root_item else ""
            log_item = self.sites_table.item(row, 2)
            if name or root:
                result.append(SiteEntry(name, root, log_item.text().strip() if log_item else ""))
        return result

    def _refresh_default_choices(self) -> None:
        """The default-site choices follow the table; renaming the default keeps it."""
        current_item = self.default_combo.currentData()
        current_text = self.default_combo.currentText()
        self.default_combo.blockSignals(True)
        self.default_combo.clear()
        self.default_combo.addItem(SANDBOX_CHOICE, None)
        index = 0
        for row in range(self.sites_table.rowCount()):
            item = self.sites_table.item(row, 0)
            name = item.text().strip() if item else ""
            if not name:
                continue
            self.default_combo.addItem(name, item)
            if item is current_item or (index == 0 and name == current_text):
                index = self.default_combo.count() - 1
        self.default_combo.setCurrentIndex(index)
        self.default_combo.blockSignals(False)

    # ------------------------------------------------------------------ test a site
    def _row_entry(self, row: int) -> SiteEntry:
        name_item, root_item = self.sites_table.item(row, 0), self.sites_table.item(row, 1)
        return SiteEntry(
            name_item.text().strip() if name_item else "",
            root_item.text().strip() if root_item else "",
        )

    def test_site(self) -> None:
        """Open the selected row's folder off the GUI thread and say what was found."""
        row = self.sites_table.currentRow()
        if self.sites_table.rowCount() == 0:
            self.test_label.setText("Add a site first.")
            return
        entry = self._row_entry(row if row >= 0 else 0)
        if not entry.root:
            self.test_label.setText("Type the site's inbox folder first, or use Browse….")
            return
        self._test_generation += 1
        generation = self._test_generation
        self.test_label.setStyleSheet("")
        self.test_label.setText(f"Checking {entry.root}…")
        run_task(
            partial(open_site, entry.root, entry.name or None),
            partial(self._tested, generation),
            partial(self._test_failed, generation),
        )

    def _tested(self, generation: int, site: Site) -> None:
        if generation != self._test_generation:
            return  # a later check wins
        self.test_label.setStyleSheet("color: #1b5e20;")
        self.test_label.setText(
            f"OK: found {site.pending.name} and {site.retry.name} in {site.root}"
        )
        self.tested.emit(True)

    def _test_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._test_generation:
            return
        self.test_label.setStyleSheet("color: #b00020;")
        self.test_label.setText(str(exc))
        self.tested.emit(False)

    # ------------------------------------------------------------------ save
    def problems(self) -> list[str]:
        out = []
        seen: set[str] = set()
        for n, entry in enumerate(self.entries(), start=1):
            if not entry.name:
                out.append(f"Site {n} has no name.")
            elif entry.name.casefold() in seen:
                out.append(f"Two sites are named '{entry.name}'.")
            seen.add(entry.name.casefold())
            if not entry.root:
                out.append(f"Site '{entry.name or n}' has no inbox folder.")
        return out

    def accept(self) -> None:
        problems = self.problems()
        if problems:
            self.problem_label.setText("\n".join(problems))
            self.problem_label.show()
            return
        cfg = self.config
        cfg.sites = self.entries()
        choice = self.default_combo.currentText()
        cfg.default_site = "" if choice == SANDBOX_CHOICE else choice
        cfg.always_install = self.always_install.isChecked()
        cfg.poll_seconds = self.poll_seconds.value()
        cfg.confirm_over = self.confirm_over.value()
        try:
            save_config(cfg)
        except OSError as exc:
            self.problem_label.setText(f"Settings not saved: {exc.strerror or exc}")
            self.problem_label.show()
            return
        save_geometry(self, "settings")
        self.saved.emit(cfg)
        super().accept()

    def reject(self) -> None:
        save_geometry(self, "settings")
        super().reject()
