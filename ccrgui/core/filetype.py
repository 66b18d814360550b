"""The ``.ccr`` file type, listed once: extension, MIME type, description, icon names; and
registering ccrgui as the program that opens it, per user, without admin rights.

Everything else that names the file type is generated from here or checked against it
by tests/core/test_filetype.py: the shared-mime-info XML and ``.desktop`` file in
``resources/``, the AppStream metainfo, and the Windows installer's ``filetype.nsh``.

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

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths

__all__ = [
    "APP_ICON",
    "APP_ID",
    "DESCRIPTION",
    "DESKTOP_FILE",
    "DOC_ICON",
    "EXTENSION",
    "MIME_PACKAGE",
    "MIME_TYPE",
    "PROG_ID",
    "FileTypeError",
    "RegValue",
    "Registration",
    "desktop_entry",
    "desktop_exec",
    "gui_command",
    "mime_xml",
    "nsis_defines",
    "register",
    "register_freedesktop",
    "register_windows",
    "resources_dir",
    "unregister",
    "unregister_freedesktop",
    "unregister_windows",
    "windows_command",
    "windows_registry_values",
]

# --------------------------------------------------------------------------- the one list

EXTENSION = ".ccr"
MIME_TYPE = "application/x-configmgr-ccr"
DESCRIPTION = "Configuration Manager client push request"
APP_ID = "ccrgui"  # desktop file id, executable name, icon name
APP_NAME = "ccrgui"
APP_SUMMARY = "Queue, inspect and resubmit Configuration Manager client push requests"
DESKTOP_FILE = f"{APP_ID}.desktop"
MIME_PACKAGE = "ccrgui-ccr.xml"  # under mime/packages/
APP_ICON = APP_ID
DOC_ICON = MIME_TYPE.replace("/", "-")  # freedesktop icon name of the document type
GENERIC_ICON = "text-x-generic"
PROG_ID = "ccrgui.CcrFile"  # Windows ProgID
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


def desktop_entry(command: Sequence[str] = (APP_ID,)) -> str:
    """The ``.desktop`` file; ``resources/ccrgui.desktop`` is this with ``Exec=ccrgui %F``."""
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
"""


def nsis_defines() -> str:
    """``packaging/filetype.nsh``: the same values for the Windows installer."""
    return f"""; Generated from ccrgui/core/filetype.py by tools/make_icons.py; do not edit.
!define CCR_EXT "{EXTENSION}"
!define CCR_MIME "{MIME_TYPE}"
!define CCR_DESCRIPTION "{DESCRIPTION}"
!define CCR_PROGID "{PROG_ID}"
!define APP_NAME "{APP_NAME}"
!define APP_SUMMARY "{APP_SUMMARY}"
"""


def resources_dir() -> Path | None:
    """``resources/``: in a PyInstaller bundle, beside the package (source checkout,
    editable install), or where a wheel put it (``<prefix>/share/ccrgui/resources``)."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [Path(bundle) / "resources"] if bundle else []
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    schemes = [sysconfig.get_default_scheme(), f"{os.name}_user"]
    for scheme in schemes:
        if scheme in sysconfig.get_scheme_names():
            data = Path(sysconfig.get_path("data", scheme))
            candidates.append(data / "share" / "ccrgui" / "resources")
    return next((c for c in candidates if (c / "icons").is_dir()), None)


# --------------------------------------------------------------------------- this install


def gui_command() -> list[str]:
    """How to start this installation's GUI: the ``ccrgui`` program beside the running
    one (PyInstaller bundle, virtualenv, pipx), else ``python -m ccrgui``."""
    exe_name = "ccrgui.exe" if os.name == "nt" else "ccrgui"
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve().parent / exe_name)]
    folders = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
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


def _our_files(data: Path) -> dict[Path, bytes | Path]:
    """Every file registering writes: path -> bytes, or the resource file to copy."""
    files: dict[Path, bytes | Path] = {
        data / "mime" / "packages" / MIME_PACKAGE: mime_xml().encode(),
        data / "applications" / DESKTOP_FILE: desktop_entry(gui_command()).encode(),
    }
    res = resources_dir()
    if res is not None:
        icons = data / "icons" / "hicolor"
        for kind, name in (("apps", APP_ICON), ("mimetypes", DOC_ICON)):
            svg = res / "icons" / f"{name}.svg"
            if svg.is_file():
                files[icons / "scalable" / kind / f"{name}.svg"] = svg
            for size in ICON_SIZES:
                png = res / "icons" / f"{size}x{size}" / f"{name}.png"
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


def register_freedesktop(run: Runner = _run_tool) -> Registration:
    """Make ccrgui the default program for ``.ccr`` files for this user."""
    data, config = _data_home(), _config_home()
    before = _snapshot(data, config)
    result = Registration()
    for target, source in _our_files(data).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        content = source.read_bytes() if isinstance(source, Path) else source
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
    created = sorted(str(p) for p in _snapshot(data, config) - before)
    mpath = _manifest_path()
    new_dirs = [str(d) for d in [mpath.parent, *mpath.parent.parents] if not d.exists()]
    created += new_dirs  # ccrgui's own state folder, when registering made it
    manifest = {"version": 1, "written": [str(p) for p in result.written], "created": created}
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
    for name in manifest.get("written", []):
        p = Path(name)
        if p.is_file():
            p.unlink()
            result.removed.append(p)
    mimeapps = config / "mimeapps.list"
    if _drop_default(mimeapps):
        result.notes.append(f"removed the {MIME_TYPE} default from {mimeapps}")
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


def _windows_icon(command: Sequence[str]) -> str:
    res = resources_dir()
    ico = res / "icons" / f"{DOC_ICON}.ico" if res else None
    if ico is not None and ico.is_file():
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
