"""What is remembered between runs, and how it survives damage, links, read-only folders and a second viewer."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray

from viewer.ui.settings import MAX_RECENT, Settings


def test_values_survive_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "s.json")
    first = Settings(path)
    first.geometry = QByteArray(b"geom")
    first.set_splitter("main", QByteArray(b"split"))
    first.library.add(["/a.json"])
    first.zoom = 3
    first.scheme = "dark"
    first.sort = (2, True)
    first.add_recent(["/x.json"])
    first.sync()
    again = Settings(path)
    assert again.geometry == QByteArray(b"geom")
    assert again.splitter("main") == QByteArray(b"split") and again.splitter("lower") is None
    assert again.library.paths() == ["/a.json"]
    assert (again.zoom, again.scheme, again.recent_files, again.sort) == (3, "dark", ["/x.json"], (2, True))
    assert again.problems == []


def test_recent_files_newest_first_unique_and_bounded(tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "s.json"))
    for i in range(15):
        settings.add_recent([f"/f{i}"])
    settings.add_recent(["/f3"])
    recent = settings.recent_files
    assert recent[0] == "/f3" and len(recent) == MAX_RECENT and len(set(recent)) == MAX_RECENT
    settings.clear_recent()
    assert settings.recent_files == []


def test_bad_values_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    values = {"view/zoom": "huge", "view/scheme": "purple", "window/geometry": "not base64!", "recent/files": [1, "/a"]}
    path.write_text(json.dumps(values), encoding="utf-8")
    settings = Settings(str(path))
    assert (settings.zoom, settings.scheme, settings.geometry, settings.recent_files) == (0, "system", None, ["/a"])


def test_random_bytes_reset_the_settings_keep_the_library_and_say_so(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    first = Settings(str(path))
    first.library.add(["/kept.json"])
    first.zoom = 2
    first.sync()
    path.write_bytes(random.Random(7).randbytes(4096))
    again = Settings(str(path))
    assert again.zoom == 0 and again.library.paths() == ["/kept.json"]
    [problem] = again.problems
    assert "damaged" in problem and "kept as" in problem
    assert list(tmp_path.glob("s.json.damaged-*"))  # the damaged file is kept for the user, not reused


def test_a_damaged_library_is_set_aside_and_started_afresh(tmp_path: Path) -> None:
    (tmp_path / "library.sqlite3").write_bytes(b"SQLite format 3\x00" + random.Random(1).randbytes(8192))
    settings = Settings(str(tmp_path / "s.json"))
    assert settings.library.available and settings.library.paths() == []
    assert any("library file was damaged" in p for p in settings.problems)
    settings.library.add(["/new.json"])
    assert Settings(str(tmp_path / "s.json")).library.paths() == ["/new.json"]


def test_a_symlinked_settings_file_never_writes_its_target(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("do not touch", encoding="utf-8")
    link = tmp_path / "s.json"
    link.symlink_to(target)
    settings = Settings(str(link))
    assert any("not a plain file" in p for p in settings.problems)
    settings.zoom = 4
    settings.sync()
    assert target.read_text(encoding="utf-8") == "do not touch"
    assert not link.is_symlink() and json.loads(link.read_text(encoding="utf-8"))["view/zoom"] == 4


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_reported_not_silent(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    settings = Settings(str(folder / "s.json"))
    folder.chmod(0o500)
    try:
        settings.zoom = 1
        settings.sync()
        assert any("could not be saved" in p for p in settings.problems)
    finally:
        folder.chmod(0o700)


def test_two_viewers_merge_their_libraries(tmp_path: Path) -> None:
    one, two = Settings(str(tmp_path / "s.json")), Settings(str(tmp_path / "s.json"))
    one.library.add(["/one.json"])
    two.library.add(["/two.json"])
    one.library.remove(["/one.json"])
    one.library.add(["/three.json"])
    assert Settings(str(tmp_path / "s.json")).library.paths() == ["/two.json", "/three.json"]
