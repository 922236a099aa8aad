"""The Search dock, driven as a user drives it: real index (tantivy + SQLite in the test's data folder), real
widgets offscreen, keyboard and chips; the index kept in step with the library."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from tests.conftest import CORPUS, ROOT
from viewer.core.search import SearchIndex
from viewer.ui.main_window import MainWindow
from viewer.ui.search_results import HIT_ROLE, HTML_ROLE, label
from viewer.ui.settings import Settings
from viewer.ui.tasks import wait_for_tasks

pytestmark = pytest.mark.gui
V2 = CORPUS / "A_ctgov_api_v2_json"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder of this test's own: its index starts empty."""
    monkeypatch.setenv("TRIALVIEWER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def searching(qtbot: QtBot, home: Path, settings: Settings) -> MainWindow:
    """A window that opened the bundled protocols and indexed them."""
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.loader.finished, timeout=30_000):
        win.start([], remembered=False)
    keeper = win.search.keeper
    qtbot.waitUntil(lambda: keeper.studies > 0 and not keeper.busy_indexing, timeout=60_000)
    yield win
    win.loader.cancel()
    assert wait_for_tasks(20_000)


def ask(qtbot: QtBot, win: MainWindow, text: str) -> None:
    """Type a query into the field and wait for its answer."""
    win.search.focus()
    pane = win.search.pane
    with qtbot.waitSignal(win.search.keeper.answered, timeout=20_000):
        pane.field.setText(text)


def test_ctrl_k_and_find_open_the_search_field(searching: MainWindow, qtbot: QtBot) -> None:
    keys = {s.toString() for s in searching.actions_.search.shortcuts()}
    assert "Ctrl+K" in keys and QKeySequence(QKeySequence.StandardKey.Find).toString() in keys | {"Ctrl+F"}
    assert "Ctrl+L" in {s.toString() for s in searching.actions_.filter.shortcuts()}
    searching.actions_.search.trigger()
    pane = searching.search.pane
    assert pane.isVisible()
    qtbot.waitUntil(lambda: pane.field.hasFocus())


def test_typing_finds_with_snippets_and_counts(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, "certolizumab")
    pane = searching.search.pane
    assert pane.model.rowCount() >= 1
    ids = [pane.model.hit(r).id for r in range(pane.model.rowCount())]
    assert "NCT02552212" in ids
    html = pane.model.index(0, 0).data(HTML_ROLE)
    assert '<span class="match">' in html.lower() or "<span class='match'>" in html.lower()
    assert "1" in pane.summary.text() and "stud" in pane.summary.text()


def test_enter_opens_the_study_at_the_node_with_the_words_marked(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, "exclusion:pregnant")
    pane = searching.search.pane
    assert pane.model.rowCount() >= 1
    hit = pane.model.hit(0)
    assert hit.fields == ()  # as-you-type answers skip them: the opened study is searched for its words instead
    qtbot.keyClick(pane.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: searching.current_study() is not None and searching.current_study().id == hit.id)
    node = searching.tree.current_node()
    assert node is not None and node.key[:2] == ("eligibility", "exclusion"), node.key
    qtbot.waitUntil(lambda: not searching.detail.busy)
    assert "pregnan" in searching.detail.plain_text().lower()
    assert searching.detail.terms  # the words are marked in what the pane renders
    # Choosing another study drops the marks.
    other = next(s for s in searching.library_model.studies() if s.id != hit.id)
    searching.library.select_study(other)
    assert searching.detail.terms == ()


def test_keyboard_moves_between_field_and_results(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, "study")
    pane = searching.search.pane
    assert pane.model.rowCount() >= 2
    qtbot.keyClick(pane.field, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: pane.results.hasFocus())
    assert pane.results.currentIndex().row() == 0
    qtbot.keyClick(pane.results, Qt.Key.Key_Down)
    assert pane.results.currentIndex().row() == 1
    qtbot.keyClick(pane.results, Qt.Key.Key_Return)
    second = pane.model.hit(1)
    qtbot.waitUntil(lambda: searching.current_study() is not None and searching.current_study().id == second.id)
    qtbot.keyClick(pane.results, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: pane.field.hasFocus())
    qtbot.keyClick(pane.field, Qt.Key.Key_Escape)
    assert pane.field.text() == ""


def test_a_chip_filters_the_results(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, "study")
    pane = searching.search.pane
    chip = pane.chips["registry"]
    actions = chip.menu().actions()
    assert actions and chip.isEnabled()
    value = actions[0].data()
    with qtbot.waitSignal(searching.search.keeper.answered, timeout=20_000):
        actions[0].setChecked(True)
    assert pane.filters() == {"registry": [value]}
    hits = [pane.model.hit(r) for r in range(pane.model.rowCount())]
    assert hits and all(h.registry == value for h in hits)
    assert chip.text().startswith("Registry: ") and label("registry", value) in chip.text()


def test_nothing_found_suggests_a_close_word(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, "certolizumav")
    pane = searching.search.pane
    assert pane.model.rowCount() == 0
    assert "Nothing found" in pane.summary.text()
    assert "certolizumab" in pane.summary.text()  # offered as a link
    with qtbot.waitSignal(searching.search.keeper.answered, timeout=20_000):
        pane.summary.linkActivated.emit("certolizumab")
    assert pane.model.rowCount() >= 1


def test_unparsable_query_is_answered_as_words(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, '(("title: AND OR "')
    assert searching.search.pane.summary.text()  # an answer, no dialog
    assert not searching.problems_button.isVisible() or searching.problems.count() == 0


def test_stale_queries_never_overwrite_the_newest(searching: MainWindow, qtbot: QtBot) -> None:
    searching.search.focus()
    pane = searching.search.pane
    for text in ("s", "st", "stu", "stud", "xyzzy", "certolizumab"):
        pane.field.setText(text)
        pane._emit_query()  # no debounce: every keystroke asks
    keeper = searching.search.keeper
    qtbot.waitUntil(lambda: keeper._running is None and keeper._waiting is None, timeout=20_000)
    assert searching.search._last is not None and searching.search._last.query.text == "certolizumab"
    assert any(pane.model.hit(r).id == "NCT02552212" for r in range(pane.model.rowCount()))


def test_index_follows_the_library_remove_and_undo(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, "certolizumab")
    keeper = searching.search.keeper
    study = next(s for s in searching.library_model.studies() if s.id == "NCT02552212")
    before = keeper.studies
    searching.keeper.remove([study])
    qtbot.waitUntil(lambda: keeper.studies < before and not keeper.busy_indexing, timeout=30_000)
    ask(qtbot, searching, "certolizumab pegol")
    model = searching.search.pane.model
    assert all(model.hit(r).id != "NCT02552212" for r in range(model.rowCount()))
    searching.keeper.undo_stack.undo()
    qtbot.waitUntil(lambda: keeper.studies == before and not keeper.busy_indexing, timeout=30_000)
    ask(qtbot, searching, "certolizumab")
    assert searching.search.pane.model.rowCount() >= 1


def test_opening_a_folder_indexes_it_with_progress(searching: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "v2"
    shutil.copytree(V2, folder)
    keeper = searching.search.keeper
    searching.search.focus()
    pane = searching.search.pane
    before = keeper.studies
    with qtbot.waitSignal(searching.loader.finished, timeout=60_000):
        searching.open_paths([str(folder)])
    studies = searching.library_model.studies()
    opened = [s for s in studies if s.source.file.startswith(str(folder))]
    assert len(opened) >= 18
    # A file with the same content as one indexed already (two of these are bundled samples) is not indexed twice.
    known = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "protocols").iterdir() if p.is_file()}
    new = [s for s in opened if s.source.sha256 not in known]
    assert len(new) < len(opened)
    qtbot.waitUntil(lambda: keeper.studies == before + len(new) and not keeper.busy_indexing, timeout=120_000)
    assert not pane.progress.isVisible()
    assert f"{keeper.studies:,} studies indexed" in pane.index_state.text()
    one = new[-1]
    ask(qtbot, searching, f"id:{one.id}")
    assert {pane.model.hit(r).id for r in range(pane.model.rowCount())} == {one.id}  # every record of it


def test_indexing_shows_progress_and_a_cancel_button(searching: MainWindow, qtbot: QtBot,
                                                                     tmp_path: Path) -> None:  # fmt: skip
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    keeper = searching.search.keeper
    searching.search.focus()
    pane = searching.search.pane
    before = keeper.studies
    seen: list[object] = []

    def cancel_at_first(progress: object) -> None:
        seen.append(progress)
        if len(seen) == 1:
            assert pane.progress.isVisible() and pane.cancel_button.isVisible()
            pane.cancel_button.click()

    keeper.index_progress.connect(cancel_at_first)
    with qtbot.waitSignal(keeper.index_finished, timeout=120_000) as finished:
        keeper.add([str(folder)])
    report = finished.args[0]
    assert seen and report.cancelled
    assert not pane.progress.isVisible()
    # A batch commits whole (up to 20,000 studies or 10 s: the core's tests cancel between batches), so here
    # the corpus's one batch is either all in or all out, and the index answers either way.
    assert keeper.studies in (before, before + report.studies_added) and keeper.studies == keeper.index.study_count()
    ask(qtbot, searching, "study")


def test_a_hit_outside_the_library_opens_for_the_session(searching: MainWindow, qtbot: QtBot, home: Path) -> None:
    outside = V2 / "aact__NCT00763412.json"
    index = SearchIndex.open(None)
    try:
        report = index.add_paths([outside], workers=0)
    finally:
        index.close()
    assert report.studies_added == 1
    ask(qtbot, searching, f"id:{outside.stem.split('__')[-1]}")
    pane = searching.search.pane
    assert pane.model.rowCount() == 1
    hit = pane.model.hit(0)
    count = searching.library_model.rowCount()
    with qtbot.waitSignal(searching.library_model.rowsInserted, timeout=20_000):
        pane.hit_activated.emit(hit)
    qtbot.waitUntil(lambda: searching.current_study() is not None and searching.current_study().id == hit.id)
    assert searching.library_model.rowCount() == count + 1
    assert str(outside) not in [e.path for e in searching.settings.library.entries()]  # not remembered


def test_a_damaged_index_is_rebuilt_and_said(qtbot: QtBot, home: Path, settings: Settings) -> None:
    folder = home / "data" / "index"
    index = SearchIndex.open(None)
    index.add_paths(sorted(V2.glob("*.json"))[:2], workers=0)
    index.close()
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".lock":
            path.write_bytes(b"\x00garbage" * 64)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.search.keeper.index_reset, timeout=30_000):
        win.search.focus()
    assert win.problems.count() >= 1
    win.loader.cancel()
    assert wait_for_tasks(20_000)


def test_hits_are_items_of_the_model(searching: MainWindow, qtbot: QtBot) -> None:
    ask(qtbot, searching, "study")
    model = searching.search.pane.model
    from pytestqt.modeltest import ModelTester

    ModelTester(None).check(model)
    assert all(model.index(r, 0).data(HIT_ROLE) is model.hit(r) for r in range(model.rowCount()))


def test_the_dock_comes_back_where_it_was_left(qtbot: QtBot, home: Path, tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "kept.json"))
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.show()
    first.search.focus()
    first.close()
    assert settings.search_open
    again = MainWindow(Settings(str(tmp_path / "kept.json")))
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.loader.finished, timeout=30_000):
        again.start([], remembered=False)
    assert again.search.pane.isVisible()
    again.search._dock.close()  # closed by the user: stays closed next time
    again.close()
    assert not Settings(str(tmp_path / "kept.json")).search_open
    assert wait_for_tasks(20_000)


def test_a_file_gone_before_it_is_indexed_is_skipped_without_a_problem(
    searching: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    keeper = searching.search.keeper
    kept, gone = tmp_path / "kept.json", tmp_path / "gone.json"
    shutil.copy(V2 / "aact__NCT00763412.json", kept)
    failures: list[str] = []
    keeper.failed.connect(failures.append)
    with qtbot.waitSignal(keeper.index_finished, timeout=60_000) as finished:
        keeper.add([str(kept), str(gone)])  # the second was never there (a file deleted since it was opened)
    report = finished.args[0]
    assert report.files_indexed == 1 and report.problems == () and failures == []
