"""The compare window and its item model, offscreen: rows, navigation, swap, modes, export, accessibility."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from viewer.core.diff import diff
from viewer.core.model import Criterion, Study
from viewer.core.outline import outline
from viewer.ui.compare_window import CompareWindow, open_comparison
from viewer.ui.diff_model import CHANGE_ROLE, INLINE, KIND, SIDE_A, SIDE_B, DiffModel
from viewer.ui.resources import palette_for
from viewer.ui.tasks import wait_for_tasks

pytestmark = pytest.mark.gui


def edited(study: Study) -> Study:
    """One word changed, a criterion inserted, one removed, an outcome's time frame, a site moved."""
    e, o = study.eligibility, study.outcomes
    inclusion = list(e.inclusion)
    inclusion[1] = inclusion[1].model_copy(update={"text": inclusion[1].text.replace("adult-onset", "juvenile-onset")})
    inclusion.insert(3, Criterion(text="Willing to keep a daily pain diary during the treatment period"))
    primary = list(o.primary)
    primary[1] = primary[1].model_copy(update={"time_frame": "Week 16"})
    sites = list(study.sites)
    sites.insert(0, sites.pop(5))
    return study.model_copy(update={
        "eligibility": e.model_copy(update={"inclusion": tuple(inclusion), "exclusion": e.exclusion[1:]}),
        "outcomes": o.model_copy(update={"primary": tuple(primary)}), "sites": tuple(sites),
    })  # fmt: skip


@pytest.fixture
def window(qtbot: QtBot, sample_study: Study) -> CompareWindow:
    win = CompareWindow(sample_study, edited(sample_study))
    qtbot.addWidget(win)
    # The result comes back through a queued signal, delivered only once the event loop runs inside the
    # wait: it cannot be missed between the constructor and the wait.
    with qtbot.waitSignal(win.compared, timeout=20_000):
        win.show()
    return win


def kinds(win: CompareWindow) -> list[str]:
    return [win.model.change(i).kind for i in win.model.change_indexes()]  # type: ignore[union-attr]


def test_model_tester(qtmodeltester: ModelTester, sample_study: Study) -> None:
    model = DiffModel()
    qtmodeltester.check(model)
    model.set_comparison(diff(sample_study, edited(sample_study), unchanged=True))
    qtmodeltester.check(model)
    model.set_only_differences(False)
    qtmodeltester.check(model)


def test_rows_per_section_with_counts(window: CompareWindow) -> None:
    model = window.model
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles[1] == "Eligibility — 1 added, 1 removed, 1 changed"
    assert titles[2] == "Outcomes — 1 changed" and titles[3] == "Sites — 1 moved"
    assert titles[4].endswith("no differences")
    assert sorted(kinds(window)) == ["added", "changed", "changed", "moved", "removed"]
    assert window.windowTitle() == "Compare NCT02552212 with NCT02552212"


def test_only_differences_is_on_by_default_and_toggles(window: CompareWindow) -> None:
    sites = window.model.index(3, 0)
    assert window.only_differences_action.isChecked() and window.model.rowCount(sites) == 1
    window.only_differences_action.trigger()
    assert window.model.rowCount(sites) == len(window.a.sites)
    assert len(window.model.change_indexes()) == 5  # navigation still visits only the differences


def test_f7_and_shift_f7_walk_the_changes(qtbot: QtBot, window: CompareWindow) -> None:
    assert window.next_action.shortcut().toString() == "F7"
    assert window.previous_action.shortcut().toString() == "Shift+F7"
    assert window.next_action in window.menuBar().actions()[2].menu().actions()  # the Go menu shows them
    indexes = window.model.change_indexes()
    assert window.view.currentIndex() == indexes[0]
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F7)
    assert window.view.currentIndex() == indexes[1]
    qtbot.keyClick(window.view, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert window.view.currentIndex() == indexes[-1]  # wraps around
    assert "Change 5 of 5" in window.statusBar().currentMessage()
    # A last key without Shift: Qt keeps the modifiers of the last key event as the application's, and a
    # Shift left "held" would turn later tests' selectRow() into a range selection.
    qtbot.keyClick(window.view, Qt.Key.Key_F7)
    assert window.view.currentIndex() == indexes[0]


def test_swap_turns_additions_into_removals(qtbot: QtBot, window: CompareWindow) -> None:
    before = window.model.comparison
    assert before is not None
    with qtbot.waitSignal(window.compared, timeout=20_000):
        window.swap_action.trigger()
    after = window.model.comparison
    assert after is not None and after.a is before.b and after.b is before.a
    assert after.counts()["eligibility"] == {"added": 1, "removed": 1, "changed": 1, "moved": 0}
    added = next(c for c in after.changes() if c.kind == "removed" and c.path.startswith("eligibility.inclusion"))
    assert added.a and "pain diary" in added.a


def test_inline_mode_shows_one_column(window: CompareWindow) -> None:
    assert window.side_by_side and window.view.isColumnHidden(INLINE)
    window.inline_action.trigger()
    assert window.view.isColumnHidden(SIDE_A) and window.view.isColumnHidden(SIDE_B)
    assert not window.view.isColumnHidden(INLINE)
    window.side_by_side_action.trigger()
    assert window.side_by_side


def test_activating_a_change_asks_for_its_tree_node(qtbot: QtBot, window: CompareWindow) -> None:
    changed = next(i for i in window.model.change_indexes() if i.data(CHANGE_ROLE).path == "eligibility.inclusion[2]")
    with qtbot.waitSignal(window.show_in_tree) as blocker:
        window.view.activated.emit(changed.siblingAtColumn(SIDE_A))
    study, key = blocker.args
    assert study is window.a and key == ("eligibility", "inclusion", 1)
    added = next(i for i in window.model.change_indexes() if i.data(CHANGE_ROLE).kind == "added")
    window.view.setCurrentIndex(added)
    with qtbot.waitSignal(window.show_in_tree) as blocker:
        window.show_b_action.trigger()
    assert blocker.args == [window.b, ("eligibility", "inclusion", 3)]
    with qtbot.waitSignal(window.show_in_tree) as blocker:
        window.show_a_action.trigger()  # A has no such criterion: its Inclusion group, which A's tree shows
    assert blocker.args[1] == ("eligibility", "inclusion")
    assert outline(window.a).find(blocker.args[1]) is not None


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_export(qtbot: QtBot, window: CompareWindow, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"report.{fmt}"
    with qtbot.waitSignal(window.exported, timeout=30_000) as blocker:
        window.export(fmt, str(path))
    assert blocker.args == [str(path)]
    data = path.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
    else:
        text = data.decode("utf-8")
        assert window.a.source.sha256 in text and "<del>adult</del> <ins>juvenile</ins>" in text


def test_every_control_has_an_accessible_name_and_kinds_are_spoken(window: CompareWindow) -> None:
    for action in window.toolbar.actions():
        if action.isSeparator():
            continue
        button = window.toolbar.widgetForAction(action)
        assert button is not None and button.accessibleName(), action.text()
    assert window.view.accessibleName() == "Differences" and window.sources.accessibleName()
    spoken = [i.data(Qt.ItemDataRole.AccessibleTextRole) for i in window.model.change_indexes()]
    assert any(s.startswith("Removed: eligibility.exclusion[1]") for s in spoken)
    changed = next(i for i in window.model.change_indexes() if i.data(CHANGE_ROLE).path == "eligibility.inclusion[2]")
    b_cell = changed.siblingAtColumn(SIDE_B).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "[inserted: juvenile]" in b_cell
    assert changed.siblingAtColumn(KIND).data() == "~ Changed"


def test_dark_scheme_renders(qtbot: QtBot, window: CompareWindow, qapp: QApplication) -> None:
    light = window.grab().toImage()
    old = qapp.palette()
    try:
        qapp.setPalette(palette_for(True))
        qtbot.waitUntil(lambda: window.view.palette().base().color().lightness() < 128)
        dark = window.grab().toImage()
    finally:
        qapp.setPalette(old)
    assert light.pixelColor(600, 400).lightness() > 128 > dark.pixelColor(600, 400).lightness()


def test_two_thousand_site_studies_compare_off_the_gui_thread(qtbot: QtBot, large_study: Study) -> None:
    sites = list(large_study.sites)
    random.Random(5).shuffle(sites)
    other = large_study.model_copy(update={"sites": tuple(sites[:-20])})
    win = open_comparison(None, large_study, other)
    qtbot.addWidget(win)
    assert win.model.comparison is None and win.busy.isVisibleTo(win)  # the window is up; the diff is not done
    with qtbot.waitSignal(win.compared, timeout=60_000):
        pass
    counts = win.model.comparison.counts()["sites"]  # type: ignore[union-attr]
    assert counts["removed"] == 20 and counts["changed"] == 0 and counts["moved"] > 0
    assert not win.busy.isVisibleTo(win)
    win.close()
    assert wait_for_tasks(10_000)


def test_open_comparison_is_a_window(qtbot: QtBot, sample_study: Study) -> None:
    win = open_comparison(None, sample_study, sample_study)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.compared, timeout=20_000):
        pass
    assert win.isWindow() and win.isVisible() and not win.model.change_indexes()
    assert win.model.index(0, 0, QModelIndex()).data() == "Summary — no differences"
