"""What the box view says about the box itself: the offline banner above the table and
the status line below it (counts, when it was read, where, load progress)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QWidget

from ...core.scanner import BoxUnreachable

__all__ = ["Note", "OfflineBanner", "StatusLine"]

_NOTE_STYLE = (
    "QLabel {{ background: {bg}; color: {fg}; border: 1px solid {border}; "
    "border-radius: 4px; padding: 6px; }}"
)


class OfflineBanner(QLabel):
    """Red, above the table, while the box cannot be read; the rows stay."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(
            "QLabel#offlineBanner { background: #fdecea; color: #8a1c12; border: 1px solid"
            " #e0a39b; border-radius: 4px; padding: 6px; font-weight: bold; }"
        )
        self.hide()

    def show_state(
        self,
        offline: BoxUnreachable | None,
        last_good: datetime | None,
        rows: int,
        poll_seconds: float,
    ) -> None:
        if offline is None:
            self.hide()
            return
        if last_good is None:
            kept = "Nothing has been read from it yet."
        else:
            today = last_good.date() == datetime.now().date()
            when = last_good.strftime("%H:%M:%S" if today else "%c")
            kept = f"Showing the {rows:,} requests read at {when}."
        self.setText(
            f"Offline — {offline.message} {kept} Trying again every {poll_seconds:g} s (F5: now)."
        )
        self.show()


class Note(QLabel):
    """A coloured note above the table, shown while it has something to say."""

    def __init__(
        self, name: str, colours: tuple[str, str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        bg, fg, border = colours
        self.setStyleSheet(_NOTE_STYLE.format(bg=bg, fg=fg, border=border))
        self.hide()

    def say(self, text: str) -> None:
        """Show ``text``; "" hides the note."""
        self.setText(text)
        self.setVisible(bool(text))


class StatusLine(QWidget):
    """``1,234 of 5,000 requests · 3 not valid · read at 12:00:01 · \\\\server\\box``,
    with a progress bar while a big folder is read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar()
        self.progress.setObjectName("loadProgress")
        self.progress.setFormat("Reading %v of %m files")
        # wide enough for "Reading 55320 of 100000 files" in the font in use: never clipped
        wide = self.progress.fontMetrics().horizontalAdvance("Reading 000000 of 000000 files")
        self.progress.setMinimumWidth(wide + 48)
        self.progress.hide()
        self.label = QLabel()
        self.label.setObjectName("boxStatus")
        # a long share path must not stop the window from being made narrower
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)

    def show_counts(
        self, box: Path | None, total: int, shown: int, bad: int, read_at: datetime | None
    ) -> None:
        if box is None:
            self.label.setText("No site open")  # not "0 requests": nothing was read
            return
        what = "request" if total == 1 else "requests"
        text = f"{shown:,} of {total:,} {what}" if shown != total else f"{total:,} {what}"
        if bad:
            text += f" · {bad:,} not valid"
        if read_at is not None:
            text += f" · read at {read_at:%H:%M:%S}"
        self.label.setText(f"{text} · {box}")

    def show_progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.progress.hide()
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setVisible(total > 200)  # a few files read in a blink
