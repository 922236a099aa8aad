"""The library pane: filter box and the list of open studies; tells the window which study is chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from viewer.ui.library_model import STUDY_ROLE, LibraryModel
from viewer.ui.library_proxy import LibraryProxy
from viewer.ui.resources import icon

if TYPE_CHECKING:
    from viewer.core.model import Study

FILTER_DELAY_MS = 180


class LibraryPane(QWidget):
    """Shows the library model through a filter/sort proxy; removal asks the window via a signal."""

    study_selected = Signal(object)
    remove_requested = Signal(list)
    sort_changed = Signal(int, bool)  # column (-1: order opened), descending
    filtered = Signal()  # the rows shown changed (filter typed or cleared)
    selection_changed = Signal(int)  # how many studies are selected
    counts_changed = Signal(str)  # "3 studies", "1 of 180 studies"

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = LibraryProxy(self)
        self.proxy.setSourceModel(model)
        self._context_actions: list[QAction | None] = []

        title = QLabel("Library", self)
        title.setObjectName("paneTitle")
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by id, title, condition, sponsor, site… (Esc clears)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter library")
        self.filter_edit.setAccessibleDescription("Down or Enter moves to the results; Escape clears")
        for button in self.filter_edit.findChildren(QToolButton):  # the clear button a screen reader sees
            button.setAccessibleName("Clear filter")
        self.filter_edit.installEventFilter(self)
        # no leading icon: QLineEdit paints it through QIcon.paint, whose Python bridge costs start-up time
        title.setBuddy(self.filter_edit)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Library")
        self.view.setAccessibleDescription("Open studies; Delete removes the selected ones from the library")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table for the next pane; arrows move inside
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.setSortingEnabled(True)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # arrival order until a header is clicked
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._fit_columns()
        self.proxy.sort(-1)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        self.remove_action = QAction(icon("remove"), "&Remove from Library", self)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.remove_action.setEnabled(False)
        self.remove_action.triggered.connect(self.request_remove)
        self.view.addAction(self.remove_action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)
        self.setFocusProxy(self.view)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self.filter_edit.returnPressed.connect(self._enter_results)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.filtered):
            signal.connect(self._count)

    def selected_studies(self) -> list[Study]:
        rows = self.view.selectionModel().selectedRows()
        return [self.proxy.data(index, STUDY_ROLE) for index in rows]

    def current_study(self) -> Study | None:
        index = self.view.selectionModel().currentIndex()
        return self.proxy.data(index.siblingAtColumn(0), STUDY_ROLE) if index.isValid() else None

    def select_study(self, study: Study) -> None:
        row = self.model.row_of(study)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.view.selectRow(index.row())
            self.view.scrollTo(index)

    def sort_by(self, column: int, descending: bool = False) -> None:
        """Sort by a column (-1: the order studies were opened in)."""
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.view.horizontalHeader().setSortIndicator(column, order)
        self.proxy.sort(column, order)

    @Slot()
    def _count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        noun = "study" if total == 1 else "studies"
        self.counts_changed.emit(f"{shown:,} of {total:,} {noun}" if shown != total else f"{total:,} {noun}")

    def shown_count(self) -> int:
        """Rows the filter lets through."""
        return self.proxy.rowCount()

    def set_context_actions(self, actions: list[QAction | None]) -> None:
        """The commands of the library's context menu (None: a separator), owned by the window."""
        self._context_actions = actions

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the filter box: Escape clears it, Down moves into the results."""
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            key = cast(QKeyEvent, event).key()
            if key == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                self._apply_filter()
                return True
            if key == Qt.Key.Key_Down:
                self._enter_results()
                return True
        return super().eventFilter(watched, event)

    @Slot()
    def _enter_results(self) -> None:
        self._apply_filter()
        if self.proxy.rowCount():
            if not self.view.selectionModel().hasSelection():
                self.view.selectRow(0)
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot(int, Qt.SortOrder)
    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        self.sort_changed.emit(column, order == Qt.SortOrder.DescendingOrder)

    def set_zoom(self, factor: float) -> None:
        """The window's font carries the zoom; rows and columns follow it."""
        self.view.verticalHeader().setDefaultSectionSize(int(self.view.fontMetrics().height() * 1.6))
        self._fit_columns()

    def _fit_columns(self) -> None:
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        samples = ((0, "2024-516057-42-00"), (2, "ClinicalTrials.gov"), (3, "Active, not recruiting"),
                   (4, "2024-12-31"), (5, "NCT01234567_ctgov.json"))  # fmt: skip
        for column, sample in samples:
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 28)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    @Slot()
    def request_remove(self) -> None:
        studies = self.selected_studies()
        if studies:
            self.remove_requested.emit(studies)

    @Slot()
    def _apply_filter(self) -> None:
        self._debounce.stop()
        self.proxy.set_filter_text(self.filter_edit.text())
        self.filtered.emit()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        selection = self.view.selectionModel()
        rows = selection.selectedRows()
        self.remove_action.setEnabled(bool(rows))
        self.selection_changed.emit(len(rows))
        current = selection.currentIndex().siblingAtColumn(0)
        if not (current.isValid() and selection.isRowSelected(current.row())):
            current = rows[0] if rows else QModelIndex()
        self.study_selected.emit(self.proxy.data(current, STUDY_ROLE) if current.isValid() else None)

    @Slot(QModelIndex, int, int)
    def _on_rows_inserted(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if not self.view.selectionModel().hasSelection() and first == 0:
            index = self.proxy.mapFromSource(self.model.index(0, 0))
            if index.isValid():
                self.view.selectRow(index.row())

    @Slot(QPoint)
    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in self._context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        if self._context_actions:
            menu.addSeparator()
        menu.addAction(self.remove_action)
        menu.exec(self.view.viewport().mapToGlobal(pos))
