"""Regenerate the files in packaging/ and ccrgui/resources/ that come from
ccrgui/core/filetype.py and from the SVG icons: run it after changing either.

    python tools/make_resources.py          # write the files
    python tools/make_resources.py --check  # exit 1 when a text file is out of date

Writes: packaging/linux/<APP_ID>.desktop, packaging/linux/ccrgui-ccr.xml,
packaging/filetype.nsh (text, from filetype.py), ccrgui/resources/icons/NxN/*.png for every
size in ``ICON_SIZES`` and ccrgui/resources/icons/*.ico (rendered from
ccrgui/resources/icons/*.svg with Qt's SVG renderer).
tests/core/test_filetype.py checks that the committed files match.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccrgui.core import filetype  # noqa: E402

LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "ccrgui" / "resources" / "icons"
SVG_NAMES = (filetype.APP_ICON, filetype.DOC_ICON)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_IN_ICO = 128  # sizes from here up are stored as PNG inside the .ico, smaller as BMP


def text_files() -> dict[Path, str]:
    """The generated text files and their content."""
    return {
        LINUX / filetype.DESKTOP_FILE: filetype.desktop_entry(),
        LINUX / filetype.MIME_PACKAGE: filetype.mime_xml(),
        ROOT / "packaging" / "filetype.nsh": filetype.nsis_defines(),
    }


def render(svg: Path, size: int):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _png_bytes(image) -> bytes:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def _bmp_bytes(image) -> bytes:  # type: ignore[no-untyped-def]
    """An ICO's DIB: BITMAPINFOHEADER (double height), BGRA rows bottom-up, AND mask."""
    size = image.width()
    stride = size * 4
    bits = bytes(image.constBits())[: stride * size]  # ARGB32 is B,G,R,A in memory
    rows = [bits[y * stride : (y + 1) * stride] for y in range(size)]
    pixels = b"".join(reversed(rows))
    mask_stride = ((size + 31) // 32) * 4
    mask = bytes(mask_stride * size)  # all visible: the alpha channel decides
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    return header + pixels + mask


def ico_bytes(svg: Path, sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    images = []
    for size in sizes:
        image = render(svg, size)
        images.append((size, _png_bytes(image) if size >= PNG_IN_ICO else _bmp_bytes(image)))
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in images:
        dim = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(data for _size, data in images)


def write_icons() -> list[Path]:
    written = []
    for name in SVG_NAMES:
        svg = ICONS / f"{name}.svg"
        for size in filetype.ICON_SIZES:
            target = ICONS / f"{size}x{size}" / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_png_bytes(render(svg, size)))
            written.append(target)
        ico = ICONS / f"{name}.ico"
        ico.write_bytes(ico_bytes(svg))
        written.append(ico)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the text files")
    args = parser.parse_args()
    stale = [p for p, text in text_files().items() if not p.is_file() or p.read_text() != text]
    if args.check:
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)} (run tools/make_resources.py)")
        return 1 if stale else 0
    for p, text in text_files().items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {p.relative_to(ROOT)}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    for p in write_icons():
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
