"""Settings' file-type buttons register and unregister the .ccr type for real (xdg)."""

from __future__ import annotations

import os
from pathlib import Path

from ccrgui.core import filetype
from ccrgui.gui.dialogs.file_type import FileTypeButtons


def test_settings_buttons_register_and_unregister_the_file_type(qtbot, monkeypatch) -> None:
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
    desktop = Path(os.environ["XDG_DATA_HOME"]) / "applications" / filetype.DESKTOP_FILE
    buttons = FileTypeButtons()
    qtbot.addWidget(buttons)
    buttons.register_button.click()
    qtbot.waitUntil(lambda: buttons.status.text().startswith("Registered"), timeout=10000)
    assert f"MimeType={filetype.MIME_TYPE};" in desktop.read_text()
    assert buttons.register_button.isEnabled()
    buttons.unregister_button.click()
    qtbot.waitUntil(lambda: buttons.status.text().startswith("Unregistered"), timeout=10000)
    assert not desktop.exists()
