"""The protocol tree pane: shows a study, keeps the selected section across studies, trail, copy."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from viewer.core.model import Criterion, Eligibility, Source, Study
from viewer.core.outline import Kind
from viewer.ui.protocol_tree import ProtocolTree


def test_showing_a_study_selects_its_summary(qtbot: QtBot, seed_studies: list[Study]) -> None:
    tree = ProtocolTree()
    qtbot.addWidget(tree)
    with qtbot.waitSignal(tree.node_selected) as blocker:
        tree.show_study(seed_studies[0])
    assert blocker.args[0].kind is Kind.SUMMARY
    assert tree.trail() == "NCT01165008 › Summary"


def test_selected_section_is_kept_when_the_study_changes(qtbot: QtBot, seed_studies: list[Study]) -> None:
    tree = ProtocolTree()
    qtbot.addWidget(tree)
    tree.show_study(seed_studies[0])
    with qtbot.waitSignal(tree.node_selected) as blocker:
        assert tree.select_key(("eligibility", "exclusion"))
    assert blocker.args[0].title == "Exclusion (6)"
    with qtbot.waitSignal(tree.node_selected) as blocker:
        tree.show_study(seed_studies[1])
    assert blocker.args[0].title == "Exclusion (5)"
    assert tree.trail() == "2024-516057-42-00 › Eligibility › Exclusion (5)"


def test_clearing_emits_none(qtbot: QtBot, seed_studies: list[Study]) -> None:
    tree = ProtocolTree()
    qtbot.addWidget(tree)
    tree.show_study(seed_studies[0])
    with qtbot.waitSignal(tree.node_selected) as blocker:
        tree.show_study(None)
    assert blocker.args == [None]
    assert tree.model.rowCount() == 0


def test_eligibility_criteria_are_expanded_by_default(qtbot: QtBot, seed_studies: list[Study]) -> None:
    tree = ProtocolTree()
    qtbot.addWidget(tree)
    tree.show_study(seed_studies[1])
    inclusion = tree.model.index_for_key(("eligibility", "inclusion"))
    assert tree.view.isExpanded(inclusion)
    assert not tree.view.isExpanded(tree.model.index_for_key(("sites",)))


def test_copy_row_text(qtbot: QtBot, seed_studies: list[Study]) -> None:
    tree = ProtocolTree()
    qtbot.addWidget(tree)
    tree.show_study(seed_studies[0])
    tree.select_key(("eligibility", "sex"))
    tree.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == "Sex: All"


def test_a_section_the_next_study_lacks_falls_back_to_its_nearest_parent(
    qtbot: QtBot, seed_studies: list[Study]
) -> None:
    tree = ProtocolTree()
    qtbot.addWidget(tree)
    tree.show_study(seed_studies[0])
    assert tree.select_key(("eligibility", "exclusion"))
    only_inclusion = Study(
        id="NCT2",
        registry="Test",
        source=Source(file="f", format="t", sha256="0" * 64),
        eligibility=Eligibility(inclusion=(Criterion(text="Adults"),)),
    )
    with qtbot.waitSignal(tree.node_selected) as blocker:
        tree.show_study(only_inclusion)
    assert blocker.args[0].key == ("eligibility",)  # no "Exclusion (0)" row: its parent is selected instead
    assert tree.trail() == "NCT2 › Eligibility"
    with qtbot.waitSignal(tree.node_selected) as blocker:
        tree.show_study(seed_studies[0])
    assert blocker.args[0].key == ("eligibility",)
