"""The Windows installer, run for real under Wine (Debian's wine64): built around a
stand-in payload, installed silently, its registry values read back with ``reg query``,
upgraded, refused while ccrgui runs, and uninstalled, leaving another program's ``.ccr``
association and the user's PATH as they were (packaging/README.md, "Tested under Wine")."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import pytest

from ccrgui.core import filetype

ROOT = Path(__file__).resolve().parents[1]
NSI = ROOT / "packaging" / "ccrgui.nsi"
ICONS = ROOT / "ccrgui" / "resources" / "icons"
WINE = Path("/usr/lib/wine/wine64")
WINESERVER = Path("/usr/lib/wine/wineserver64")
CLASSES = r"HKCU\Software\Classes"
EXT_KEY = rf"{CLASSES}\{filetype.EXTENSION}"
ENV_KEY = r"HKCU\Environment"
READY, STOP = r"C:\ccrgui-stand-in-ready", r"C:\ccrgui-stand-in-stop"
EXIT_RUNNING = 2  # what the installer and uninstaller exit with while ccrgui runs

# A real Windows program standing in for ccrgui.exe: it holds ccrgui's "running" mutex
# until told to stop (a file appears), at most 60 s.
STAND_IN = r"""
Target amd64-unicode
Name "ccrgui stand-in"
OutFile "${OUT}"
SilentInstall silent
RequestExecutionLevel user
Section
  System::Call 'kernel32::CreateMutexW(p 0, i 0, w "${APP_MUTEX}") p .r0'
  FileOpen $1 "${READY}" w
  FileClose $1
  StrCpy $2 0
  wait:
    IfFileExists "${STOP}" done
    Sleep 100
    IntOp $2 $2 + 1
    IntCmp $2 600 done wait done
  done:
SectionEnd
"""


def _run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Run a step that must succeed; a failure names the command and its output."""
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{' '.join(str(a) for a in args)} exited {result.returncode}\n"
        f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )
    return result.stdout


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up after {timeout:.0f} s waiting for {what}"
        time.sleep(0.2)


@dataclass
class Wine:
    """One private Wine prefix."""

    prefix: Path
    env: dict[str, str]

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(WINE), *map(str, args)],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
        )

    def ok(self, *args: str | Path) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"wine {args} exited {result.returncode}: {result.stdout}"
        return result.stdout

    def unix(self, path: str) -> Path:
        """A ``C:\\...`` path as a file of this prefix."""
        win = PureWindowsPath(path)
        assert win.drive.upper() == "C:", path
        return self.prefix / "drive_c" / Path(*win.parts[1:])

    def env_var(self, name: str) -> str:
        return self.ok("cmd", "/c", f"echo %{name}%").strip()

    def values(self, key: str) -> dict[str, tuple[str, str]] | None:
        """The values of one registry key (name -> (type, data); "" is the default
        value), or None when the key does not exist ("reg query" exits 1)."""
        result = self.run("reg", "query", key)
        if result.returncode != 0:
            return None
        found = {}
        for line in result.stdout.splitlines():
            match = re.match(r"^ {4}(.*?) {4}(REG_\w+) {4}?(.*)$", line.rstrip("\r"))
            if match:
                name = "" if match.group(1) == "(Default)" else match.group(1)
                found[name] = (match.group(2), match.group(3))
        return found

    def add(self, key: str, name: str, data: str, kind: str = "REG_SZ") -> None:
        where = ["/ve"] if name == "" else ["/v", name]
        self.ok("reg", "add", key, *where, "/t", kind, "/d", data, "/f")

    def delete(self, key: str, name: str | None = None) -> None:
        where = [] if name is None else (["/ve"] if name == "" else ["/v", name])
        self.ok("reg", "delete", key, *where, "/f")


@pytest.fixture(scope="module")
def wine() -> Iterator[Wine]:
    for tool in (WINE, WINESERVER):
        assert tool.is_file(), f"{tool} missing: .ci/run installs Debian's wine64"
    assert shutil.which("makensis"), "makensis missing: .ci/run installs Debian's nsis"
    home = Path(tempfile.mkdtemp(prefix="ccrgui-wine-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        WINEPREFIX=str(home / "wine"),
        WINEDEBUG="-all",
        WINEDLLOVERRIDES="mscoree,mshtml=",  # no Mono/Gecko install prompts
        HOME=str(home),
    )
    try:
        _run(WINE, "wineboot", "-i", env=env, timeout=300)
        yield Wine(home / "wine", env)
    finally:
        subprocess.run([str(WINESERVER), "-k"], env=env, capture_output=True, timeout=60)
        subprocess.run([str(WINESERVER), "-w"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


def _makensis(script: Path, *defines: str) -> None:
    _run("makensis", "-WX", "-V2", *(f"-D{d}" for d in defines), script)


def _stand_in(work: Path) -> Path:
    script = work / "stand-in.nsi"
    script.write_text(STAND_IN)
    out = work / "ccrgui.exe"
    _makensis(script, f"OUT={out}", f"APP_MUTEX={filetype.WINDOWS_MUTEX}", f"READY={READY}",
              f"STOP={STOP}")  # fmt: skip
    return out


def _payload(work: Path, name: str, gui: Path, extra: str) -> Path:
    """The PyInstaller folder's layout: ccrgui.exe (the stand-in), ccr.exe, _internal/
    with the icons and one file only this version has."""
    dist = work / name
    internal = dist / "_internal"
    shutil.copytree(ICONS, internal / "ccrgui" / "resources" / "icons")
    shutil.copy(gui, dist / "ccrgui.exe")
    (dist / "ccr.exe").write_bytes(b"MZ stand-in for ccr.exe")
    (internal / extra).write_text(f"only in {name}\n")
    return dist


def _installer(work: Path, version: str, dist: Path) -> Path:
    out = work / f"setup-{version}.exe"
    _makensis(NSI, f"VERSION={version}", f"DIST={dist}", f"OUTFILE={out}")
    return out


def _check_installed(wine: Wine, install_dir: str, version: str) -> None:
    """Every value filetype says, read back from Wine's registry; files; Start menu."""
    icon = rf"{install_dir}\_internal\ccrgui\resources\icons\{filetype.DOC_ICON}.ico"
    expected = filetype.windows_registry_values([rf"{install_dir}\ccrgui.exe"], f'"{icon}"')
    expected += filetype.windows_uninstall_values(install_dir, version)
    keys: dict[str, dict[str, tuple[str, str]] | None] = {}
    for v in expected:
        key = rf"HKCU\{v.key}"
        if key not in keys:
            keys[key] = wine.values(key)
        values = keys[key]
        assert values is not None, f"{key} missing"
        assert values.get(v.name) == ("REG_SZ", v.value), (key, v.name, values)
    uninstall = keys[rf"HKCU\{filetype.UNINSTALL_KEY}"]
    assert uninstall is not None
    assert uninstall["NoModify"] == ("REG_DWORD", "0x1")
    assert uninstall["NoRepair"] == ("REG_DWORD", "0x1")
    folder = wine.unix(install_dir)
    for name in ("ccrgui.exe", "ccr.exe", "uninstall.exe"):
        assert (folder / name).is_file(), name
    assert wine.unix(icon).read_bytes() == (ICONS / f"{filetype.DOC_ICON}.ico").read_bytes()
    start_menu = rf"{wine.env_var('APPDATA')}\Microsoft\Windows\Start Menu\Programs"
    assert wine.unix(rf"{start_menu}\{filetype.APP_NAME}.lnk").is_file()


def _uninstall(wine: Wine, install_dir: str) -> None:
    """Silent uninstall; NSIS runs a copy of the uninstaller and returns at once: wait
    until the files and the "Apps & features" entry are gone."""
    folder = wine.unix(install_dir)
    wine.ok(folder / "uninstall.exe", "/S")
    uninstall_key = rf"HKCU\{filetype.UNINSTALL_KEY}"
    _wait_for(lambda: not folder.exists(), f"{folder} to go")
    _wait_for(lambda: wine.values(uninstall_key) is None, "the uninstall entry to go")


def _path_of_user(wine: Wine) -> tuple[str, str] | None:
    values = wine.values(ENV_KEY) or {}
    return values.get("Path")


def test_installer_installs_upgrades_and_uninstalls_under_wine(wine: Wine, tmp_path: Path) -> None:
    gui = _stand_in(tmp_path)
    old = _installer(tmp_path, "1.0.0", _payload(tmp_path, "v1", gui, "only-in-v1.txt"))
    new = _installer(tmp_path, "1.1.0rc1+local", _payload(tmp_path, "v2", gui, "only-in-v2.txt"))
    install_dir = rf"{wine.env_var('LOCALAPPDATA')}\Programs\ccrgui"
    folder = wine.unix(install_dir)

    # another program owns .ccr, and the user has a PATH of their own
    wine.add(EXT_KEY, "", "OtherEditor.ccr")
    wine.add(EXT_KEY, "Content Type", "text/x-other")
    wine.add(EXT_KEY, "PerceivedType", "document")
    wine.add(ENV_KEY, "Path", r"C:\tools", "REG_EXPAND_SZ")
    other = wine.values(EXT_KEY)

    wine.ok(old, "/S")
    _check_installed(wine, install_dir, "1.0.0")
    assert (folder / "_internal" / "only-in-v1.txt").is_file()
    assert _path_of_user(wine) == ("REG_EXPAND_SZ", rf"C:\tools;{install_dir}")

    # while ccrgui runs, neither the installer nor the uninstaller touches its files
    running = subprocess.Popen([str(WINE), str(folder / "ccrgui.exe")], env=wine.env)
    try:
        _wait_for(lambda: wine.unix(READY).exists(), "the stand-in ccrgui to start")
        refused = wine.run(new, "/S")
        assert refused.returncode == EXIT_RUNNING, refused
        refused = wine.run(folder / "uninstall.exe", "/S", f"_?={install_dir}")
        assert refused.returncode == EXIT_RUNNING, refused
        _check_installed(wine, install_dir, "1.0.0")
        assert (folder / "_internal" / "only-in-v1.txt").is_file()
    finally:
        wine.unix(STOP).write_text("stop\n")
        running.wait(timeout=60)
        wine.unix(READY).unlink(missing_ok=True)
        wine.unix(STOP).unlink()

    # an upgrade: the new version's files, none of the old version's left over
    wine.ok(new, "/S")
    _check_installed(wine, install_dir, "1.1.0rc1+local")
    assert not (folder / "_internal" / "only-in-v1.txt").exists()
    assert (folder / "_internal" / "only-in-v2.txt").is_file()
    assert _path_of_user(wine) == ("REG_EXPAND_SZ", rf"C:\tools;{install_dir}")  # once

    _uninstall(wine, install_dir)
    assert wine.values(EXT_KEY) == other  # the other program's association, untouched
    assert wine.values(rf"{EXT_KEY}\OpenWithProgids") is None
    assert wine.values(rf"{CLASSES}\{filetype.PROG_ID}") is None
    assert wine.values(r"HKCU\Software\ccrgui") is None
    assert _path_of_user(wine) == ("REG_EXPAND_SZ", r"C:\tools")
    start_menu = rf"{wine.env_var('APPDATA')}\Microsoft\Windows\Start Menu\Programs"
    assert not wine.unix(rf"{start_menu}\{filetype.APP_NAME}.lnk").exists()

    # on a machine where nothing had .ccr and the user had no PATH: nothing at all is left
    wine.delete(EXT_KEY)
    wine.delete(ENV_KEY, "Path")
    wine.ok(new, "/S")
    _check_installed(wine, install_dir, "1.1.0rc1+local")
    assert _path_of_user(wine) == ("REG_EXPAND_SZ", install_dir)
    _uninstall(wine, install_dir)
    assert wine.values(EXT_KEY) is None
    assert wine.values(r"HKCU\Software\ccrgui") is None
    assert _path_of_user(wine) is None


@pytest.mark.parametrize("version", ["1.2.3rc1+local.7", "2026.12", "dev", "70000.1.2"])
def test_installer_version_info_takes_any_version_string(tmp_path: Path, version: str) -> None:
    """Windows needs four numbers 0-65535 in the file version; the version string itself is
    shown as the product version."""
    dist = tmp_path / "dist"
    (dist / "_internal").mkdir(parents=True)
    for exe in ("ccrgui.exe", "ccr.exe"):
        (dist / exe).write_bytes(b"MZ stand-in")
    out = _installer(tmp_path, version, dist)
    assert version.encode("utf-16-le") in out.read_bytes()
