"""Packaging checked with the real tools: appstreamcli, desktop-file-validate,
update-mime-database, makensis (the Windows installer script compiles on Linux) and a
PyInstaller build whose ``ccr`` runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccrgui import __version__
from ccrgui.core import filetype

ROOT = Path(__file__).resolve().parents[1]
RES = ROOT / "resources"
PACKAGING = ROOT / "packaging"
NSI = PACKAGING / "ccrgui.nsi"


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)


def test_appstream_metainfo_validates() -> None:
    result = _run("appstreamcli", "validate", "--no-net", RES / "io.github.ccrgui.metainfo.xml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_template_validates() -> None:
    result = _run("desktop-file-validate", RES / "ccrgui.desktop")
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_mime_package_is_accepted_by_shared_mime_info(tmp_path: Path) -> None:
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(RES / "ccrgui-ccr.xml", packages)
    result = _run("update-mime-database", "-V", tmp_path / "mime")
    assert result.returncode == 0, result.stderr
    assert filetype.MIME_TYPE in (tmp_path / "mime" / "types").read_text().split()
    globs = (tmp_path / "mime" / "globs2").read_text()
    assert f"{filetype.MIME_TYPE}:*.ccr" in globs


# --------------------------------------------------------------------------- NSIS


def _nsis_defines() -> dict[str, str]:
    text = (PACKAGING / "filetype.nsh").read_text()
    defines = dict(re.findall(r'^!define (\w+) "(.*)"$', text, re.MULTILINE))
    defines.update(re.findall(r'^!define (\w+) "(.*)"$', NSI.read_text(), re.MULTILINE))
    return defines


def _expand(value: str, defines: dict[str, str]) -> str:
    for _ in range(3):  # defines may use defines
        value = re.sub(r"\$\{(\w+)\}", lambda m: defines.get(m.group(1), m.group(0)), value)
    return value


def test_nsis_registers_exactly_the_filetype_values() -> None:
    """The installer writes what filetype.windows_registry_values() builds."""
    defines = _nsis_defines()
    quoted = r'"[^"]*"|\'[^\']*\''
    written = set()
    for key, name, value in re.findall(
        rf"^\s*WriteRegStr HKCU ({quoted}) ({quoted}) ({quoted})", NSI.read_text(), re.MULTILINE
    ):
        key, name, value = (_expand(v[1:-1], defines) for v in (key, name, value))
        if key.startswith("Software\\Classes\\"):
            written.add(filetype.RegValue(key, name, value))
    expected = filetype.windows_registry_values(
        ["$INSTDIR\\ccrgui.exe"],
        '"$INSTDIR\\_internal\\resources\\icons\\application-x-configmgr-ccr.ico"',
    )
    assert written == set(expected)


def test_nsis_installs_per_user_and_uninstalls_what_it_added() -> None:
    text = NSI.read_text()
    defines = _nsis_defines()
    assert re.search(r"^RequestExecutionLevel user$", text, re.MULTILINE)
    assert re.search(r'^InstallDir "\$LOCALAPPDATA\\Programs\\ccrgui"$', text, re.MULTILINE)
    assert "HKLM" not in text  # nothing machine-wide
    install, uninstall = text.split('Section "Uninstall"')
    assert 'CreateShortcut "$SMPROGRAMS\\${APP_NAME}.lnk"' in install
    assert 'Delete "$SMPROGRAMS\\${APP_NAME}.lnk"' in uninstall
    assert 'DeleteRegKey HKCU "Software\\Classes\\${CCR_PROGID}"' in uninstall
    assert 'DeleteRegKey HKCU "${UNINSTALL_KEY}"' in uninstall
    assert "SHChangeNotify" in install and "SHChangeNotify" in uninstall
    assert 'RMDir /r "$INSTDIR"' not in uninstall  # never wipe a folder it did not fill
    assert _expand("${CCR_PROGID}", defines) == filetype.PROG_ID


@pytest.fixture(scope="module")
def fake_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the installer packs: the PyInstaller folder's layout with dummy programs."""
    dist = tmp_path_factory.mktemp("dist") / "ccrgui"
    (dist / "_internal").mkdir(parents=True)
    shutil.copytree(RES, dist / "_internal" / "resources")
    for exe in ("ccrgui.exe", "ccr.exe"):
        (dist / exe).write_bytes(b"MZ dummy")
    return dist


def test_nsis_script_compiles(fake_dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "ccrgui-setup.exe"
    result = _run(
        "makensis",
        "-WX",  # warnings are errors
        "-V2",
        f"-DVERSION={__version__}",
        f"-DDIST={fake_dist}",
        f"-DOUTFILE={out}",
        NSI,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"


def test_nsis_script_demands_a_version(fake_dist: Path, tmp_path: Path) -> None:
    result = _run("makensis", f"-DDIST={fake_dist}", f"-DOUTFILE={tmp_path / 'x.exe'}", NSI)
    assert result.returncode != 0
    assert "Give the version" in result.stdout + result.stderr


# --------------------------------------------------------------------------- PyInstaller


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The one-folder build (about 10-20 s on two cores)."""
    work = tmp_path_factory.mktemp("pyinstaller")
    result = _run(
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "ERROR",
        "--distpath",
        work / "dist",
        "--workpath",
        work / "work",
        PACKAGING / "ccrgui.spec",
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    yield work / "dist" / "ccrgui"


def test_frozen_folder_holds_gui_cli_and_resources(frozen: Path) -> None:
    assert (frozen / "ccrgui").is_file()
    assert (frozen / "ccr").is_file()
    bundled = frozen / "_internal" / "resources"
    assert (bundled / "icons" / "ccrgui.svg").is_file()
    assert (bundled / "ccrgui-ccr.xml").read_text() == filetype.mime_xml()


def test_frozen_ccr_reports_its_version(frozen: Path) -> None:
    result = _run(frozen / "ccr", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ccr {__version__}"


def test_frozen_ccr_shows_a_sample(frozen: Path, samples: Path) -> None:
    result = _run(frozen / "ccr", "show", "--format", "json", samples / "retry-rpc-signed.ccr")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["machine_name"] == "SALES-PC9"
    assert record["last_error_hex"] == "0x800706BA"
    assert record["last_error_name"] == "RPC_S_SERVER_UNAVAILABLE"


def test_frozen_gui_starts_and_hands_a_file_to_the_running_instance(
    qtbot, frozen: Path, samples: Path
) -> None:
    """The built ccrgui imports Qt and its plugins, and finds the running instance."""
    from ccrgui.gui.single_instance import InstanceServer

    server = InstanceServer()
    assert server.listen(), server.error_string()
    sample = samples / "minimal.ccr"
    try:
        with qtbot.waitSignal(server.handover, timeout=20000) as got:
            proc = subprocess.Popen(
                [str(frozen / "ccrgui"), str(sample)],
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                stderr=subprocess.PIPE,
            )
        assert got.args[0].files == [str(sample)]
        _, errors = proc.communicate(timeout=20)
        assert proc.returncode == 0, errors.decode(errors="replace")
    finally:
        server.close()


# --------------------------------------------------------------------------- wheel


def test_wheel_install_registers_with_its_own_program_and_icons(tmp_path: Path) -> None:
    """``pip install .`` (not editable): resources/ travels in the wheel as data files,
    and registering points the desktop entry at that installation's ccrgui."""
    wheel_dir, venv, src = tmp_path / "wheel", tmp_path / "venv", tmp_path / "src"
    src.mkdir()  # build from a copy: no build/ folder left in the checkout
    for part in ("pyproject.toml", "README.md", "ccrgui", "resources"):
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy
        copy(ROOT / part, src / part)
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheel_dir, src)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = wheel_dir.glob("ccrgui-*.whl")
    made = _run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    installed = _run(python, "-m", "pip", "install", "-q", "--no-deps", wheel)
    assert installed.returncode == 0, installed.stderr[-2000:]
    probe = _run(
        python,
        "-c",
        "import ccrgui; from ccrgui.core.filetype import resources_dir, gui_command; "
        "print(ccrgui.__file__); print(resources_dir()); print(gui_command()[0])",
        cwd=tmp_path,
    )
    package, resources, program = probe.stdout.split("\n")[:3]
    assert Path(package).is_relative_to(venv)  # the wheel's copy, not this checkout
    assert Path(resources) == venv / "share" / "ccrgui" / "resources"
    assert Path(program) == venv / "bin" / "ccrgui"
    for png in (RES / "icons").glob("*/*.png"):
        assert (Path(resources) / png.relative_to(RES)).read_bytes() == png.read_bytes()
    registered = _run(venv / "bin" / "ccr", "register-filetype")
    assert registered.returncode == 0, registered.stderr
    data = Path(os.environ["XDG_DATA_HOME"])
    desktop = (data / "applications" / filetype.DESKTOP_FILE).read_text()
    assert f"Exec={venv / 'bin' / 'ccrgui'} %F" in desktop
    icon = data / "icons" / "hicolor" / "48x48" / "apps" / f"{filetype.APP_ICON}.png"
    assert icon.is_file()
