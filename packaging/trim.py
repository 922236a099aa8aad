"""What build.spec keeps in the bundle: the Qt plugins, libraries and data files the viewer uses, and why.

PyInstaller's Qt hooks collect every plugin of every Qt module they see, and every library those plugins
need (GTK for the GTK theme, OpenSSL for TLS, EGL device integrations, ...). `trim()` keeps the plugins
named in PLUGINS, then keeps only the libraries some kept binary still needs, so a dropped plugin takes
its libraries with it. Libraries the desktop provides (HOST_LIBRARIES) are never bundled: they must
match the host's display server, GPU driver, fonts and print server, and PySide6's own wheels take them
from the host too. Pure functions over PyInstaller's (destination, source, type code) entries, so
tests/release/test_trim.py checks them without a build.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import subprocess
from collections.abc import Callable, Iterable

Entry = tuple[str, str, str]  # destination in the bundle, source path, PyInstaller type code

# Qt plugin folder -> the plugins kept there (file name patterns); a folder not listed is dropped whole.
PLUGINS: dict[str, tuple[str, ...]] = {
    # X11 (and XWayland) on Linux, the headless platform of --smoke-test, and the other systems' own.
    "platforms": ("*qxcb*", "*qoffscreen*", "*qwindows*", "*qcocoa*"),
    # The icons are SVG, drawn through QImageReader(..., "svg"); nothing else reads an image.
    "imageformats": ("*qsvg*",),
    # CUPS printers in the print dialog (Linux); without it the dialog still prints to PDF.
    "printsupport": ("*cups*",),
    # Dead keys and the compose key, and input methods (IBus) for names typed in the filter box.
    "platforminputcontexts": ("*compose*", "*ibus*"),
    # The native look of the Windows and macOS builds' own style plugins is not wanted: Fusion is built in.
}
# Not kept, with the reason: iconengines (every icon is drawn by viewer.ui.resources, not QIcon(svg));
# platformthemes (the GTK theme pulls in GTK, cairo and pango; the viewer draws its own palettes);
# xcbglintegrations, egldeviceintegrations, wayland-graphics-* (no OpenGL: widgets paint in software);
# tls, networkinformation (no network); sqldrivers, qmltooling, generic, styles; wayland-* (see docs).

# Libraries the host provides (file name patterns).
HOST_LIBRARIES: tuple[str, ...] = (
    # the display server's client side: must match the running X server or compositor
    "libX11.so*", "libX11-xcb.so*", "libXau.so*", "libXdmcp.so*", "libXext.so*", "libXrender.so*",
    "libxcb*.so*", "libxkbcommon*.so*", "libwayland-*.so*",
    # the GPU driver's own GL, EGL and friends
    "libGL.so*", "libGLX*.so*", "libEGL.so*", "libOpenGL.so*", "libGLdispatch.so*", "libdrm.so*",
    "libgbm.so*", "libvulkan.so*",
    # fonts: the host's fontconfig reads the host's configuration and font cache
    "libfontconfig.so*", "libfreetype.so*",
    # GLib and D-Bus: the desktop session's services (input methods, portals, accessibility)
    "libglib-2.0.so*", "libgobject-2.0.so*", "libgio-2.0.so*", "libgthread-2.0.so*", "libgmodule-2.0.so*",
    "libdbus-1.so*",
    # printing speaks to the host's print server
    "libcups.so*",
    # the C++ runtime: the host's is as new as its GPU driver needs; an older bundled one breaks Mesa
    "libstdc++.so*", "libgcc_s.so*",
)  # fmt: skip

# Binaries left out although something could load them (file name patterns over their bundle path).
DROPPED_BINARIES: tuple[str, ...] = (
    # rapidfuzz ships each C++ module twice, for AVX2 and for any x86-64 CPU, and takes the second when the
    # first is missing. The viewer's diffs are of short strings: bench/bench_diff.py measured both within
    # noise (68 vs 72 ms, 46 vs 45 ms, 34 vs 35 ms), so the AVX2 copies (5 MB) stay out.
    "rapidfuzz/*_avx2.*",
    # rapidfuzz.process (one query against many choices), whose C++ core (0.7 MB) the viewer never calls: it
    # uses fuzz.ratio, fuzz.token_set_ratio and distance.Indel. rapidfuzz falls back to its Python version.
    "rapidfuzz/process_cpp_impl.*",
)

# Data files never wanted: Qt's translations (the viewer ships none, so Qt's dialogs stay English
# like the rest of it) and package caches.
DROPPED_DATA: tuple[str, ...] = ("PySide6/Qt/translations/*", "*/__pycache__/*")

# Qt libraries only the dropped plugins use, by module: libQt6Network.so.6 (Linux), Qt6Network.dll (Windows),
# QtNetwork.framework/.../QtNetwork (macOS). The closure finds these itself on Linux; elsewhere they go by
# this list (and Windows' software OpenGL fallback, which no widget painting needs).
UNUSED_QT_MODULES: tuple[str, ...] = ("Network", "OpenGL", "EglFS", "EglFs", "Wayland", "WlShell", "Qml", "Quick",
                                      "Pdf", "VirtualKeyboard")  # fmt: skip
_UNUSED_QT = re.compile(rf"^(?:lib)?Qt6?(?:{'|'.join(UNUSED_QT_MODULES)})|^opengl32sw\.dll$|^d3dcompiler_", re.I)

# Qt plugins in the bundle: PySide6/Qt/plugins/<folder>/<file> (Linux, macOS), PySide6/plugins/... (Windows).
_PLUGIN = re.compile(r"(?:^|/)PySide6/(?:Qt/)?plugins/([^/]+)/([^/]+)$")


def plugin_of(dest: str) -> tuple[str, str] | None:
    """(folder, file name) when `dest` is a Qt plugin in the bundle, else None."""
    match = _PLUGIN.search(dest.replace("\\", "/"))
    return (match.group(1), match.group(2)) if match else None


def plugin_kept(dest: str) -> bool:
    """Whether the Qt plugin at `dest` is one the viewer uses."""
    found = plugin_of(dest)
    if found is None:
        return False
    folder, name = found
    return any(fnmatch.fnmatch(name, pattern) for pattern in PLUGINS.get(folder, ()))


def is_host_library(name: str) -> bool:
    """Whether the library file `name` is one the host provides (never bundled)."""
    base = posixpath.basename(name.replace("\\", "/"))
    return any(fnmatch.fnmatch(base, pattern) for pattern in HOST_LIBRARIES)


def is_root(entry: Entry) -> bool:
    """A binary kept for its own sake: Python extension modules, libpython, the Qt plugins kept."""
    dest, _source, kind = entry
    if dropped(dest):
        return False
    if plugin_of(dest) is not None:
        return plugin_kept(dest)
    return kind == "EXTENSION" or posixpath.basename(dest).startswith("libpython")


def dropped(dest: str) -> bool:
    """Whether DROPPED_BINARIES names the binary at `dest`."""
    return any(fnmatch.fnmatch(dest.replace("\\", "/"), pattern) for pattern in DROPPED_BINARIES)


def needed_elf(path: str) -> list[str]:
    """The DT_NEEDED names of an ELF file, from `objdump -p` (PyInstaller needs binutils on Linux anyway)."""
    out = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")]


def trim(
    binaries: Iterable[Entry], datas: Iterable[Entry], needed: Callable[[str], list[str]] | None = needed_elf
) -> tuple[list[Entry], list[Entry]]:
    """The binaries and data files to bundle.

    With `needed` (what a binary links against: Linux's ELF files), the roots and what they need,
    transitively, never a host library. Without it (Windows and macOS, not built here), every binary but
    the Qt plugins not kept and the Qt libraries only those plugins use (UNUSED_QT_LIBRARIES).
    """
    binaries = list(binaries)
    if needed is None:
        kept = {
            e[0]: e
            for e in binaries
            if not dropped(e[0]) and (plugin_kept(e[0]) if plugin_of(e[0]) else not _unused_qt(e[0]))
        }
    else:
        kept = _closure(binaries, needed)
    kept_binaries = [entry for entry in binaries if entry[0] in kept]
    kept_datas = [entry for entry in datas if data_kept(entry, kept)]
    return kept_binaries, kept_datas


def _closure(binaries: list[Entry], needed: Callable[[str], list[str]]) -> dict[str, Entry]:
    by_name: dict[str, Entry] = {}
    for entry in binaries:
        by_name.setdefault(posixpath.basename(entry[0]), entry)
    kept: dict[str, Entry] = {}
    todo = [entry for entry in binaries if is_root(entry) and not is_host_library(entry[0])]
    while todo:
        entry = todo.pop()
        if entry[0] in kept:
            continue
        kept[entry[0]] = entry
        for name in needed(entry[1]):
            dependency = by_name.get(name)
            if dependency is not None and not is_host_library(name) and dependency[0] not in kept:
                todo.append(dependency)
    return kept


def _unused_qt(dest: str) -> bool:
    return bool(_UNUSED_QT.search(posixpath.basename(dest.replace("\\", "/"))))


def data_kept(entry: Entry, binaries: dict[str, Entry]) -> bool:
    """Data files stay unless DROPPED_DATA names them; a symbolic link stays while its target does."""
    dest, target, kind = entry
    if kind == "SYMLINK":
        return target.replace("\\", "/") in binaries
    return not any(fnmatch.fnmatch(dest.replace("\\", "/"), pattern) for pattern in DROPPED_DATA)
