"""The installers' files agree with each other and with the app: names, version, icons, file types."""

from __future__ import annotations

import configparser
import hashlib
import re
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET

import debian
import make_icons
import trim

from tests.conftest import ROOT

PACKAGING = ROOT / "packaging"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_version_is_the_package_one_everywhere() -> None:
    import viewer

    assert viewer.__version__ == VERSION
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'tomllib.loads((ROOT / "pyproject.toml")' in spec  # the spec reads it; it refuses a mismatch
    iss = (PACKAGING / "windows" / "trialviewer.iss").read_text(encoding="utf-8")
    assert f'#define AppVersion "{VERSION}"' in iss


def test_the_executables_are_named_alike_in_spec_deb_and_installer() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'NAME = "trialviewer"' in spec and 'CLI_NAME = "trialviewer-cli"' in spec
    assert debian.COMMANDS == ("trialviewer", "trialviewer-cli")
    iss = (PACKAGING / "windows" / "trialviewer.iss").read_text(encoding="utf-8")
    assert "{app}\\trialviewer.exe" in iss and "{app}\\trialviewer-cli.exe" in iss
    assert "upx=False" in spec and "console=True" in spec and "console=False" in spec


def test_icons_are_rendered_from_the_current_app_svg_at_every_size() -> None:
    source = (PACKAGING / "icons" / "SOURCE").read_text(encoding="utf-8")
    assert hashlib.sha256((ROOT / "resources" / "icons" / "app.svg").read_bytes()).hexdigest() in source, (
        "app.svg changed: run python packaging/make_icons.py"
    )
    for size in make_icons.HICOLOR:
        png = PACKAGING / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "trialviewer.png"
        assert _png_size(png.read_bytes()) == (size, size)


def test_the_windows_and_macos_icon_files_hold_every_size() -> None:
    ico = (PACKAGING / "icons" / "trialviewer.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO))
    for i, size in enumerate(make_icons.ICO):
        width, _, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i])
        assert width == (0 if size >= 256 else size)
        assert _png_size(ico[offset : offset + length]) == (size, size)
    icns = (PACKAGING / "icons" / "trialviewer.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    position, seen = 8, {}
    while position < len(icns):
        kind, length = icns[position : position + 4].decode(), struct.unpack(">I", icns[position + 4 : position + 8])[0]
        seen[kind] = _png_size(icns[position + 8 : position + length])[0]
        position += length
    assert seen == dict(make_icons.ICNS)


def test_the_desktop_entry_starts_the_viewer_with_its_icon_and_types() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / "linux" / "trialviewer.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "trialviewer %F" and desktop["Icon"] == "trialviewer"
    assert desktop["StartupWMClass"] == "trialviewer"  # Qt's WM_CLASS, and setDesktopFileName's
    types = desktop["MimeType"].rstrip(";").split(";")
    assert {"application/jsonl", "application/json", "application/xml", "application/zip"} <= set(types)
    assert "text/plain" not in types  # too generic to be offered for
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(PACKAGING / "linux" / "trialviewer.desktop")],
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout


def test_the_mime_package_defines_json_lines_and_claims_no_common_type() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    tree = ET.parse(PACKAGING / "linux" / "trialviewer.xml")
    types = {t.get("type"): t for t in tree.getroot().findall("m:mime-type", ns)}
    assert set(types) == {"application/jsonl"}
    assert [g.get("pattern") for g in types["application/jsonl"].findall("m:glob", ns)] == ["*.jsonl"]


def test_every_host_library_has_a_debian_package_and_is_never_bundled() -> None:
    table = debian.read_libraries()
    assert table["libcups.so.2"] == ("libcups2", True)
    for name, (package, _) in table.items():
        assert trim.is_host_library(name), name
        assert re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", package), package
    depends, recommends, unknown = debian.relations({"libX11.so.6", "libc.so.6", "libcups.so.2", "libfoo.so.1"},
                                                    (2, 35), table)  # fmt: skip
    assert depends == ["libc6 (>= 2.35)", "libx11-6"] and recommends == ["libcups2"] and unknown == ["libfoo.so.1"]


def test_the_control_file_names_the_package_and_leaves_no_placeholder_unfilled() -> None:
    control = (PACKAGING / "deb" / "control.in").read_text(encoding="utf-8")
    assert control.startswith("Package: trialviewer\n")
    assert set(re.findall(r"@[A-Z_]+@", control)) == {"@VERSION@", "@ARCH@", "@INSTALLED_SIZE@", "@DEPENDS@",
                                                       "@RECOMMENDS@"}  # fmt: skip
    assert all(len(line) <= 80 for line in control.splitlines())
