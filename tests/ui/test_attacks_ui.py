"""Issue 10, section 8, in the real window: the saved library (attack 8) and the export dialog (attack 10).

Already proved elsewhere, and not repeated here (docs/attacks.md lists them): a file missing for a session
and quitting mid-load by Cancel (tests/ui/test_new_user.py::test_the_library_survives_quitting_mid_load_and_
a_missing_file), two stores merging (tests/ui/test_settings.py::test_two_viewers_merge_their_libraries), a
symlinked settings file (tests/ui/test_settings.py::test_a_symlinked_settings_file_never_writes_its_target).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import SEED_FILES
from viewer.core.model import Study
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings
from viewer.ui.tasks import running_tasks, wait_for_tasks


def _window(qtbot: QtBot, settings_path: Path) -> MainWindow:
    window = MainWindow(Settings(str(settings_path)))
    qtbot.addWidget(window)
    return window


def _records(folder: Path, copies: int) -> list[Path]:
    """`copies` distinct one-study files (each seed with its id changed), so each is its own library entry."""
    folder.mkdir()
    text = SEED_FILES[0].read_text(encoding="utf-8")
    paths = []
    for i in range(copies):
        path = folder / f"record_{i:04d}.txt"
        path.write_text(text.replace("NCT01165008", f"NCT{90_000_000 + i:08d}"), encoding="utf-8")
        paths.append(path)
    return paths


def test_quitting_while_loading_keeps_every_entry_and_raises_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    """The window closed and deleted while its worker still reads: no 'Signal source has been deleted', no
    exception in any slot (pytest-qt fails the test on one), and every file of the library is still there."""
    paths = _records(tmp_path / "records", 400)
    settings_path = tmp_path / "settings.json"
    first = _window(qtbot, settings_path)
    with qtbot.waitSignal(first.loader.idle, timeout=120_000):
        first.open_paths([str(tmp_path / "records")])
    assert len(first.settings.library.paths()) == len(paths)
    first.close()

    second = MainWindow(Settings(str(settings_path)))  # not handed to qtbot: it is deleted here, mid-load
    with qtbot.waitSignal(second.loader.batch_loaded, timeout=60_000):
        second.start([])  # reloads the 400 files in the background
    assert second.loader.busy
    second.close()
    second.deleteLater()
    QApplication.processEvents()
    assert wait_for_tasks(60_000)
    for _ in range(20):  # deliver whatever the worker emitted last, to receivers that are gone
        QApplication.processEvents()
    assert running_tasks() == 0
    kept = Settings(str(settings_path)).library
    assert sorted(kept.paths()) == sorted(str(p) for p in paths) and not any(e.missing for e in kept.entries())


def test_two_windows_adding_different_files_both_keep_them(qtbot: QtBot, tmp_path: Path) -> None:
    settings_path = tmp_path / "settings.json"
    one, two = _window(qtbot, settings_path), _window(qtbot, settings_path)
    with qtbot.waitSignal(one.loader.idle, timeout=60_000):
        one.open_paths([str(SEED_FILES[0])])
    with qtbot.waitSignal(two.loader.idle, timeout=60_000):
        two.open_paths([str(SEED_FILES[1])])
    one.close()  # each saves its window state at quit; neither overwrites the other's library
    two.close()
    assert sorted(Settings(str(settings_path)).library.paths()) == sorted(str(p) for p in SEED_FILES)


def _read_only_store(settings: Settings) -> None:
    """The library's database opened read-only, as SQLite does when its file cannot be written (as root,
    permissions cannot make it so; tests/core/test_attacks.py runs the real read-only folder as 'nobody')."""
    store = settings.library
    assert store.available
    store.close()
    store._db = sqlite3.connect(f"{store.path.as_uri()}?mode=ro", uri=True)


def test_a_library_that_cannot_be_saved_tells_the_user_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    settings_path = tmp_path / "settings.json"
    earlier = Settings(str(settings_path))
    earlier.library.add([str(SEED_FILES[0])])
    earlier.library.close()
    window = _window(qtbot, settings_path)
    _read_only_store(window.settings)
    with qtbot.waitSignal(window.loader.idle, timeout=60_000):
        window.start([str(SEED_FILES[1])])
    assert {s.id for s in window.library_model.studies()} >= {"NCT01165008", "2024-516057-42-00"}
    told = [reason for where, reason in window.problems.failures() if where == "(library)"]
    assert told and "could not be saved" in told[0] and "readonly" in told[0]
    assert window.problems_button.isVisible() or window.problems.count() == len(window.problems.failures())
    assert Settings(str(settings_path)).library.paths() == [str(SEED_FILES[0])]  # nothing lost: as it was


def test_a_read_only_library_is_shown_as_it_was_and_said(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening fails the way a read-only folder makes it fail: the library is still read, not reset."""
    from viewer.core.library_store import LibraryStore

    settings_path = tmp_path / "settings.json"
    earlier = Settings(str(settings_path))
    earlier.library.add([str(SEED_FILES[0])])
    earlier.library.close()

    def read_only(self: LibraryStore) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(LibraryStore, "_connect", read_only)
    window = _window(qtbot, settings_path)
    with qtbot.waitSignal(window.loader.idle, timeout=60_000):
        window.start([])
    assert any(s.id == "NCT01165008" for s in window.library_model.studies())
    reasons = [reason for _, reason in window.problems.failures()]
    assert sum("cannot be written" in r for r in reasons) == 1 and not any("damaged" in r for r in reasons)
    assert not list(tmp_path.glob("*.damaged-*"))


# --- attack 10: the export dialog's suggestion ---------------------------------------------------------


@pytest.mark.parametrize("study_id", ["../../../../tmp/EVIL", "/etc/passwd", "..", "C:\\x\\..\\y", "NUL"])
def test_the_export_dialog_never_suggests_a_path_outside_the_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_studies: list[Study], study_id: str
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from viewer.ui.exporter import StudyExporter

    study = seed_studies[0].model_copy(update={"id": study_id})
    suggested: list[str] = []

    def dialog(parent: object, caption: str, directory: str, filter_: str) -> tuple[str, str]:
        suggested.append(directory)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    window = _window(qtbot, tmp_path / "settings.json")
    exporter = StudyExporter(window)
    folder = tmp_path / "exports"
    folder.mkdir()
    for fmt in ("json", "markdown", "html", "pdf"):
        exporter.last_dir = str(folder)
        assert exporter.ask_path(study, fmt) == ""
    for path in suggested:
        target = Path(os.path.abspath(path))
        assert target.parent == folder and not target.name.startswith(".") and target.name.split(".")[0] != "NUL"
    before = sorted(p.name for p in tmp_path.iterdir())
    shutil.rmtree(folder)
    assert "EVIL" not in " ".join(before) and not Path("/tmp/EVIL.json").exists()
