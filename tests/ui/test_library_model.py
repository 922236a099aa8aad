"""The library model and its filter/sort proxy, checked with pytest-qt's model tester."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from viewer.core.model import Study
from viewer.ui.library_model import COLUMNS, STUDY_ROLE, LibraryModel
from viewer.ui.library_proxy import LibraryProxy


def _model(studies: list[Study]) -> LibraryModel:
    model = LibraryModel()
    model.add_studies(studies)
    return model


def test_model_tester(qtmodeltester: ModelTester, seed_studies: list[Study], sample_study: Study) -> None:
    model = LibraryModel()
    qtmodeltester.check(model)
    model.add_studies(seed_studies)
    model.add_studies([sample_study])
    model.remove_rows([0])
    qtmodeltester.check(model)


def test_columns_show_id_title_registry_status_update_and_file(seed_studies: list[Study]) -> None:
    model = _model(seed_studies)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))] == list(COLUMNS)
    row = [model.data(model.index(1, c)) for c in range(len(COLUMNS))]
    assert row[0] == "2024-516057-42-00"
    assert row[2] == "EU CTIS" and row[3] == "Not yet recruiting"
    assert row[5] == "004_5c3f0f274010b228.txt"  # what tells two records of one trial apart
    assert model.data(model.index(0, 4)) == seed_studies[0].summary.last_update_posted
    assert model.data(model.index(0, 0), STUDY_ROLE) is seed_studies[0]


def test_tool_tips_escape_record_text(seed_studies: list[Study]) -> None:
    hostile = seed_studies[0].model_copy(
        update={"summary": seed_studies[0].summary.model_copy(update={"brief_title": "<img src=http://x>"})}
    )
    tip = _model([hostile]).data(_model([hostile]).index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img src=http://x&gt;" in tip


def test_reopening_a_file_refreshes_instead_of_doubling(seed_studies: list[Study]) -> None:
    model = _model(seed_studies)
    model.add_studies(seed_studies)
    assert model.rowCount() == 2
    assert model.row_of(seed_studies[1]) == 1


def test_remove_rows_returns_studies_and_reindexes(seed_studies: list[Study], sample_study: Study) -> None:
    model = _model([*seed_studies, sample_study])
    removed = model.remove_rows([0, 1])
    assert removed == [seed_studies[1], seed_studies[0]]
    assert model.row_of(sample_study) == 0 and model.rowCount() == 1
    model.clear()
    assert model.rowCount() == 0


def test_proxy_model_tester_and_word_filter(
    qtmodeltester: ModelTester, seed_studies: list[Study], sample_study: Study
) -> None:
    proxy = LibraryProxy()
    proxy.setSourceModel(_model([*seed_studies, sample_study]))
    qtmodeltester.check(proxy)
    proxy.set_filter_text("myositis")
    assert proxy.rowCount() == 2
    proxy.set_filter_text("  ANAKINRA   completed ")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["NCT01165008"]
    proxy.set_filter_text("eu ctis recruiting")
    assert proxy.rowCount() == 1
    proxy.set_filter_text("")
    assert proxy.rowCount() == 3
    qtmodeltester.check(proxy)


def test_proxy_sorts_case_insensitively(seed_studies: list[Study], sample_study: Study) -> None:
    proxy = LibraryProxy()
    proxy.setSourceModel(_model([sample_study, *seed_studies]))
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["2024-516057-42-00", "NCT01165008", "NCT02552212"]
    proxy.sort(-1)
    assert proxy.index(0, 0).data() == "NCT02552212"
