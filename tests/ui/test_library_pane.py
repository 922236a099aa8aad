"""The library pane: debounced filter, selection, removal by keyboard, sort, zoom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from viewer.core.model import Study
from viewer.ui.library_model import LibraryModel
from viewer.ui.library_pane import LibraryPane


def _pane(qtbot: QtBot, studies: list[Study]) -> LibraryPane:
    model = LibraryModel()
    pane = LibraryPane(model)
    qtbot.addWidget(pane)
    model.add_studies(studies)
    return pane


def test_first_study_is_selected_when_the_library_fills(qtbot: QtBot, seed_studies: list[Study]) -> None:
    model = LibraryModel()
    pane = LibraryPane(model)
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.study_selected) as blocker:
        model.add_studies(seed_studies)
    assert blocker.args == [seed_studies[0]]


def test_filter_is_debounced(qtbot: QtBot, seed_studies: list[Study], sample_study: Study) -> None:
    pane = _pane(qtbot, [*seed_studies, sample_study])
    with qtbot.waitSignal(pane._debounce.timeout, timeout=2000):
        qtbot.keyClicks(pane.filter_edit, "myositis")
        assert pane.proxy.rowCount() == 3  # nothing filtered while typing
    assert pane.proxy.rowCount() == 2


def test_enter_filters_at_once(qtbot: QtBot, seed_studies: list[Study]) -> None:
    pane = _pane(qtbot, seed_studies)
    qtbot.keyClicks(pane.filter_edit, "ctis")
    qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Return)
    assert pane.proxy.rowCount() == 1


def test_selecting_a_row_names_the_study(qtbot: QtBot, seed_studies: list[Study]) -> None:
    pane = _pane(qtbot, seed_studies)
    with qtbot.waitSignal(pane.study_selected) as blocker:
        pane.view.selectRow(1)
    assert blocker.args == [seed_studies[1]]
    assert pane.current_study() is seed_studies[1]


def test_delete_key_requests_removal(qtbot: QtBot, seed_studies: list[Study]) -> None:
    pane = _pane(qtbot, seed_studies)
    pane.show()
    pane.activateWindow()
    qtbot.waitActive(pane)
    pane.view.setFocus()
    pane.view.selectAll()
    QApplication.processEvents()
    with qtbot.waitSignal(pane.remove_requested) as blocker:
        qtbot.keyClick(pane.view, Qt.Key.Key_Delete)
    assert blocker.args[0] == seed_studies


def test_sort_by_column_and_back_to_opening_order(qtbot: QtBot, seed_studies: list[Study]) -> None:
    pane = _pane(qtbot, seed_studies)
    pane.sort_by(0)
    assert pane.proxy.index(0, 0).data() == "2024-516057-42-00"
    pane.sort_by(-1)
    assert pane.proxy.index(0, 0).data() == "NCT01165008"


def test_rows_follow_the_font_and_controls_have_names(qtbot: QtBot, seed_studies: list[Study]) -> None:
    pane = _pane(qtbot, seed_studies)
    before = pane.view.verticalHeader().defaultSectionSize()
    font = pane.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    pane.setFont(font)  # the window carries the zoom in its font
    pane.set_zoom(1.5)
    assert pane.view.verticalHeader().defaultSectionSize() > before
    assert pane.view.accessibleName() == "Library"
    assert pane.filter_edit.accessibleName() == "Filter library"
