"""Render the application icon (resources/icons/app.svg) for the installers: `python packaging/make_icons.py`.

Writes packaging/icons/: hicolor/<N>x<N>/apps/trialviewer.png for the .deb (16 to 512 pixels; the SVG
itself goes in as the scalable one), trialviewer.ico for Windows (PNG entries, read by Windows Vista and
later) and trialviewer.icns for macOS (PNG entries up to 1024 pixels). The results are committed, so a
build needs neither Qt's SVG renderer nor Pillow; tests/release/test_packaging_files.py checks they are
there, of the right sizes, and rendered from the current app.svg (its SHA-256 is in icons/SOURCE).
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
OUT = ROOT / "packaging" / "icons"
HICOLOR = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (the @2x types share sizes with larger 1x ones).
ICNS = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
        ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512))  # fmt: skip


def source_digest() -> str:
    return hashlib.sha256(SVG.read_bytes()).hexdigest()


def render(sizes: set[int]) -> dict[int, bytes]:
    """PNG bytes of app.svg at each size, through Qt's SVG image reader (as the viewer draws it)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QGuiApplication, QImageReader

    _app = QGuiApplication.instance() or QGuiApplication([])
    svg = SVG.read_bytes()
    pngs: dict[int, bytes] = {}
    for size in sorted(sizes):
        source = QBuffer()
        source.setData(QByteArray(svg))
        source.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(source, b"svg")
        reader.setScaledSize(QSize(size, size))
        image = reader.read()
        if image.isNull():
            raise RuntimeError(f"app.svg did not render at {size} px: {reader.errorString()}")
        target = QBuffer()
        target.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(target, b"PNG")
        pngs[size] = bytes(target.data().data())
    return pngs


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file whose entries are PNG images (width and height 0 mean 256)."""
    header = struct.pack("<HHH", 0, 1, len(ICO))
    directory, body = b"", b""
    offset = 6 + 16 * len(ICO)
    for size in ICO:
        data = pngs[size]
        side = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(body))
        body += data
    return header + directory + body


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon file: 'icns', total length, then (type, length, PNG) elements."""
    elements = b"".join(
        kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS
    )
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def main() -> int:
    pngs = render(set(HICOLOR) | set(ICO) | {size for _, size in ICNS})
    for size in HICOLOR:
        path = OUT / "hicolor" / f"{size}x{size}" / "apps" / "trialviewer.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
    (OUT / "trialviewer.ico").write_bytes(ico(pngs))
    (OUT / "trialviewer.icns").write_bytes(icns(pngs))
    (OUT / "SOURCE").write_text(f"resources/icons/app.svg sha256 {source_digest()}\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"packaging/icons: {len(HICOLOR)} PNG sizes, .ico, .icns ({total / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
