"""The library pane: filter box and the list of open studies; tells the window which study is chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QMenu, QTableView, QVBoxLayout, QWidget

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

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = LibraryProxy(self)
        self.proxy.setSourceModel(model)
        self._base_font = QFont(self.font())

        title = QLabel("Library", self)
        title.setObjectName("paneTitle")
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by id, title, registry or status")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter library")
        # no leading icon: QLineEdit paints it through QIcon.paint, whose Python bridge costs start-up time
        title.setBuddy(self.filter_edit)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Library")
        self.view.setAccessibleDescription("Open studies; Delete removes the selected ones from the library")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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
        self.filter_edit.returnPressed.connect(self._apply_filter)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.rowsInserted.connect(self._on_rows_inserted)

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

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (-1: the order studies were opened in)."""
        self.view.horizontalHeader().setSortIndicator(column, order)
        self.proxy.sort(column, order)

    def set_zoom(self, factor: float) -> None:
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * factor)
        self.view.setFont(font)
        self.view.verticalHeader().setDefaultSectionSize(int(self.view.fontMetrics().height() * 1.6))
        self._fit_columns()

    def _fit_columns(self) -> None:
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        for column, sample in ((0, "2024-516057-42-00"), (2, "ClinicalTrials.gov"), (3, "Active, not recruiting")):
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

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        selection = self.view.selectionModel()
        rows = selection.selectedRows()
        self.remove_action.setEnabled(bool(rows))
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
        menu.addAction(self.remove_action)
        menu.exec(self.view.viewport().mapToGlobal(pos))
