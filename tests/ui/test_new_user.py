"""The desktop viewer as a new user found it (issue 10, section 7): each finding, checked the way it was found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QApplication, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import LARGE, SAMPLE, SEED_FILES
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings


def _open(qtbot: QtBot, window: MainWindow, paths: list[Path]) -> None:
    with qtbot.waitSignal(window.loader.idle, timeout=60_000):
        window.open_paths([str(p) for p in paths])


def _shown(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()


def test_tab_and_shift_tab_cycle_through_the_panes_without_a_trap(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window, SEED_FILES)
    _shown(qtbot, window)
    window.library.filter_edit.setFocus()
    stops: list[QWidget | None] = []
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
    chain = [window.library.view, window.tree.view, window.detail.browser, window.detail.copy_button]
    assert all(widget in stops for widget in chain), stops
    assert stops.count(window.library.view) <= 2  # once per round, not every cell of the table
    current = window.current_study()
    qtbot.keyClick(window.library.view, Qt.Key.Key_Tab)
    assert window.current_study() is current  # Tab never moves to another study
    back: list[QWidget | None] = []
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Backtab)
        back.append(QApplication.focusWidget())
    assert all(widget in back for widget in chain) and back.count(window.library.view) <= 2, back


def test_the_filter_box_escape_down_and_counts(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window, [*SEED_FILES, SAMPLE])
    _shown(qtbot, window)
    window.library.focus_filter()
    qtbot.keyClicks(window.library.filter_edit, "myositis")
    qtbot.keyClick(window.library.filter_edit, Qt.Key.Key_Return)
    assert window.library.shown_count() == 2 and window.counts.text() == "2 of 3 studies"
    assert QApplication.focusWidget() is window.library.view  # Enter moves into the results
    window.library.focus_filter()
    qtbot.keyClick(window.library.filter_edit, Qt.Key.Key_Escape)
    assert window.library.filter_edit.text() == "" and window.counts.text() == "3 studies"
    qtbot.keyClicks(window.library.filter_edit, "anakinra")
    qtbot.keyClick(window.library.filter_edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.library.view and window.current_study() is not None
    assert window.current_study().id == "NCT01165008"  # type: ignore[union-attr]
    # The filter reads the same fields as search and compare (conditions, sites, sponsor...), not only columns.
    window.library.filter_edit.setText("amsterdam")
    window.library._apply_filter()
    assert window.library.shown_count() == 1


def test_remove_is_undoable_and_shows_its_shortcut(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window, SEED_FILES)
    assert not window.actions_.remove.shortcut().isEmpty()
    window.library.view.selectRow(0)
    removed = window.current_study()
    window.actions_.remove.trigger()
    assert window.library_model.rowCount() == 1 and str(SEED_FILES[0]) not in window.settings.library.paths()
    undo = window.actions_.undo
    assert undo is not None and undo.isEnabled() and "Remove NCT01165008" in undo.text()
    undo.trigger()
    assert window.library_model.rowCount() == 2 and window.library_model.study(0) is removed
    assert str(SEED_FILES[0]) in window.settings.library.paths()


def test_the_library_survives_quitting_mid_load_and_a_missing_file(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    for path in SEED_FILES:
        shutil.copy(path, folder)
    settings = Settings(str(tmp_path / "s.json"))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    _open(qtbot, window, [folder])
    assert len(settings.library.paths()) == 2  # remembered as they loaded, not at quit
    (folder / SEED_FILES[0].name).unlink()
    window.close()
    again = MainWindow(Settings(str(tmp_path / "s.json")))
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.loader.idle, timeout=60_000):
        again.start([])
        again.loader.cancel()  # quit while it loads: nothing of the library is lost
    again.close()
    kept = Settings(str(tmp_path / "s.json"))
    assert len(kept.library.paths()) == 2
    missing = [e for e in kept.library.entries() if e.missing]
    assert [Path(e.path).name for e in missing] == [SEED_FILES[0].name]
    third = MainWindow(kept)
    qtbot.addWidget(third)
    with qtbot.waitSignal(third.loader.idle, timeout=60_000):
        third.start([])
    assert any("kept in your library" in reason for _, reason in third.problems.failures())


def test_only_paths_that_opened_go_to_open_recent(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{", encoding="utf-8")
    _open(qtbot, window, [bad, SEED_FILES[0]])
    assert window.recent.paths == [str(SEED_FILES[0])]


def test_reopening_says_it_is_already_in_the_library(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window, [SEED_FILES[0]])
    _open(qtbot, window, [SEED_FILES[0]])
    assert window.library_model.rowCount() == 1
    assert "Already in the library" in window.statusBar().currentMessage()


def test_the_first_window_fits_a_small_screen(qtbot: QtBot, window: MainWindow) -> None:
    from viewer.ui.window_layout import fit_to_screen

    screen = window.screen().availableGeometry()
    fit_to_screen(window)
    assert window.width() <= screen.width() and window.height() <= screen.height()


def test_a_damaged_splitter_state_still_leaves_every_pane_room(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "s.json"))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.side_by_side.setSizes([2000, 0])
    settings.set_splitter("lower", window.side_by_side.saveState())
    settings.sync()
    again = MainWindow(Settings(str(tmp_path / "s.json")))
    qtbot.addWidget(again)
    _shown(qtbot, again)
    assert min(again.side_by_side.sizes()) >= 60
    again.side_by_side.setSizes([900, 100])
    again.actions_.reset_layout.trigger()
    assert again.side_by_side.sizes()[1] > again.side_by_side.sizes()[0]


def test_a_layout_that_starves_a_pane_is_reset_and_said(qtbot: QtBot, window: MainWindow) -> None:
    window.side_by_side.setChildrenCollapsible(True)  # what a damaged state can amount to: a pane collapsed
    window.show()
    window.side_by_side.setSizes([1000, 0])
    window._checked_layout = False  # as on a new start with that state restored
    window.hide()
    window.show()  # the check runs when the window is shown with its real sizes
    assert min(window.side_by_side.sizes()) >= 60
    assert any("layout" in reason for _, reason in window.problems.failures())


def test_random_bytes_in_the_settings_keep_the_library(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "s.json"))
    settings.library.add([str(SEED_FILES[0])])
    (tmp_path / "s.json").write_bytes(bytes(range(256)) * 16)
    window = MainWindow(Settings(str(tmp_path / "s.json")))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loader.idle, timeout=60_000):
        window.start([])
    assert any(s.id == "NCT01165008" for s in window.library_model.studies())
    assert any("damaged" in reason for _, reason in window.problems.failures())


def test_zoom_enlarges_headers_titles_filter_and_buttons(qtbot: QtBot, window: MainWindow) -> None:
    from viewer.ui.resources import app_style_sheet

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(app_style_sheet())  # as the app runs: with a style sheet, fonts do not follow the parent
    widgets = [window.library.view.horizontalHeader(), window.library.filter_edit, window.detail.breadcrumb,
               window.detail.copy_button, window.menuBar()]  # fmt: skip
    before = [w.font().pointSizeF() for w in widgets]
    window.set_zoom(4)
    after = [w.font().pointSizeF() for w in widgets]
    window.set_zoom(0)
    app.setStyleSheet("")
    assert all(b2 > b1 for b1, b2 in zip(before, after, strict=True)), (before, after)


def test_find_in_details_marks_and_steps(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window, [SEED_FILES[0]])
    _shown(qtbot, window)
    window.tree.select_key(("eligibility",))
    window.actions_.find_details.trigger()
    bar = window.detail.find_bar
    assert bar.isVisible() and QApplication.focusWidget() is bar.edit
    qtbot.keyClicks(bar.edit, "infection")
    assert bar.count.text().startswith("1 of ")
    total = int(bar.count.text().split(" of ")[1].rstrip("+"))
    assert total >= 2 and len(window.detail.browser.extraSelections()) == total
    window.actions_.find_next.trigger()
    assert bar.count.text().startswith("2 of ")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert bar.isHidden() and window.detail.browser.extraSelections() == []


def test_a_large_node_renders_once_and_is_instant_the_second_time(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window, [LARGE])
    with qtbot.waitSignal(window.detail.rendered, timeout=60_000):
        window.tree.select_key(("sites",))
    first = window.detail.browser.document()
    window.tree.select_key(("design",))
    window.tree.select_key(("sites",))
    assert not window.detail.busy and window.detail.browser.document() is first  # from the cache, no worker


def test_help_lists_every_shortcut_and_about_qt(window: MainWindow) -> None:
    from viewer.ui.dialogs import shortcut_rows

    rows = dict(shortcut_rows(window.actions_.all_actions()))
    for command in ("Open", "Find in Details", "Filter Library", "Remove from Library", "Undo", "Print Preview"):
        assert rows.get(command), command
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert {"&Keyboard Shortcuts", "About &Qt"} <= {a.text() for a in help_menu.actions()}


def test_library_context_menu_offers_more_than_remove(window: MainWindow) -> None:
    texts = [a.text() for a in window.actions_.library_menu_actions() if a is not None]
    assert {"Open &Protocol", "&Export Study", "Print Pre&view…", "Show &File"} <= set(texts)


def test_sort_order_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "s.json"))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.library.view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    window.close()
    again = MainWindow(Settings(str(tmp_path / "s.json")))
    qtbot.addWidget(again)
    header = again.library.view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (1, Qt.SortOrder.DescendingOrder)


def test_every_interactive_widget_has_an_accessible_name(qtbot: QtBot, window: MainWindow) -> None:
    _shown(qtbot, window)
    [clear] = window.library.filter_edit.findChildren(QToolButton)  # as a screen reader sees the filter box
    assert clear.accessibleName() == "Clear filter"
    for button in window.findChildren(QToolButton):
        if button.isVisibleTo(window) and button.objectName() != "qt_toolbar_ext_button":
            assert button.accessibleName() or button.text() or button.defaultAction(), button


def test_printouts_have_a_running_header_and_page_numbers(qtbot: QtBot, tmp_path: Path, large_study: object) -> None:
    from viewer.ui import paper
    from viewer.ui.exporter import print_document, running

    path = tmp_path / "out.pdf"
    study = large_study
    pages = paper.write_pdf(print_document(study), str(path), "t", running(study))  # type: ignore[arg-type]
    assert pages > 10 and path.stat().st_size > 10_000
    data = path.read_bytes()
    assert b"/Count " + str(pages).encode() in data


@pytest.mark.parametrize("size", [QByteArray(b"\x00" * 10)])
def test_garbage_geometry_is_ignored(qtbot: QtBot, tmp_path: Path, size: QByteArray) -> None:
    settings = Settings(str(tmp_path / "s.json"))
    settings.geometry = size
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.width() >= 400


def test_compare_two_selected_studies_and_show_a_change_in_the_tree(qtbot: QtBot, window: MainWindow) -> None:
    from viewer.ui.compare_window import CompareWindow

    _open(qtbot, window, SEED_FILES)
    assert not window.actions_.compare.isEnabled()
    window.library.view.selectAll()
    assert window.actions_.compare.isEnabled()
    window.actions_.compare.trigger()
    [compare] = [w for w in QApplication.topLevelWidgets() if isinstance(w, CompareWindow) and w.isVisible()]
    qtbot.addWidget(compare)
    b = compare.b
    compare.show_in_tree.emit(b, ("eligibility", "exclusion"))
    assert window.current_study() is b
    node = window.tree.current_node()
    assert node is not None and node.key == ("eligibility", "exclusion")
    compare.close()


def test_compare_with_offers_the_same_trial_first(sample_study: object, seed_studies: list[object]) -> None:
    from viewer.ui.study_picker import candidates

    study = sample_study
    copy = study.model_copy(update={"source": study.source.model_copy(update={"sha256": "f" * 64})})  # type: ignore[attr-defined]
    offered = candidates(study, [*seed_studies, copy])  # type: ignore[arg-type]
    assert offered[0][0] is copy and "version" in offered[0][1]


def test_the_same_trial_in_two_registries_is_linked_in_library_and_tree(qtbot: QtBot, window: MainWindow,
                                                                         tmp_path: Path) -> None:  # fmt: skip
    import json

    from viewer.core.outline import Kind

    record = json.loads(SAMPLE.read_text(encoding="utf-8"))
    ident = record["protocolSection"]["identificationModule"]
    twin = {"id": "2015-001314-10", "registry": "EU CTR", "secondary_ids": [ident["nctId"]],
            "source": {"file": "x", "format": "trialviewer-jsonl", "sha256": "0" * 64},
            "summary": {"brief_title": "The same trial in the EU register"}}  # fmt: skip
    (tmp_path / "twin.jsonl").write_text(json.dumps(twin) + "\n", encoding="utf-8")
    _open(qtbot, window, [SAMPLE, tmp_path / "twin.jsonl"])
    model = window.library_model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None  # the badge
    assert "2015-001314-10 (EU CTR)" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    window.library.view.selectRow(0)
    root = window.tree.model.root
    assert root is not None and root.children[0].kind is Kind.LINKS and root.children[0].count == 1
    with qtbot.waitSignal(window.tree.open_requested):
        window.tree._on_activated(window.tree.model.index_for_key(("links", 0)))
    assert window.current_study() is not None and window.current_study().id == "2015-001314-10"  # type: ignore[union-attr]
