"""The compare window: two studies side by side (or inline), section by section, change by change."""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from viewer.ui.diff_model import COLUMNS, INLINE, KIND, SIDE_A, WHERE, DiffModel
from viewer.ui.diff_view import DiffView
from viewer.ui.tasks import run_paced, run_task

if TYPE_CHECKING:
    from viewer.core.diff.model import Change, Comparison, Version
    from viewer.core.model import Study
    from viewer.core.outline import Key, Node
    from viewer.ui.tasks import CancelToken, Report, TaskFailure


def compare(a: Study, b: Study, generation: int, _token: CancelToken, _report: Report) -> tuple[int, Comparison]:
    """Worker: the comparison, unchanged items included (the window's toggle hides them)."""
    from viewer.core.diff import diff

    return generation, diff(a, b, unchanged=True)


class CompareWindow(QMainWindow):
    """Compares study `a` (A, left) with `b` (B, right); the diff runs off the GUI thread.

    `show_in_tree(study, key)` asks for the protocol tree node `key` of `study` (A's or B's) to be shown;
    the key always names a node that study's tree has.
    """

    show_in_tree = Signal(object, object)
    compared = Signal()  # a comparison is in place (after opening, swapping)
    exported = Signal(str)  # the report written
    export_failed = Signal(str)

    def __init__(self, a: Study, b: Study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.a, self.b = a, b
        self._generation = 0
        self._outlines: dict[int, Node] = {}
        self.model = DiffModel(self)
        self.setObjectName("compareWindow")
        self.resize(1200, 760)
        self._build_view()
        self._build_actions()
        self._start()

    # --- building ---

    def _build_view(self) -> None:
        self.sources = QLabel(self)
        self.sources.setObjectName("compareSources")
        self.sources.setTextFormat(Qt.TextFormat.RichText)  # our markup; record text escaped
        self.sources.setWordWrap(True)
        self.sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sources.setAccessibleName("Compared studies")
        self.busy = QLabel("Comparing…", self)
        self.busy.setObjectName("busyHint")
        self.busy.setAccessibleName("Comparing the studies")
        self.view = DiffView(self.model, self)
        self.view.activated.connect(self._on_activated)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.sources)
        layout.addWidget(self.busy)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(body)

    def _build_actions(self) -> None:
        from viewer.ui.compare_actions import CompareActions

        acts = CompareActions(self)
        self.next_action = acts.add("&Next Change", self.next_change, "F7")
        self.previous_action = acts.add("&Previous Change", self.previous_change, "Shift+F7")
        self.show_a_action = acts.add("Show in Tree of &A", self.show_current_in_a, "Ctrl+Shift+A",
                                      "Show this change in study A's protocol tree")  # fmt: skip
        self.show_b_action = acts.add("Show in Tree of &B", self.show_current_in_b, "Ctrl+Shift+B",
                                      "Show this change in study B's protocol tree")  # fmt: skip
        self.swap_action = acts.add("&Swap A and B", self.swap, "Ctrl+Shift+X")
        only = "Show only what differs (off: unchanged items too)"
        self.only_differences_action = acts.add("Only &Differences", self.set_only_differences, "Ctrl+D", only,
                                                checked=True)  # fmt: skip
        self.side_by_side_action = acts.add("Side by Side", self._on_side_by_side, "Ctrl+1", checked=True)
        self.inline_action = acts.add("Inline", self._on_inline, "Ctrl+2", "A and B in one column", checked=False)
        acts.exclusive(self.side_by_side_action, self.inline_action)
        self.export_html_action = acts.add("Export as &HTML…", self.export_html, None, "Export the comparison as HTML")
        self.export_pdf_action = acts.add("Export as &PDF…", self.export_pdf, None, "Export the comparison as PDF")
        self.close_action = acts.add("&Close", self.close, QKeySequence(QKeySequence.StandardKey.Close))
        acts.menu("&Compare", self.export_html_action, self.export_pdf_action, None, self.close_action)
        acts.menu("&View", self.side_by_side_action, self.inline_action, None, self.only_differences_action,
                  self.swap_action)  # fmt: skip
        acts.menu("&Go", self.next_action, self.previous_action, None, self.show_a_action, self.show_b_action)
        self.toolbar = acts.toolbar(
            self.previous_action, self.next_action, None, self.side_by_side_action, self.inline_action,
            self.only_differences_action, self.swap_action, None, self.export_html_action, self.export_pdf_action,
        )  # fmt: skip

    # --- comparing ---

    def _start(self) -> None:
        self._generation += 1
        self.busy.show()
        self.busy.setText(f"Comparing {self.a.id} with {self.b.id}…")
        self.setWindowTitle(f"Compare {self.a.id} with {self.b.id}")
        self._show_sources()
        for action in (self.export_html_action, self.export_pdf_action, self.swap_action):
            action.setEnabled(False)
        run_task(partial(compare, self.a, self.b, self._generation), self._on_compared, self._on_failed)

    @property
    def busy_comparing(self) -> bool:
        return self.model.comparison is None or self.model.comparison.a is not self.a

    @Slot(object)
    def _on_compared(self, result: tuple[int, Comparison]) -> None:
        generation, comparison = result
        if generation != self._generation:
            return  # a swap came after: its own result is on its way
        self.model.set_comparison(comparison)
        self.view.after_reset()
        self.busy.hide()
        for action in (self.export_html_action, self.export_pdf_action, self.swap_action):
            action.setEnabled(True)
        self._show_sources()
        total = len(comparison.changes())
        self.statusBar().showMessage("No differences" if not total else f"{total} differences", 5000)
        self.compared.emit()

    @Slot(object)
    def _on_failed(self, failure: TaskFailure) -> None:
        self.busy.setText(f"The comparison failed: {failure}")
        self.busy.setAccessibleName(self.busy.text())

    def _show_sources(self) -> None:
        comparison = self.model.comparison
        relation = "Two versions of one trial" if self.a.id.casefold() == self.b.id.casefold() else "Two trials"
        if comparison is not None and comparison.a is self.a:
            relation = "Two versions of one trial" if comparison.relation == "versions" else "Two trials"
            parts = [self._side("A", comparison.version_a), self._side("B", comparison.version_b)]
        else:
            parts = [f"<b>A</b> {html.escape(self.a.id)}", f"<b>B</b> {html.escape(self.b.id)}"]
        self.sources.setText(f"<b>{relation}</b><br>" + "<br>".join(parts))
        self.sources.setAccessibleDescription(self.sources.text())

    @staticmethod
    def _side(label: str, v: Version) -> str:
        date = f" · {html.escape(v.date_label or '')} {html.escape(v.date)}" if v.date else ""
        title = html.escape(" ".join(v.title.split())[:90])
        return f"<b>{label}</b> {html.escape(v.id)}: {title} · {html.escape(os.path.basename(v.file))}{date}"

    # --- what the user does ---

    @Slot()
    def swap(self) -> None:
        self.a, self.b = self.b, self.a
        self._start()

    @Slot(bool)
    def set_only_differences(self, only: bool) -> None:
        current = self.view.current_change()
        self.model.set_only_differences(only)
        self.view.after_reset()
        self.view.select(current)

    @Slot()
    def _on_side_by_side(self) -> None:
        self._set_side_by_side(True)

    @Slot()
    def _on_inline(self) -> None:
        self._set_side_by_side(False)

    def _set_side_by_side(self, on: bool) -> None:
        self.view.set_side_by_side(on)
        self.side_by_side_action.setChecked(on)
        self.inline_action.setChecked(not on)

    @property
    def side_by_side(self) -> bool:
        return self.view.side_by_side

    @Slot()
    def next_change(self) -> None:
        self._step(1)

    @Slot()
    def previous_change(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        number, count, change = self.view.step(step)
        if change is None:
            self.statusBar().showMessage("No differences", 3000)
        else:
            self.statusBar().showMessage(f"Change {number} of {count}: {change.kind} {change.path}")

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        change = self.model.change(index)
        if change is None:
            return
        if index.column() == SIDE_A or (index.column() in (KIND, WHERE, INLINE) and change.kind == "removed"):
            self._show(change, "a")
        else:
            self._show(change, "b")

    @Slot()
    def show_current_in_a(self) -> None:
        change = self.view.current_change()
        if change is not None:
            self._show(change, "a")

    @Slot()
    def show_current_in_b(self) -> None:
        change = self.view.current_change()
        if change is not None:
            self._show(change, "b")

    def _show(self, change: Change, which: str) -> None:
        from viewer.core.diff import nearest_node

        comparison = self.model.comparison
        if comparison is None:
            return
        study = comparison.a if which == "a" else comparison.b
        key: Key | None = change.key_a if which == "a" else change.key_b
        root = self._outline(study)
        self.show_in_tree.emit(study, nearest_node(root, key).key)

    def _outline(self, study: Study) -> Node:
        if id(study) not in self._outlines:
            from viewer.core.outline import outline

            self._outlines = {k: v for k, v in self._outlines.items() if k in (id(self.a), id(self.b))}
            self._outlines[id(study)] = outline(study)
        return self._outlines[id(study)]

    # --- export ---

    @Slot()
    def export_html(self) -> None:
        self.export("html")

    @Slot()
    def export_pdf(self) -> None:
        self.export("pdf")

    def export(self, fmt: str, path: str | None = None, made: datetime | None = None) -> None:
        """Write the report as `fmt` to `path` (asked for when not given); `exported` or `export_failed` tells."""
        from viewer.ui.comparison_export import REPORT_FORMATS, pdf_steps, report_body, write_html_report

        comparison = self.model.comparison
        if comparison is None:
            return
        if path is None:
            suggestion = f"compare-{self.a.id}-{self.b.id}.{fmt}"
            path, _ = QFileDialog.getSaveFileName(self, f"Export the comparison as {fmt.upper()}", suggestion,
                                                  REPORT_FORMATS[fmt])  # fmt: skip
            if not path:
                return
        made = made or datetime.now(UTC).replace(microsecond=0)
        if fmt == "pdf":  # the HTML in a worker, the pages on the GUI thread a few at a time
            run_paced(partial(pdf_steps, comparison, path, made), self._on_exported, self._on_export_failed,
                      partial(report_body, comparison, made))  # fmt: skip
        else:
            run_task(partial(write_html_report, comparison, path, made), self._on_exported, self._on_export_failed)

    @Slot(object)
    def _on_exported(self, path: str) -> None:
        self.statusBar().showMessage(f"Exported {path}", 5000)
        self.exported.emit(path)

    @Slot(object)
    def _on_export_failed(self, failure: TaskFailure) -> None:
        self.statusBar().showMessage(f"Export failed: {failure}")
        self.export_failed.emit(str(failure))

    # --- looks ---

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.view.viewport().update()


def open_comparison(parent: QWidget | None, a: Study, b: Study) -> CompareWindow:
    """Open a compare window for `a` (A) and `b` (B), shown at once; the diff arrives when it is done.

    Connect `window.show_in_tree(study, key)` to select that node in the main window's protocol tree.
    """
    window = CompareWindow(a, b, parent)
    window.setWindowFlag(Qt.WindowType.Window, True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()
    return window


__all__ = ["COLUMNS", "CompareWindow", "open_comparison"]
