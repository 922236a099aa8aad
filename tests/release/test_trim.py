"""packaging/trim.py: which Qt plugins and libraries the bundle keeps, without a build."""

from __future__ import annotations

import trim

QT = "PySide6/Qt"


def _entry(dest: str, kind: str = "BINARY") -> trim.Entry:
    return (dest, f"/src/{dest}", kind)


def test_the_plugins_the_viewer_uses_stay_and_no_others() -> None:
    kept = [f"{QT}/plugins/platforms/libqxcb.so", f"{QT}/plugins/platforms/libqoffscreen.so",
            f"{QT}/plugins/imageformats/libqsvg.so", f"{QT}/plugins/printsupport/libcupsprintersupport.so",
            f"{QT}/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
            "PySide6/plugins/platforms/qwindows.dll"]  # fmt: skip
    dropped = [f"{QT}/plugins/platformthemes/libqgtk3.so", f"{QT}/plugins/imageformats/libqjpeg.so",
               f"{QT}/plugins/tls/libqopensslbackend.so", f"{QT}/plugins/platforms/libqeglfs.so",
               f"{QT}/plugins/iconengines/libqsvgicon.so", f"{QT}/plugins/xcbglintegrations/libqxcb-glx-integration.so",
               f"{QT}/plugins/sqldrivers/libqsqlite.so", f"{QT}/plugins/platforms/libqwayland.so"]  # fmt: skip
    assert all(trim.plugin_kept(p) for p in kept)
    assert not any(trim.plugin_kept(p) for p in dropped)
    assert trim.plugin_of("PySide6/Qt/lib/libQt6Core.so.6") is None


def test_libraries_stay_only_while_something_kept_links_them() -> None:
    links = {
        f"/src/{QT}/plugins/platforms/libqxcb.so": ["libQt6XcbQpa.so.6", "libxcb.so.1", "libQt6Gui.so.6"],
        f"/src/{QT}/lib/libQt6XcbQpa.so.6": ["libQt6Gui.so.6", "libX11.so.6"],
        f"/src/{QT}/plugins/platformthemes/libqgtk3.so": ["libgtk-3.so.0", "libQt6Gui.so.6"],
        "/src/libgtk-3.so.0": ["libcairo.so.2"],
        "/src/PySide6/QtGui.abi3.so": ["libQt6Gui.so.6", "libpyside6.abi3.so.6.11", "libstdc++.so.6"],
        f"/src/{QT}/lib/libQt6Gui.so.6": ["libQt6Core.so.6", "libfontconfig.so.1"],
        f"/src/{QT}/lib/libQt6Network.so.6": ["libQt6Core.so.6", "libssl.so.3"],
    }
    binaries = [
        _entry(f"{QT}/plugins/platforms/libqxcb.so"), _entry(f"{QT}/lib/libQt6XcbQpa.so.6"),
        _entry(f"{QT}/plugins/platformthemes/libqgtk3.so"), _entry("libgtk-3.so.0"), _entry("libcairo.so.2"),
        _entry("PySide6/QtGui.abi3.so", "EXTENSION"), _entry(f"{QT}/lib/libQt6Gui.so.6"),
        _entry(f"{QT}/lib/libQt6Core.so.6"), _entry("PySide6/libpyside6.abi3.so.6.11"),
        _entry(f"{QT}/lib/libQt6Network.so.6"), _entry("libssl.so.3"), _entry("libxcb.so.1"),
        _entry("libstdc++.so.6"), _entry("libfontconfig.so.1"), _entry("libpython3.11.so.1.0"),
        _entry("rapidfuzz/fuzz_cpp_avx2.cpython-311-x86_64-linux-gnu.so", "EXTENSION"),
        _entry("rapidfuzz/fuzz_cpp.cpython-311-x86_64-linux-gnu.so", "EXTENSION"),
    ]  # fmt: skip
    datas = [
        ("libQt6Core.so.6", f"{QT}/lib/libQt6Core.so.6", "SYMLINK"),
        ("libQt6Network.so.6", f"{QT}/lib/libQt6Network.so.6", "SYMLINK"),
        (f"{QT}/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
        ("viewer/resources/icons/app.svg", "/src/app.svg", "DATA"),
    ]
    kept, kept_datas = trim.trim(binaries, datas, needed=lambda path: links.get(path, []))
    names = {dest.rsplit("/", 1)[-1] for dest, _, _ in kept}
    assert names == {"libqxcb.so", "libQt6XcbQpa.so.6", "QtGui.abi3.so", "libQt6Gui.so.6", "libQt6Core.so.6",
                     "libpyside6.abi3.so.6.11", "libpython3.11.so.1.0",
                     "fuzz_cpp.cpython-311-x86_64-linux-gnu.so"}  # fmt: skip
    assert [d for d, _, _ in kept_datas] == ["libQt6Core.so.6", "viewer/resources/icons/app.svg"]


def test_host_libraries_are_never_bundled() -> None:
    host = ("libX11.so.6", "libxcb-icccm.so.4", "libGL.so.1", "libfontconfig.so.1", "libglib-2.0.so.0",
            "libdbus-1.so.3", "libcups.so.2", "libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libEGL.so.1")  # fmt: skip
    for name in host:
        assert trim.is_host_library(name), name
    for name in ("libQt6Core.so.6", "libicudata.so.73", "libpython3.11.so.1.0", "libsqlite3.so.0", "libz.so.1"):
        assert not trim.is_host_library(name), name


def test_without_a_link_reader_only_the_plugin_and_name_rules_apply() -> None:
    binaries = [_entry("PySide6/plugins/platforms/qwindows.dll"), _entry("PySide6/plugins/imageformats/qjpeg.dll"),
                _entry("PySide6/Qt6Network.dll"), _entry("PySide6/Qt6Widgets.dll"), _entry("PySide6/opengl32sw.dll"),
                _entry("rapidfuzz/fuzz_cpp_avx2.cp311-win_amd64.pyd", "EXTENSION"),
                _entry("PySide6/Qt/lib/QtNetwork.framework/Versions/A/QtNetwork"),
                _entry("PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets"),
                _entry("PySide6/Qt/plugins/platforms/libqcocoa.dylib")]  # fmt: skip
    kept, _ = trim.trim(binaries, [], needed=None)
    assert [d for d, _, _ in kept] == ["PySide6/plugins/platforms/qwindows.dll", "PySide6/Qt6Widgets.dll",
                                       "PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets",
                                       "PySide6/Qt/plugins/platforms/libqcocoa.dylib"]  # fmt: skip
