"""What is remembered between runs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray

from viewer.ui.settings import MAX_RECENT, Settings


def test_values_survive_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "s.ini")
    first = Settings(path)
    first.geometry = QByteArray(b"geom")
    first.set_splitter("main", QByteArray(b"split"))
    first.library_files = ["/a.json"]
    first.zoom = 3
    first.scheme = "dark"
    first.add_recent(["/x.json"])
    first.sync()
    again = Settings(path)
    assert again.geometry == QByteArray(b"geom")
    assert again.splitter("main") == QByteArray(b"split") and again.splitter("lower") is None
    assert again.library_files == ["/a.json"]
    assert (again.zoom, again.scheme, again.recent_files) == (3, "dark", ["/x.json"])


def test_recent_files_newest_first_unique_and_bounded(tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "s.ini"))
    for i in range(15):
        settings.add_recent([f"/f{i}"])
    settings.add_recent(["/f3"])
    recent = settings.recent_files
    assert recent[0] == "/f3" and len(recent) == MAX_RECENT and len(set(recent)) == MAX_RECENT
    settings.clear_recent()
    assert settings.recent_files == []


def test_bad_values_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    path.write_text("[view]\nzoom=huge\nscheme=purple\n", encoding="utf-8")
    settings = Settings(str(path))
    assert (settings.zoom, settings.scheme, settings.geometry) == (0, "system", None)
