"""The .ccr file type: one list in filetype.py, the files generated from it, and per-user
registration tested with the real freedesktop tools (xdg-utils, desktop-file-utils,
shared-mime-info) in a temporary XDG_DATA_HOME."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from ccrgui.core import filetype
from ccrgui.core.filetype import (
    DESKTOP_FILE,
    DOC_ICON,
    MIME_TYPE,
    PROG_ID,
    RegValue,
    desktop_entry,
    mime_xml,
    nsis_defines,
    windows_command,
    windows_registry_values,
)

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "ccrgui" / "resources" / "icons"


# --------------------------------------------------------------------------- one place


def test_generated_files_match_the_one_list() -> None:
    """packaging/ says what filetype.py says (tools/make_resources.py)."""
    assert (LINUX / DESKTOP_FILE).read_text() == desktop_entry()
    assert (LINUX / filetype.MIME_PACKAGE).read_text() == mime_xml()
    assert (ROOT / "packaging" / "filetype.nsh").read_text() == nsis_defines()
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_resources.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout


def test_mime_package_names_extension_type_and_icon() -> None:
    xml = mime_xml()
    assert f'type="{MIME_TYPE}"' in xml
    assert '<glob pattern="*.ccr"/>' in xml
    assert f'<icon name="{DOC_ICON}"/>' in xml
    assert filetype.DESCRIPTION in xml


def test_metainfo_agrees_with_filetype() -> None:
    text = (LINUX / f"{filetype.APP_ID}.metainfo.xml").read_text()
    assert f"<mediatype>{MIME_TYPE}</mediatype>" in text
    assert f'<launchable type="desktop-id">{DESKTOP_FILE}</launchable>' in text
    assert f"<summary>{filetype.APP_SUMMARY}</summary>" in text
    assert f"<id>{filetype.APP_ID}</id>" in text
    assert f'<icon type="stock">{filetype.APP_ICON}</icon>' in text
    assert f'<url type="homepage">{filetype.APP_URL}</url>' in text


def test_one_application_id_everywhere() -> None:
    """The .desktop file's name, the AppStream id, the icon and the desktop file name Qt
    gives the compositor are one reverse-DNS ID."""
    assert f"{filetype.APP_ID}.desktop" == DESKTOP_FILE
    assert filetype.APP_ICON == filetype.APP_ID
    assert filetype.APP_ID.count(".") >= 2 and filetype.APP_ID.islower()
    assert f"Icon={filetype.APP_ID}\n" in desktop_entry()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("name", [filetype.APP_ICON, DOC_ICON])
def test_icons_exist_at_every_size(name: str) -> None:
    icons = ICONS
    assert filetype.icon_file(name).read_bytes() == (icons / f"{name}.svg").read_bytes()
    assert (icons / f"{name}.svg").read_text().lstrip().startswith("<?xml")
    for size in filetype.ICON_SIZES:
        assert _png_size(icons / f"{size}x{size}" / f"{name}.png") == (size, size)
    ico = (icons / f"{name}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes


# --------------------------------------------------------------------------- desktop entry


def test_exec_line_quotes_paths_with_spaces_and_ends_with_files() -> None:
    assert filetype.desktop_exec(["/usr/bin/ccrgui"]) == "/usr/bin/ccrgui %F"
    assert filetype.desktop_exec(["/opt/my apps/ccrgui"]) == '"/opt/my apps/ccrgui" %F'
    assert filetype.desktop_exec(["/p/python3", "-m", "ccrgui"]) == "/p/python3 -m ccrgui %F"
    # a $ must not be expanded by the launcher; the value escapes the backslash again
    assert filetype.desktop_exec(["/a$b"]) == '"/a\\\\$b" %F'


@pytest.mark.parametrize(
    "command", [["ccrgui"], ["/opt/my apps/ccr gui"], ["/usr/bin/python3", "-m", "ccrgui"]]
)
def test_desktop_file_is_valid(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / DESKTOP_FILE
    path.write_text(desktop_entry(command))
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_gui_command_points_at_this_installation() -> None:
    command = filetype.gui_command()
    exe = Path(command[0])
    assert exe.is_absolute() and exe.is_file() and os.access(exe, os.X_OK)
    if len(command) == 1:  # the ccrgui entry point beside this Python
        assert exe.name == "ccrgui"
        assert sys.executable in exe.read_text(errors="replace").splitlines()[0]
    else:
        assert command[1:] == ["-m", "ccrgui"]


# --------------------------------------------------------------------------- freedesktop


def _xdg_env() -> dict[str, str]:
    """The test's environment (temp XDG dirs) with no desktop session: xdg-mime then uses
    its generic code path (mimeapps.list + the shared-mime-info database)."""
    env = dict(os.environ)
    for var in (
        "XDG_CURRENT_DESKTOP",
        "XDG_SESSION_DESKTOP",
        "DESKTOP_SESSION",
        "KDE_FULL_SESSION",
        "GNOME_DESKTOP_SESSION_ID",
        "MATE_DESKTOP_SESSION_ID",
        "DBUS_SESSION_BUS_ADDRESS",
        "DISPLAY",
        "WAYLAND_DISPLAY",
    ):
        env.pop(var, None)
    env["XDG_DATA_DIRS"] = "/usr/share"
    return env


def _xdg_mime(*args: str) -> str:
    out = subprocess.run(["xdg-mime", *args], capture_output=True, text=True, env=_xdg_env())
    return out.stdout.strip()


def _ccr(cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccrgui.cli", cmd], capture_output=True, text=True, env=_xdg_env()
    )


def _tree(*folders: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")) if folder.exists() else []:
            found[str(p)] = p.read_bytes() if p.is_file() else b"<dir>"
    return found


@pytest.fixture
def xdg(isolated_state: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    for tool in ("xdg-mime", "update-mime-database", "update-desktop-database", "mimetype"):
        assert shutil.which(tool), f"{tool} missing: .ci/run installs it"
    for var in ("XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION"):
        monkeypatch.delenv(var, raising=False)
    data = Path(os.environ["XDG_DATA_HOME"])
    config = Path(os.environ["XDG_CONFIG_HOME"])
    sample = isolated_state / "docs" / "PC1.ccr"
    sample.parent.mkdir()
    sample.write_bytes(b"[NT Client Configuration Request]\r\nMachine Name=PC1\r\n")
    return {"data": data, "config": config, "sample": sample, "state": isolated_state}


def test_register_makes_ccrgui_the_default_for_ccr_files(xdg: dict[str, Path]) -> None:
    assert _xdg_mime("query", "default", MIME_TYPE) == ""
    result = _ccr("register-filetype")
    assert result.returncode == 0, result.stderr
    assert _xdg_mime("query", "filetype", str(xdg["sample"])) == MIME_TYPE
    assert _xdg_mime("query", "default", MIME_TYPE) == DESKTOP_FILE
    installed = xdg["data"] / "applications" / DESKTOP_FILE
    validate = subprocess.run(["desktop-file-validate", str(installed)], capture_output=True)
    assert validate.returncode == 0, validate.stdout
    exec_line = next(ln for ln in installed.read_text().splitlines() if ln.startswith("Exec="))
    assert exec_line == "Exec=" + filetype.desktop_exec(filetype.gui_command())
    assert Path(filetype.gui_command()[0]).is_file()  # this installation, not a bare name
    mimeapps = (xdg["config"] / "mimeapps.list").read_text()
    assert f"{MIME_TYPE}={DESKTOP_FILE}" in mimeapps
    icon = xdg["data"] / "icons" / "hicolor" / "scalable" / "mimetypes" / f"{DOC_ICON}.svg"
    assert icon.read_bytes() == (ICONS / f"{DOC_ICON}.svg").read_bytes()


def test_unregister_removes_exactly_what_register_added(xdg: dict[str, Path]) -> None:
    before = _tree(xdg["state"])
    assert _ccr("register-filetype").returncode == 0
    assert _tree(xdg["state"]) != before
    result = _ccr("unregister-filetype")
    assert result.returncode == 0, result.stderr
    assert _tree(xdg["state"]) == before
    assert _xdg_mime("query", "default", MIME_TYPE) == ""
    assert _xdg_mime("query", "filetype", str(xdg["sample"])) != MIME_TYPE


def test_unregister_keeps_other_programs_registrations(xdg: dict[str, Path]) -> None:
    data, config = xdg["data"], xdg["config"]
    (data / "mime" / "packages").mkdir(parents=True)
    (data / "mime" / "packages" / "other.xml").write_text(
        '<?xml version="1.0"?>\n<mime-info xmlns="http://www.freedesktop.org/standards/'
        'shared-mime-info">\n  <mime-type type="application/x-other">\n'
        '    <comment>Other</comment>\n    <glob pattern="*.oth"/>\n  </mime-type>\n'
        "</mime-info>\n"
    )
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "other.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Other\nExec=/bin/true %F\n"
        "MimeType=application/x-other;\n"
    )
    config.mkdir(parents=True)
    (config / "mimeapps.list").write_text(
        "[Default Applications]\napplication/x-other=other.desktop\n"
    )
    env = _xdg_env()
    subprocess.run(["update-mime-database", str(data / "mime")], check=True, env=env)
    subprocess.run(["update-desktop-database", str(data / "applications")], check=True, env=env)
    before = _tree(xdg["state"])
    assert _ccr("register-filetype").returncode == 0
    assert _xdg_mime("query", "default", MIME_TYPE) == DESKTOP_FILE
    assert _xdg_mime("query", "default", "application/x-other") == "other.desktop"
    assert _ccr("unregister-filetype").returncode == 0
    assert _tree(xdg["state"]) == before
    assert _xdg_mime("query", "default", "application/x-other") == "other.desktop"


def _other_program(data: Path) -> None:
    """Another program that handles .ccr files, made the user's default by xdg-mime."""
    (data / "applications").mkdir(parents=True, exist_ok=True)
    (data / "applications" / "other-editor.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Other editor\nExec=/bin/true %F\n"
        f"MimeType={MIME_TYPE};\n"
    )
    apps = str(data / "applications")
    subprocess.run(["update-desktop-database", apps], check=True, env=_xdg_env())
    made = subprocess.run(
        ["xdg-mime", "default", "other-editor.desktop", MIME_TYPE],
        capture_output=True,
        text=True,
        env=_xdg_env(),
    )
    assert made.returncode == 0, made.stderr
    assert _xdg_mime("query", "default", MIME_TYPE) == "other-editor.desktop"


def test_unregister_gives_back_the_users_previous_default(xdg: dict[str, Path]) -> None:
    _other_program(xdg["data"])
    before = _tree(xdg["state"])
    registered = _ccr("register-filetype")
    assert registered.returncode == 0, registered.stderr
    assert "other-editor.desktop was your default" in registered.stdout
    assert _xdg_mime("query", "default", MIME_TYPE) == DESKTOP_FILE
    again = _ccr("register-filetype")  # twice: the first one's record is kept
    assert again.returncode == 0, again.stderr
    unregistered = _ccr("unregister-filetype")
    assert unregistered.returncode == 0, unregistered.stderr
    assert "other-editor.desktop opens .ccr files again" in unregistered.stdout
    assert _xdg_mime("query", "default", MIME_TYPE) == "other-editor.desktop"
    assert _tree(xdg["state"]) == before


def test_unregister_puts_back_a_desktop_file_it_replaced(xdg: dict[str, Path]) -> None:
    """``pip install --user`` puts the same-named desktop file in ~/.local/share: register
    writes its own (with this installation's path), unregister gives pip's back."""
    apps = xdg["data"] / "applications"
    apps.mkdir(parents=True)
    pip_copy = "[Desktop Entry]\nType=Application\nName=ccrgui\nExec=ccrgui %F\n"
    (apps / DESKTOP_FILE).write_text(pip_copy)
    assert _ccr("register-filetype").returncode == 0
    assert (apps / DESKTOP_FILE).read_text() != pip_copy
    assert _ccr("unregister-filetype").returncode == 0
    assert (apps / DESKTOP_FILE).read_text() == pip_copy


def test_unregister_without_register_changes_nothing(xdg: dict[str, Path]) -> None:
    before = _tree(xdg["state"])
    result = _ccr("unregister-filetype")
    assert result.returncode == 0, result.stderr
    assert "nothing was registered" in result.stdout
    assert _tree(xdg["state"]) == before


def test_register_reports_a_failing_tool_without_a_traceback(
    xdg: dict[str, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "bin"
    bad.mkdir()
    tool = bad / "update-mime-database"
    tool.write_text("#!/bin/sh\necho 'cannot write cache' >&2\nexit 4\n")
    tool.chmod(0o755)
    env = _xdg_env()
    env["PATH"] = f"{bad}{os.pathsep}{env['PATH']}"
    result = subprocess.run(
        [sys.executable, "-m", "ccrgui.cli", "register-filetype"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "update-mime-database" in result.stderr and "cannot write cache" in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- Windows


def test_windows_values_register_ccr_per_user() -> None:
    exe = r"C:\Users\ann\AppData\Local\Programs\ccrgui\ccrgui.exe"
    icon = r'"C:\Users\ann\AppData\Local\Programs\ccrgui\resources\icons\doc.ico"'
    values = windows_registry_values([exe], icon)
    assert values == [
        RegValue(r"Software\Classes\.ccr", "", PROG_ID),
        RegValue(r"Software\Classes\.ccr", "Content Type", MIME_TYPE),
        RegValue(r"Software\Classes\.ccr", "PerceivedType", "text"),
        RegValue(r"Software\Classes\.ccr\OpenWithProgids", PROG_ID, ""),
        RegValue(rf"Software\Classes\{PROG_ID}", "", filetype.DESCRIPTION),
        RegValue(rf"Software\Classes\{PROG_ID}", "FriendlyTypeName", filetype.DESCRIPTION),
        RegValue(rf"Software\Classes\{PROG_ID}\DefaultIcon", "", icon),
        RegValue(rf"Software\Classes\{PROG_ID}\shell", "", "open"),
        RegValue(rf"Software\Classes\{PROG_ID}\shell\open", "", "Open with ccrgui"),
        RegValue(rf"Software\Classes\{PROG_ID}\shell\open\command", "", f'"{exe}" "%1"'),
    ]
    assert all(v.key.startswith("Software\\Classes\\") for v in values)  # HKCU: no admin


def test_windows_command_for_a_python_install() -> None:
    cmd = windows_command([r"C:\Program Files\Python311\pythonw.exe", "-m", "ccrgui"])
    assert cmd == r'"C:\Program Files\Python311\pythonw.exe" -m ccrgui "%1"'


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows stub")
def test_registry_writer_refuses_off_windows() -> None:
    with pytest.raises(filetype.FileTypeError):
        filetype.register_windows()
