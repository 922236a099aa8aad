"""The protocol tree model: a thin adapter over outline nodes, checked with the model tester."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from pytestqt.modeltest import ModelTester

from viewer.core.model import Source, Study
from viewer.core.outline import Node, outline
from viewer.ui.protocol_tree_model import KEY_ROLE, NODE_ROLE, ProtocolTreeModel


def _rows(model: ProtocolTreeModel, parent: QModelIndex = QModelIndex()) -> list[str]:  # noqa: B008
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def test_model_tester_over_studies(qtmodeltester: ModelTester, seed_studies: list[Study], sample_study: Study) -> None:
    model = ProtocolTreeModel()
    qtmodeltester.check(model)
    for study in [*seed_studies, sample_study]:
        model.set_root(outline(study))
        qtmodeltester.check(model)
    model.set_root(None)
    assert model.rowCount() == 0


def test_rows_mirror_the_outline(sample_study: Study) -> None:
    root = outline(sample_study)
    model = ProtocolTreeModel()
    model.set_root(root)
    assert _rows(model)[:4] == ["Summary", "Eligibility", "Outcomes (31)", "Sites (105)"]
    eligibility = model.index(1, 0)
    assert _rows(model, eligibility)[:2] == ["Inclusion (6)", "Exclusion (11)"]
    inclusion = model.index(0, 0, eligibility)
    assert inclusion.data(NODE_ROLE) is root.children[1].children[0]
    assert inclusion.data(KEY_ROLE) == ("eligibility", "inclusion")
    assert model.parent(inclusion) == eligibility


def test_every_node_round_trips_through_its_index(sample_study: Study) -> None:
    root = outline(sample_study)
    model = ProtocolTreeModel()
    model.set_root(root)
    for node in root.walk():
        if node is root:
            continue
        index = model.index_for_key(node.key)
        assert model.node(index) is node
        parent = model.parent(index)
        holder = model.node(parent) if parent.isValid() else root
        assert holder is not None and holder.children[index.row()] is node


def test_notes_tool_tips_and_section_fonts(sample_study: Study) -> None:
    model = ProtocolTreeModel()
    model.set_root(outline(sample_study))
    outcome = model.index_for_key(("outcomes", "primary", 0))
    node = outcome.data(NODE_ROLE)
    assert isinstance(node, Node) and node.note
    assert outcome.data() == f"{node.title}  ·  {node.note}"
    assert outcome.data(Qt.ItemDataRole.ToolTipRole).startswith("<p>")
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert outcome.data(Qt.ItemDataRole.FontRole) is None
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None


def test_empty_sections_stay_muted_and_empty_groups_are_absent(qtmodeltester: ModelTester) -> None:
    study = Study(id="NCT9", registry="Test", source=Source(file="f", format="t", sha256="0" * 64))
    model = ProtocolTreeModel()
    model.set_root(outline(study))
    qtmodeltester.check(model)
    assert _rows(model) == [
        "Summary",
        "Eligibility",
        "Outcomes  ·  none stated",
        "Sites  ·  none stated",
        "Design",
        "Arms and interventions  ·  none stated",
        "Contacts  ·  none stated",
        "References  ·  none stated",
        "Other details  ·  none stated",
        "Source",
    ]
    assert not any("(0)" in row for row in _rows(model))
    muted = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        node = index.data(NODE_ROLE)
        assert index.data(Qt.ItemDataRole.ForegroundRole) == (muted if node.empty else None), node.label
        assert index.data(Qt.ItemDataRole.FontRole).bold()  # still a section heading
    assert model.rowCount(model.index(2, 0)) == 0 and not model.hasChildren(model.index(2, 0))
    assert _rows(model, model.index(1, 0)) == ["Age: Not stated", "Sex: Not stated", "Healthy volunteers: Not stated"]
