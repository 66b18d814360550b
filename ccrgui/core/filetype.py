"""The ``.ccr`` file type, listed once: extension, MIME type, description, icon names; and
registering ccrgui as the program that opens it, per user, without admin rights.

Everything else that names the file type is generated from here or checked against it
by tests/core/test_filetype.py: the shared-mime-info XML and ``.desktop`` file in
``packaging/linux/``, the AppStream metainfo, and the Windows installer's ``filetype.nsh``.
The icons are package data (``ccrgui/resources/icons``), read through
:mod:`importlib.resources`, so every kind of installation finds them.

- freedesktop (Linux, BSD): MIME package + ``.desktop`` + icons under ``$XDG_DATA_HOME``,
  then ``update-mime-database``, ``update-desktop-database`` and ``xdg-mime default``.
  A small manifest records what registering created, so unregistering removes exactly
  that and nothing of other programs.
- Windows: values under ``HKCU\\Software\\Classes`` (a pure function builds them), written
  by a tiny ``winreg`` writer, then ``SHChangeNotify(SHCNE_ASSOCCHANGED)``.

Why this module is long: registration is one idea on three platforms (freedesktop,
Windows, macOS); splitting by platform would spread one guarantee over three files.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from . import paths

__all__ = [
    "APP_ICON",
    "APP_ID",
    "APP_URL",
    "DESCRIPTION",
    "DESKTOP_FILE",
    "DOC_ICON",
    "EXECUTABLE",
    "EXTENSION",
    "MIME_PACKAGE",
    "MIME_TYPE",
    "PROG_ID",
    "UNINSTALL_KEY",
    "WINDOWS_MUTEX",
    "FileTypeError",
    "RegValue",
    "Registration",
    "desktop_entry",
    "desktop_exec",
    "gui_command",
    "icon_file",
    "icons_dir",
    "mime_xml",
    "nsis_defines",
    "register",
    "register_freedesktop",
    "register_windows",
    "unregister",
    "unregister_freedesktop",
    "unregister_windows",
    "windows_command",
    "windows_registry_values",
    "windows_uninstall_values",
]

# --------------------------------------------------------------------------- the one list

EXTENSION = ".ccr"
MIME_TYPE = "application/x-configmgr-ccr"
DESCRIPTION = "Configuration Manager client push request"
# One reverse-DNS application ID: the .desktop file's name, the AppStream component, the
# icon name, QGuiApplication.setDesktopFileName and the single-instance socket.
APP_ID = "io.github.ccrgui.ccrgui"
APP_URL = "https://github.com/ccrgui/ccrgui"  # the project's home (AppStream, pyproject)
APP_NAME = "ccrgui"
EXECUTABLE = "ccrgui"  # the GUI program's name
APP_SUMMARY = "Queue, inspect and resubmit Configuration Manager client push requests"
DESKTOP_FILE = f"{APP_ID}.desktop"
MIME_PACKAGE = "ccrgui-ccr.xml"  # under mime/packages/
APP_ICON = APP_ID
DOC_ICON = MIME_TYPE.replace("/", "-")  # freedesktop icon name of the document type
GENERIC_ICON = "text-x-generic"
PROG_ID = "ccrgui.CcrFile"  # Windows ProgID
PUBLISHER = "The ccrgui developers"
# Windows: a running ccrgui holds this named mutex; the installer and uninstaller look for
# it and refuse to replace or remove files that are in use.
WINDOWS_MUTEX = f"Local\\{APP_ID}.running"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\ccrgui"
MAGIC = "[NT Client Configuration Request]"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


class FileTypeError(Exception):
    """Registration failed; the message says what and what to check."""


# --------------------------------------------------------------------------- generated text


def mime_xml() -> str:
    """The shared-mime-info package (``resources/ccrgui-ccr.xml``)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>{DESCRIPTION}</comment>
    <sub-class-of type="text/plain"/>
    <icon name="{DOC_ICON}"/>
    <generic-icon name="{GENERIC_ICON}"/>
    <glob pattern="*{EXTENSION}"/>
    <magic priority="50">
      <match type="string" offset="0" value="{MAGIC}"/>
    </magic>
  </mime-type>
</mime-info>
"""


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument (Desktop Entry spec: reserved characters need quotes)."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    if arg and not (set(arg) & reserved):
        return arg
    inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{inner}"'


def desktop_exec(command: Sequence[str]) -> str:
    """An ``Exec=`` value: the command, quoted, plus ``%F`` (any number of files)."""
    exec_line = " ".join(_desktop_quote(a) for a in command) + " %F"
    # a desktop file value escapes backslashes once more (the "string" type)
    return exec_line.replace("\\", "\\\\")


def desktop_entry(command: Sequence[str] = (EXECUTABLE,)) -> str:
    """The ``.desktop`` file; ``packaging/linux/<APP_ID>.desktop`` is this with
    ``Exec=ccrgui %F``."""
    return f"""[Desktop Entry]
Type=Application
Version=1.4
Name={APP_NAME}
GenericName=Client push requests
Comment={APP_SUMMARY}
Exec={desktop_exec(command)}
Icon={APP_ICON}
Terminal=false
Categories=System;Monitor;
Keywords=SCCM;ConfigMgr;SMS;client push;CCR;ccm;
MimeType={MIME_TYPE};
StartupWMClass={EXECUTABLE}
"""


def nsis_defines() -> str:
    """``packaging/filetype.nsh``: the same values for the Windows installer."""
    return f"""; Generated from ccrgui/core/filetype.py by tools/make_resources.py; do not edit.
!define CCR_EXT "{EXTENSION}"
!define CCR_MIME "{MIME_TYPE}"
!define CCR_DESCRIPTION "{DESCRIPTION}"
!define CCR_PROGID "{PROG_ID}"
!define APP_NAME "{APP_NAME}"
!define APP_ID "{APP_ID}"
!define APP_URL "{APP_URL}"
!define APP_SUMMARY "{APP_SUMMARY}"
!define APP_PUBLISHER "{PUBLISHER}"
!define APP_MUTEX "{WINDOWS_MUTEX}"
!define UNINSTALL_KEY "{UNINSTALL_KEY}"
"""


def icons_dir() -> Traversable:
    """The icons shipped as package data (``ccrgui/resources/icons``): inside the installed
    package whatever the layout (venv, ``--prefix``, ``--user``, a distribution package,
    the PyInstaller folder's ``_internal/ccrgui``)."""
    return resources.files("ccrgui").joinpath("resources", "icons")


def icon_file(name: str, size: int | None = None) -> Traversable:
    """One icon: ``<name>.svg`` (``size`` None) or the ``size``x``size`` PNG."""
    if size is None:
        return icons_dir().joinpath(f"{name}.svg")
    return icons_dir().joinpath(f"{size}x{size}", f"{name}.png")


# --------------------------------------------------------------------------- this install


def _scripts_beside_package() -> list[Path]:
    """The scripts folder of the installation this package is in, found from where it
    lies: ``<prefix>/lib/pythonX.Y/site-packages/ccrgui`` -> ``<prefix>/bin`` (also for
    ``pip install --prefix`` and Debian's ``dist-packages``, which sysconfig does not
    know about), ``<prefix>\\Lib\\site-packages\\ccrgui`` -> ``<prefix>\\Scripts``."""
    site_dir = Path(__file__).resolve().parents[2]
    if site_dir.name not in ("site-packages", "dist-packages"):
        return []  # a source checkout or an editable install
    for up in site_dir.parents:
        if up.name.lower() == "lib":
            return [up.parent / ("Scripts" if os.name == "nt" else "bin")]
    return []


def gui_command() -> list[str]:
    """How to start this installation's GUI: the ``ccrgui`` program beside the running
    one (PyInstaller bundle, virtualenv, pipx), else ``python -m ccrgui``."""
    exe_name = f"{EXECUTABLE}.exe" if os.name == "nt" else EXECUTABLE
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve().parent / exe_name)]
    folders = [*_scripts_beside_package(), Path(sys.executable).parent]
    folders.append(Path(sysconfig.get_path("scripts")))
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        folders.append(Path(sysconfig.get_path("scripts", user_scheme)))
    for folder in folders:
        candidate = folder / exe_name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate.absolute())]
    python = Path(sys.executable)
    if os.name == "nt" and (python.parent / "pythonw.exe").is_file():
        python = python.parent / "pythonw.exe"
    return [str(python), "-m", "ccrgui"]


# --------------------------------------------------------------------------- freedesktop


@dataclass(slots=True)
class Registration:
    """What (un)registering did, for the CLI and the settings dialog to report."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = []
        for verb, found in (("wrote", self.written), ("removed", self.removed)):
            icons = [p for p in found if "icons" in p.parts]
            lines += [f"{verb} {p}" for p in found if p not in icons]
            if icons:
                lines.append(f"{verb} {len(icons)} icons under {_common_folder(icons)}")
        return "\n".join(lines + self.notes)


def _common_folder(found: list[Path]) -> Path:
    return Path(os.path.commonpath([str(p.parent) for p in found]))


Runner = Callable[[Sequence[str]], None]


def _run_tool(args: Sequence[str]) -> None:
    """Run a desktop database tool; a missing tool is reported, a failing one raises."""
    try:
        proc = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise FileNotFoundError(args[0]) from None
    except subprocess.TimeoutExpired as exc:
        raise FileTypeError(f"{args[0]} did not finish within 60 s") from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise FileTypeError(f"{' '.join(args)} failed: {detail[-1] if detail else proc.returncode}")


def _data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME")
    return Path(value) if value else Path.home() / ".local" / "share"


def _config_home() -> Path:
    value = os.environ.get("XDG_CONFIG_HOME")
    return Path(value) if value else Path.home() / ".config"


def _manifest_path() -> Path:
    return paths.data_dir() / "filetype-registration.json"


def _our_files(data: Path) -> dict[Path, bytes | Traversable]:
    """Every file registering writes: path -> bytes, or the package's icon to copy."""
    files: dict[Path, bytes | Traversable] = {
        data / "mime" / "packages" / MIME_PACKAGE: mime_xml().encode(),
        data / "applications" / DESKTOP_FILE: desktop_entry(gui_command()).encode(),
    }
    icons = data / "icons" / "hicolor"
    for kind, name in (("apps", APP_ICON), ("mimetypes", DOC_ICON)):
        svg = icon_file(name)
        if svg.is_file():
            files[icons / "scalable" / kind / f"{name}.svg"] = svg
        for size in ICON_SIZES:
            png = icon_file(name, size)
            if png.is_file():
                files[icons / f"{size}x{size}" / kind / f"{name}.png"] = png
    return files


def _snapshot(data: Path, config: Path) -> set[Path]:
    """The paths registering may create: the three database folders and mimeapps.list."""
    found = {p for p in (data, data / "icons", config, config / "mimeapps.list") if p.exists()}
    for folder in (data / "mime", data / "applications", data / "icons" / "hicolor"):
        if folder.is_dir():
            found.add(folder)
            found |= set(folder.rglob("*"))
    return found


def _user_default(mimeapps: Path) -> str | None:
    """The user's own choice for ``.ccr`` files in their mimeapps.list (the value of the
    ``[Default Applications]`` line, e.g. ``org.gnome.TextEditor.desktop;``), unless it is
    ccrgui's. A system-wide default needs no saving: it shows again once ours is gone."""
    try:
        lines = mimeapps.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    section = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        key, _, value = stripped.partition("=")
        if section == "[Default Applications]" and key.strip() == MIME_TYPE:
            apps = [a for a in value.strip().split(";") if a]
            return None if apps in ([], [DESKTOP_FILE]) else value.strip()
    return None


def _restore_default(mimeapps: Path, value: str) -> None:
    """Put ``MIME_TYPE=value`` back into the ``[Default Applications]`` section."""
    try:
        lines = mimeapps.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    entry = f"{MIME_TYPE}={value}\n"
    for i, line in enumerate(lines):
        if line.strip() == "[Default Applications]":
            lines.insert(i + 1, entry)
            break
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines += ["[Default Applications]\n", entry]
    mimeapps.parent.mkdir(parents=True, exist_ok=True)
    mimeapps.write_text("".join(lines), encoding="utf-8")


def _read_manifest() -> dict[str, Any] | None:
    try:
        manifest = json.loads(_manifest_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def register_freedesktop(run: Runner = _run_tool) -> Registration:
    """Make ccrgui the default program for ``.ccr`` files for this user.

    What it replaces is kept in the manifest for :func:`unregister_freedesktop` to give
    back: the program that was the default for ``.ccr`` and any file of the same name that
    was there with other content (e.g. the desktop file ``pip install --user`` put there).
    Registering again keeps what the first registration recorded."""
    data, config = _data_home(), _config_home()
    earlier = _read_manifest() or {}
    before = _snapshot(data, config)
    result = Registration()
    previous = _user_default(config / "mimeapps.list") or earlier.get("previous_default")
    replaced: dict[str, str] = dict(earlier.get("replaced", {}))
    ours_before = set(earlier.get("written", []))
    for target, source in _our_files(data).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        content = source if isinstance(source, bytes) else source.read_bytes()
        if target.is_file() and str(target) not in ours_before:
            old = target.read_bytes()
            if old != content:
                replaced[str(target)] = base64.b64encode(old).decode("ascii")
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(content)
        os.replace(tmp, target)
        result.written.append(target)
    steps = [
        ["update-mime-database", str(data / "mime")],
        ["update-desktop-database", str(data / "applications")],
        ["xdg-mime", "default", DESKTOP_FILE, MIME_TYPE],
    ]
    for step in steps:
        try:
            run(step)
        except FileNotFoundError:
            result.notes.append(f"note: {step[0]} is not installed; skipped it")
    if previous:
        result.notes.append(
            f"{previous.rstrip(';')} was your default; unregister-filetype gives it back"
        )
    created = {str(p) for p in _snapshot(data, config) - before}
    created |= set(earlier.get("created", []))
    mpath = _manifest_path()
    new_dirs = [str(d) for d in [mpath.parent, *mpath.parent.parents] if not d.exists()]
    created |= set(new_dirs)  # ccrgui's own state folder, when registering made it
    manifest = {
        "version": 1,
        "written": sorted({str(p) for p in result.written} | ours_before),
        "created": sorted(created),
        "previous_default": previous,
        "replaced": replaced,
    }
    mpath.parent.mkdir(parents=True, exist_ok=True)
    mpath.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return result


def _drop_default(mimeapps: Path) -> bool:
    """Remove ``MIME_TYPE=ccrgui.desktop`` from a mimeapps.list; True if it was there."""
    try:
        lines = mimeapps.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        return False
    keep, dropped, section = [], False, ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        key, _, value = stripped.partition("=")
        if section == "[Default Applications]" and key == MIME_TYPE:
            apps = [a for a in value.split(";") if a and a != DESKTOP_FILE]
            dropped = True
            if apps:
                keep.append(f"{MIME_TYPE}={';'.join(apps)};\n")
            continue
        keep.append(line)
    if dropped:
        mimeapps.write_text("".join(keep), encoding="utf-8")
    return dropped


def _only_headers(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return all(not ln.strip() or ln.strip().startswith("[") for ln in text.splitlines())


def unregister_freedesktop(run: Runner = _run_tool) -> Registration:
    """Undo :func:`register_freedesktop`: remove what it wrote and created, and the default."""
    data, config = _data_home(), _config_home()
    mpath = _manifest_path()
    try:
        manifest: dict[str, Any] = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {"written": [str(p) for p in _our_files(data)], "created": []}
    result = Registration()
    replaced: dict[str, str] = manifest.get("replaced", {})
    for name in manifest.get("written", []):
        p = Path(name)
        if name in replaced:  # a file of another installation was here: put it back
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(base64.b64decode(replaced[name]))
            result.notes.append(f"restored {p}")
        elif p.is_file():
            p.unlink()
            result.removed.append(p)
    mimeapps = config / "mimeapps.list"
    if _drop_default(mimeapps):
        result.notes.append(f"removed the {MIME_TYPE} default from {mimeapps}")
    previous = manifest.get("previous_default")
    if isinstance(previous, str) and previous:
        _restore_default(mimeapps, previous)
        result.notes.append(f"{previous.rstrip(';')} opens {EXTENSION} files again, as before")
    created = {Path(p) for p in manifest.get("created", [])}
    steps = [
        (data / "mime", ["update-mime-database", str(data / "mime")]),
        (data / "applications", ["update-desktop-database", str(data / "applications")]),
    ]
    for folder, step in steps:
        if not folder.is_dir():
            continue
        if any(p.is_file() and p not in created for p in folder.rglob("*")):
            # other programs' files are here: rebuild the cache without ours
            try:
                run(step)
            except FileNotFoundError:
                result.notes.append(f"note: {step[0]} is not installed; skipped it")
            continue
        for p in created:  # only what registering generated is left: remove it
            if p.is_file() and p.is_relative_to(folder):
                p.unlink()
    if mimeapps in created and mimeapps.is_file() and _only_headers(mimeapps):
        mimeapps.unlink()
    mpath.unlink(missing_ok=True)
    for p in sorted(created, key=lambda q: len(q.parts), reverse=True):
        if p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    return result


# --------------------------------------------------------------------------- Windows


@dataclass(frozen=True, slots=True)
class RegValue:
    """One registry value under HKEY_CURRENT_USER; ``name`` "" is the key's default."""

    key: str
    name: str
    value: str


CLASSES = r"Software\Classes"


def windows_command(command: Sequence[str]) -> str:
    """``"C:\\...\\ccrgui.exe" "%1"``: every part quoted, the file last."""
    return " ".join(f'"{a}"' if (" " in a or a == command[0]) else a for a in command) + ' "%1"'


def windows_registry_values(command: Sequence[str], icon: str) -> list[RegValue]:
    """What registering writes on Windows (HKCU, no admin rights needed).

    ``command``: this installation's GUI (see :func:`gui_command`); ``icon``: the
    ``.ccr`` document icon (an ``.ico`` path, or ``exe,index``).
    """
    ext, prog = rf"{CLASSES}\{EXTENSION}", rf"{CLASSES}\{PROG_ID}"
    return [
        RegValue(ext, "", PROG_ID),
        RegValue(ext, "Content Type", MIME_TYPE),
        RegValue(ext, "PerceivedType", "text"),
        RegValue(rf"{ext}\OpenWithProgids", PROG_ID, ""),
        RegValue(prog, "", DESCRIPTION),
        RegValue(prog, "FriendlyTypeName", DESCRIPTION),
        RegValue(rf"{prog}\DefaultIcon", "", icon),
        RegValue(rf"{prog}\shell", "", "open"),
        RegValue(rf"{prog}\shell\open", "", f"Open with {APP_NAME}"),
        RegValue(rf"{prog}\shell\open\command", "", windows_command(command)),
    ]


def windows_uninstall_values(install_dir: str, version: str) -> list[RegValue]:
    """The "Apps & features" entry the Windows installer writes (string values; it also
    sets the DWORDs NoModify and NoRepair to 1)."""
    exe = rf"{install_dir}\{EXECUTABLE}.exe"
    uninstaller = rf"{install_dir}\uninstall.exe"
    return [
        RegValue(UNINSTALL_KEY, "DisplayName", APP_NAME),
        RegValue(UNINSTALL_KEY, "DisplayVersion", version),
        RegValue(UNINSTALL_KEY, "Publisher", PUBLISHER),
        RegValue(UNINSTALL_KEY, "URLInfoAbout", APP_URL),
        RegValue(UNINSTALL_KEY, "DisplayIcon", f'"{exe}"'),
        RegValue(UNINSTALL_KEY, "InstallLocation", install_dir),
        RegValue(UNINSTALL_KEY, "UninstallString", f'"{uninstaller}"'),
        RegValue(UNINSTALL_KEY, "QuietUninstallString", f'"{uninstaller}" /S'),
    ]


def _windows_icon(command: Sequence[str]) -> str:
    ico = icons_dir().joinpath(f"{DOC_ICON}.ico")
    if isinstance(ico, Path) and ico.is_file():  # a real file Explorer can read
        return f'"{ico}"'
    return f'"{command[0]}",0'


if sys.platform == "win32":
    import ctypes
    import winreg

    def _write_values(values: list[RegValue]) -> None:
        for v in values:
            with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, v.key) as key:
                winreg.SetValueEx(key, v.name or None, 0, winreg.REG_SZ, v.value)

    def _delete_tree(path: str) -> bool:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, path, 0, winreg.KEY_ALL_ACCESS) as k:
                while True:
                    try:
                        child = winreg.EnumKey(k, 0)
                    except OSError:
                        break
                    _delete_tree(rf"{path}\{child}")
            winreg.DeleteKey(winreg.HKEY_CURRENT_USER, path)
            return True
        except FileNotFoundError:
            return False

    def _remove_values() -> None:
        ext = rf"{CLASSES}\{EXTENSION}"
        _delete_tree(rf"{CLASSES}\{PROG_ID}")
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, rf"{ext}\OpenWithProgids", 0,
                                winreg.KEY_ALL_ACCESS) as k:  # fmt: skip
                winreg.DeleteValue(k, PROG_ID)
        except FileNotFoundError:
            pass
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, ext, 0, winreg.KEY_ALL_ACCESS) as k:
                if winreg.QueryValueEx(k, None)[0] == PROG_ID:
                    winreg.DeleteValue(k, None)
        except FileNotFoundError:
            pass

    def _notify_shell() -> None:
        shcne_assocchanged, shcnf_idlist = 0x08000000, 0
        ctypes.windll.shell32.SHChangeNotify(shcne_assocchanged, shcnf_idlist, None, None)

else:

    def _write_values(values: list[RegValue]) -> None:
        raise FileTypeError("the Windows registry exists only on Windows")

    def _remove_values() -> None:
        raise FileTypeError("the Windows registry exists only on Windows")

    def _notify_shell() -> None:
        pass


def register_windows() -> Registration:
    command = gui_command()
    values = windows_registry_values(command, _windows_icon(command))
    _write_values(values)
    _notify_shell()
    result = Registration()
    result.notes = [rf"set HKCU\{v.key} {v.name or '(default)'} = {v.value}" for v in values]
    return result


def unregister_windows() -> Registration:
    _remove_values()
    _notify_shell()
    return Registration(notes=[rf"removed HKCU\{CLASSES}\{PROG_ID} and the {EXTENSION} link"])


# --------------------------------------------------------------------------- entry points


def register() -> Registration:
    """Register for this user on this platform. Raises FileTypeError or OSError."""
    if sys.platform == "win32":
        return register_windows()
    if sys.platform == "darwin":
        raise FileTypeError(
            "On macOS the file type comes with the app bundle; nothing to register."
        )
    return register_freedesktop()


def unregister() -> Registration:
    if sys.platform == "win32":
        return unregister_windows()
    if sys.platform == "darwin":
        raise FileTypeError("On macOS remove the app bundle to unregister.")
    return unregister_freedesktop()
