"""Packaging checked with the real tools: appstreamcli, desktop-file-validate,
update-mime-database, groff, makensis (the Windows installer script compiles on Linux), a
PyInstaller build whose ``ccr`` runs, and the sdist and wheel built with ``python -m build``
and installed (not editable) into a venv, with ``--prefix`` and with ``--user``.

Installs run in temporary folders with the test's own PySide6 and platformdirs made
visible by a ``.pth`` file, so the tests pass alike in a virtual environment, as root and
as a user: a nested ``venv --system-site-packages`` would see the base interpreter's
packages, not those of the venv the tests run in."""

from __future__ import annotations

import email.message
import email.parser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from ccrgui import __version__
from ccrgui.core import filetype

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "ccrgui" / "resources" / "icons"
PACKAGING = ROOT / "packaging"
NSI = PACKAGING / "ccrgui.nsi"
METAINFO = LINUX / f"{filetype.APP_ID}.metainfo.xml"


def _run(
    *args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


def _run_ok(
    *args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a step that must succeed; if it fails, the assertion says which command, its
    exit code and the end of what it printed: the real cause, not a later symptom."""
    result = _run(*args, cwd=cwd, env=env)
    assert result.returncode == 0, (
        f"{' '.join(str(a) for a in args)} exited {result.returncode}\n"
        f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )
    return result


def _validate_appstream(path: Path) -> None:
    result = _run("appstreamcli", "validate", "--pedantic", "--no-net", path)
    problems = [ln for ln in result.stdout.splitlines() if ln.startswith(("E:", "W:"))]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_appstream_metainfo_validates_pedantic() -> None:
    _validate_appstream(METAINFO)


def test_appstream_metainfo_shows_the_readme_screenshots() -> None:
    text = METAINFO.read_text()
    readme = (ROOT / "README.md").read_text()
    shots = re.findall(r"<image>(.*?)</image>", text)
    assert shots and '<screenshot type="default">' in text
    for url in shots:
        assert url.startswith(f"{_raw_base()}/docs/screenshots/"), url
        relative = url.removeprefix(f"{_raw_base()}/")
        assert (ROOT / relative).is_file(), relative
        assert url in readme, f"{url} is not one of the README's screenshots"
    assert "<developer" in text and '<content_rating type="oars-1.1"/>' in text


def test_desktop_file_validates() -> None:
    result = _run("desktop-file-validate", LINUX / filetype.DESKTOP_FILE)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_mime_package_is_accepted_by_shared_mime_info(tmp_path: Path) -> None:
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(LINUX / filetype.MIME_PACKAGE, packages)
    result = _run("update-mime-database", "-V", tmp_path / "mime")
    assert result.returncode == 0, result.stderr
    assert filetype.MIME_TYPE in (tmp_path / "mime" / "types").read_text().split()
    globs = (tmp_path / "mime" / "globs2").read_text()
    assert f"{filetype.MIME_TYPE}:*.ccr" in globs


# --------------------------------------------------------------------------- man page


def test_man_page_is_current_and_formats_cleanly() -> None:
    check = _run(sys.executable, ROOT / "tools" / "make_manpage.py", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    page = LINUX / "ccr.1"
    formatted = _run("groff", "-man", "-Tutf8", "-ww", "-z", page)
    assert formatted.returncode == 0 and not formatted.stderr, formatted.stderr
    text = page.read_text()
    from ccrgui.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    for name in commands:  # every command, from the parser itself
        assert f".SS {name.replace('-', chr(92) + '-')}\n" in text


def test_man_page_tool_does_not_import_qt() -> None:
    probe = (
        "import runpy, sys; g = runpy.run_path(sys.argv[1]); g['manpage']();"
        "print(sorted(k for k in sys.modules if k.startswith(('PySide6', 'shiboken6'))))"
    )
    result = _run_ok(sys.executable, "-c", probe, ROOT / "tools" / "make_manpage.py")
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- metadata


def _raw_base() -> str:
    return filetype.APP_URL.replace("github.com", "raw.githubusercontent.com") + "/main"


def test_readme_images_work_on_a_package_index() -> None:
    """PyPI shows the README without the repository beside it: images need full URLs,
    and each names a file that is in the repository."""
    readme = (ROOT / "README.md").read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert images
    for url in images:
        assert url.startswith(f"{_raw_base()}/"), f"write ({_raw_base()}/{url}), not ({url})"
        assert (ROOT / url.removeprefix(f"{_raw_base()}/")).is_file(), url


def test_license_file_is_mit() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


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
    """The installer writes what filetype.windows_registry_values() and
    windows_uninstall_values() build (the Wine test checks the values it really wrote)."""
    defines = _nsis_defines()
    quoted = r'"[^"]*"|\'[^\']*\''
    install = NSI.read_text().split('Section "Uninstall"')[0]
    written = set()
    for key, name, value in re.findall(
        rf"^\s*WriteRegStr HKCU ({quoted}) ({quoted}) ({quoted})", install, re.MULTILINE
    ):
        key, name, value = (_expand(v[1:-1], defines) for v in (key, name, value))
        if key.startswith(("Software\\Classes\\", filetype.UNINSTALL_KEY)):
            written.add(filetype.RegValue(key, name, value))
    expected = filetype.windows_registry_values(
        ["$INSTDIR\\ccrgui.exe"],
        '"$INSTDIR\\_internal\\ccrgui\\resources\\icons\\application-x-configmgr-ccr.ico"',
    )
    expected += filetype.windows_uninstall_values("$INSTDIR", "${VERSION}")
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
    shutil.copytree(ICONS, dist / "_internal" / "ccrgui" / "resources" / "icons")
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
    bundled = frozen / "_internal" / "ccrgui" / "resources" / "icons"
    for png in ICONS.glob("*/*.png"):
        assert (bundled / png.relative_to(ICONS)).read_bytes() == png.read_bytes()


def test_frozen_folder_leaves_out_what_the_app_does_not_use(frozen: Path) -> None:
    """No GTK3 theme (nor GTK itself), Wayland, EGLFS, other embedded platforms, TLS or
    unused image formats, no Qt translations; X11, offscreen and SVG stay."""
    names = {p.name for p in frozen.rglob("*")}
    plugins = frozen / "_internal" / "PySide6" / "Qt" / "plugins"
    for gone in ("libqgtk3.so", "libqwayland.so", "libqeglfs.so", "libqvnc.so", "libqjpeg.so"):
        assert gone not in names, gone
    assert not [n for n in names if n.startswith(("libgtk-3", "libQt6Wayland", "libQt6EglFS"))]
    assert not (plugins / "tls").exists() and not (plugins / "generic").exists()
    assert not (frozen / "_internal" / "PySide6" / "Qt" / "translations").exists()
    for kept in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats/libqsvg.so"):
        assert (plugins / kept).is_file(), kept


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
    from ccrgui.gui.runtime.single_instance import InstanceServer

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


# --------------------------------------------------------------------------- sdist, wheel

SKIP_IN_COPY = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", "build", "dist", "*.egg-info", ".*_cache", ".hypothesis"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``python -m build``: the sdist, and the wheel built from that sdist (so the wheel
    proves the sdist is complete). Built from a copy: nothing is left in the checkout."""
    work = tmp_path_factory.mktemp("build")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=SKIP_IN_COPY)
    _run_ok(sys.executable, "-m", "build", "--outdir", work / "dist", src)
    [sdist] = (work / "dist").glob("ccrgui-*.tar.gz")
    [wheel] = (work / "dist").glob("ccrgui-*.whl")
    return sdist, wheel


def test_sdist_holds_tests_samples_packaging_tools_and_license(built: tuple[Path, Path]) -> None:
    sdist, _ = built
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    wanted = {"LICENSE", "README.md", "pyproject.toml", "tests/samples/expected.json"}
    for folder in ("tests", "packaging", "tools", "ccrgui", "bench"):
        wanted |= {
            str(p.relative_to(ROOT))
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        }
    missing = sorted(wanted - names)
    assert not missing, missing
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        [name] = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(zf.read(name).decode())


def test_wheel_metadata_says_license_urls_classifiers_and_floors(
    built: tuple[Path, Path],
) -> None:
    _, wheel = built
    meta = _metadata(wheel)
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL", []))
    assert urls["Homepage"] == filetype.APP_URL and "Issues" in urls
    classifiers = meta.get_all("Classifier", [])
    assert "Intended Audience :: System Administrators" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX id says it
    assert "SCCM" in meta["Keywords"]
    assert "ccrgui developers" in meta["Author"]
    requires = meta.get_all("Requires-Dist", [])
    for name, version in _floors().items():
        assert any(r.startswith(f"{name}>={version}") for r in requires), (name, requires)
    assert any("!=6.12.0" in r and 'python_version < "3.12"' in r for r in requires), requires
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names


def test_wheel_puts_freedesktop_files_in_the_standard_places(built: tuple[Path, Path]) -> None:
    _, wheel = built
    with zipfile.ZipFile(wheel) as zf:
        data = {n.split(".data/data/", 1)[1] for n in zf.namelist() if ".data/data/" in n}
        package = {n for n in zf.namelist() if n.startswith("ccrgui/resources/")}
    share = {
        f"share/applications/{filetype.DESKTOP_FILE}",
        f"share/metainfo/{filetype.APP_ID}.metainfo.xml",
        f"share/mime/packages/{filetype.MIME_PACKAGE}",
        "share/man/man1/ccr.1",
    }
    for kind, name in (("apps", filetype.APP_ICON), ("mimetypes", filetype.DOC_ICON)):
        share.add(f"share/icons/hicolor/scalable/{kind}/{name}.svg")
        share |= {f"share/icons/hicolor/{n}x{n}/{kind}/{name}.png" for n in filetype.ICON_SIZES}
    assert data == share
    icons = {f"ccrgui/resources/icons/{p.relative_to(ICONS)}" for p in ICONS.rglob("*.*")}
    assert package == icons  # the app's own icons travel inside the package


# What an installed copy finds: run by that installation's Python.
PROBE = """
import json
from PySide6.QtWidgets import QApplication
import ccrgui
from ccrgui.core import filetype
from ccrgui.gui.app import app_icon
app = QApplication(["probe"])
icon = app_icon()
print(json.dumps({
    "package": ccrgui.__file__,
    "sizes": sorted(s.width() for s in icon.availableSizes()),
    "doc_icon": filetype.icon_file(filetype.DOC_ICON, 48).read_bytes().hex(),
    "program": filetype.gui_command()[0],
}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def _our_dependencies(where: Path) -> Path:
    """A folder holding (as links) the PySide6, shiboken6 and platformdirs this test run
    uses, and nothing else: in a venv, as root or as a user alike, and never this run's own
    ccrgui (a nested ``venv --system-site-packages`` would see the base interpreter's
    packages instead, and a whole site-packages folder would bring a ccrgui along)."""
    deps = where / "deps"
    deps.mkdir()
    for name in ("PySide6", "shiboken6", "platformdirs"):
        spec = importlib.util.find_spec(name)
        assert spec and spec.submodule_search_locations, f"{name} is not installed"
        (deps / name).symlink_to(next(iter(spec.submodule_search_locations)))
    return deps


def _bare_venv(where: Path, *, system_site: bool = False) -> Path:
    """A venv without pip that also sees this run's dependencies (a ``.pth`` line)."""
    args = ["--without-pip", *(["--system-site-packages"] if system_site else [])]
    _run_ok(sys.executable, "-m", "venv", *args, where)
    python = where / "bin" / "python"
    own = _run_ok(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    deps = _our_dependencies(where.parent)
    Path(own.stdout.strip(), "_test_dependencies.pth").write_text(f"{deps}\n")
    return python


def _pip_install(python: Path, wheel: Path, *args: str, env: Mapping[str, str]) -> None:
    """This run's pip installs the wheel for ``python`` (no dependencies: they are ours)."""
    _run_ok(
        sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--ignore-installed", "--no-warn-script-location", *args, wheel, env=env,
    )  # fmt: skip


def _probe(python: Path, env: Mapping[str, str], cwd: Path) -> dict[str, object]:
    result = _run_ok(python, "-c", PROBE, env=env, cwd=cwd)
    probed: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return probed


def _check_icons_found(probed: dict[str, object], prefix: Path) -> None:
    assert Path(str(probed["package"])).is_relative_to(prefix)  # the wheel's, not this tree
    assert probed["sizes"] == sorted(filetype.ICON_SIZES)  # the window icon, every size
    doc = ICONS / "48x48" / f"{filetype.DOC_ICON}.png"
    assert bytes.fromhex(str(probed["doc_icon"])) == doc.read_bytes()  # the file-type icon


def _check_share(prefix: Path) -> None:
    share = prefix / "share"
    desktop = share / "applications" / filetype.DESKTOP_FILE
    validated = _run("desktop-file-validate", desktop)
    assert validated.returncode == 0 and not validated.stdout.strip(), validated.stdout
    _validate_appstream(share / "metainfo" / f"{filetype.APP_ID}.metainfo.xml")
    icon = share / "icons" / "hicolor" / "48x48" / "apps" / f"{filetype.APP_ICON}.png"
    assert icon.read_bytes() == (ICONS / "48x48" / f"{filetype.APP_ICON}.png").read_bytes()
    assert (share / "man" / "man1" / "ccr.1").read_text() == (LINUX / "ccr.1").read_text()


def test_wheel_in_a_venv_finds_its_icons_and_registers_its_own_program(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """``pip install ccrgui`` into a venv (not editable); registering the file type
    points the desktop entry at that installation's ccrgui."""
    venv = tmp_path / "venv"
    python = _bare_venv(venv)
    env = _clean_env()
    _pip_install(python, built[1], env=env)
    probed = _probe(python, env, tmp_path)
    _check_icons_found(probed, venv)
    assert Path(str(probed["program"])) == venv / "bin" / "ccrgui"
    _check_share(venv)
    _run_ok(venv / "bin" / "ccr", "register-filetype", env=env)
    data = Path(os.environ["XDG_DATA_HOME"])
    desktop = (data / "applications" / filetype.DESKTOP_FILE).read_text()
    assert f"Exec={venv / 'bin' / 'ccrgui'} %F" in desktop
    icon = data / "icons" / "hicolor" / "48x48" / "apps" / f"{filetype.APP_ICON}.png"
    assert icon.read_bytes() == (ICONS / "48x48" / f"{filetype.APP_ICON}.png").read_bytes()


def test_wheel_installed_with_prefix_finds_its_icons(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """``pip install --prefix`` (laid out as a distribution package or /usr/local is): the
    package is on PYTHONPATH, nothing else knows the prefix."""
    prefix = tmp_path / "prefix"
    env = _clean_env()
    _pip_install(Path(sys.executable), built[1], "--prefix", str(prefix), env=env)
    [init] = [p for p in prefix.rglob("ccrgui/__init__.py") if "-packages" in str(p)]
    site_dir = init.parents[1]
    probed = _probe(Path(sys.executable), _clean_env(PYTHONPATH=str(site_dir)), tmp_path)
    _check_icons_found(probed, prefix)
    base = prefix / "local" if site_dir.relative_to(prefix).parts[0] == "local" else prefix
    assert Path(str(probed["program"])) == base / "bin" / "ccrgui"
    _check_share(base)


def test_wheel_installed_with_user_finds_its_icons(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """``pip install --user``: package, scripts and data under the user base."""
    user_base = tmp_path / "userbase"
    python = _bare_venv(tmp_path / "venv", system_site=True)  # user site is on in it
    env = _clean_env(PYTHONUSERBASE=str(user_base))
    _pip_install(python, built[1], "--user", env=env)
    probed = _probe(python, env, tmp_path)
    _check_icons_found(probed, user_base)
    assert Path(str(probed["program"])) == user_base / "bin" / "ccrgui"
    _check_share(user_base)


# --------------------------------------------------------------------------- version floors


def _floors() -> dict[str, str]:
    """The lowest version pyproject.toml allows for each runtime dependency."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = {}
    for req in project["dependencies"]:
        match = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", req)
        assert match, f"{req}: every dependency needs a floor"
        floors[match.group(1)] = match.group(2)
    return floors


def test_lowest_versions_ci_pins_every_floor() -> None:
    """tests/constraints-lowest.txt pins each runtime dependency to the floor that
    pyproject.toml allows, and .ci/run runs the suite with it."""
    lines = (ROOT / "tests" / "constraints-lowest.txt").read_text().splitlines()
    pins = dict(ln.split("==") for ln in lines if ln and not ln.startswith("#"))
    for name, floor in _floors().items():
        assert name in pins, f"{name} is not pinned in tests/constraints-lowest.txt"
        pinned = pins[name].split(".")
        assert pinned[: len(floor.split("."))] == floor.split("."), (name, pins[name], floor)
    assert "tests/constraints-lowest.txt" in (ROOT / ".ci" / "run").read_text()
