"""The main window: composes the panes and wires their signals in one place; it owns no logic."""

from __future__ import annotations

import os
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QToolBar

from viewer.ui.actions import WindowActions
from viewer.ui.detail_pane import DetailPane
from viewer.ui.library_keeper import LibraryKeeper
from viewer.ui.library_model import LibraryModel
from viewer.ui.library_pane import LibraryPane
from viewer.ui.problems_button import ProblemsButton
from viewer.ui.protocol_tree import ProtocolTree
from viewer.ui.recent_menu import RecentMenu
from viewer.ui.search_feature import SearchFeature
from viewer.ui.session import bundled_files
from viewer.ui.window_commands import WindowCommands

if TYPE_CHECKING:  # annotations only; importing Qt classes builds their enums, which start-up does not need
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QPaintEvent, QShowEvent

    from viewer.core.model import Study
    from viewer.core.outline import Node
    from viewer.ui.appearance import Appearance
    from viewer.ui.error_panel import ErrorPanel
    from viewer.ui.exporter import StudyExporter
    from viewer.ui.load_progress import LoadProgress
    from viewer.ui.settings import Settings
    from viewer.ui.study_loader import LoadBatch, LoadSummary, StudyLoader

APP_TITLE = "Trial Protocol Viewer"


class MainWindow(QMainWindow):
    first_painted = Signal()

    def __init__(self, settings: Settings, appearance: Appearance | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.appearance = appearance
        self.setWindowTitle(APP_TITLE)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self._painted = self._checked_layout = False
        self._refreshed = 0  # studies of the current request that were already in the library
        self._shown_links: tuple[Study, ...] = ()
        self._zoom = settings.zoom
        from viewer.ui.zoom import base_font

        self._base_font = base_font()

        self.library_model = LibraryModel(self)
        self.keeper = LibraryKeeper(self.library_model, settings, self)
        self._loader: StudyLoader | None = None
        self.progress: LoadProgress | None = None
        self.library = LibraryPane(self.library_model, self)
        self.tree = ProtocolTree(self)
        self.detail = DetailPane(self)
        # Library across the top (room for its columns); protocol tree and details side by side below.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("mainSplitter")
        self.side_by_side = QSplitter(Qt.Orientation.Horizontal, self.splitter)
        self.side_by_side.setObjectName("lowerSplitter")
        self.splitter.addWidget(self.library)
        self.splitter.addWidget(self.side_by_side)
        self.side_by_side.addWidget(self.tree)
        self.side_by_side.addWidget(self.detail)
        self.splitters = {"main": self.splitter, "lower": self.side_by_side}
        for splitter in self.splitters.values():
            splitter.setChildrenCollapsible(False)
            splitter.setStretchFactor(1, 1)
        self.splitter.setContentsMargins(6, 4, 6, 2)
        self.setCentralWidget(self.splitter)

        self._problems: ErrorPanel | None = None
        self.problems_button = ProblemsButton(self)
        self.counts = QLabel("", self)
        self.statusBar().addPermanentWidget(self.problems_button)
        self.statusBar().addPermanentWidget(self.counts)

        self.actions_ = WindowActions(self)
        self.commands = WindowCommands(self)
        self.recent = RecentMenu(self)
        self.recent.set_paths(settings.recent_files)
        self.commands.wire_recent()
        undo_stack = self.keeper.undo_stack
        self.actions_.build_menus(self.menuBar(), self.recent, undo_stack.createUndoAction(self, "&Undo"),
                                  undo_stack.createRedoAction(self, "&Redo"))  # fmt: skip
        self.toolbar = toolbar = QToolBar("Main toolbar", self)
        self.actions_.build_toolbar(toolbar)
        self._toolbar_icons = toolbar.iconSize().height()
        self.addToolBar(toolbar)
        self.addAction(self.actions_.cancel_load)
        self.library.set_context_actions(self.actions_.library_menu_actions())
        self.search = SearchFeature(self)  # the Search dock is built when first asked for

        self._wire()
        tab_chain = (self.library.filter_edit, self.library.view, self.tree.view, self.detail.browser)
        for first, second in pairwise((*tab_chain, self.detail.copy_button)):
            self.setTabOrder(first, second)
        self._restore_layout()
        self.library.sort_by(*settings.sort)
        self._apply_zoom()
        self._on_study_selected(None)

    def _wire(self) -> None:
        a = self.actions_
        a.quit.triggered.connect(self.close)
        a.remove.triggered.connect(self.library.request_remove)
        a.filter.triggered.connect(self.library.focus_filter)
        a.search.triggered.connect(self.search.focus)
        a.open_protocol.triggered.connect(self.tree.setFocus)
        a.find_details.triggered.connect(self.detail.open_find)
        a.find_next.triggered.connect(self.detail.find_next)
        a.find_previous.triggered.connect(self.detail.find_previous)
        a.zoom_in.triggered.connect(lambda: self.set_zoom(self._zoom + 1))
        a.zoom_out.triggered.connect(lambda: self.set_zoom(self._zoom - 1))
        a.zoom_reset.triggered.connect(lambda: self.set_zoom(0))
        a.reset_layout.triggered.connect(self.reset_layout)
        a.go_library.triggered.connect(self.library.setFocus)
        a.go_tree.triggered.connect(self.tree.setFocus)
        a.go_detail.triggered.connect(self.detail.setFocus)
        a.problems.triggered.connect(self.show_problems)
        a.sorts.triggered.connect(lambda action: self.library.sort_by(int(action.data())))
        self.problems_button.clicked.connect(lambda: self.show_problems(True))

        self.library.study_selected.connect(self._on_study_selected)
        self.library.remove_requested.connect(self.keeper.remove)
        self.keeper.problems_found.connect(self.add_problems)
        self.library.remove_action.changed.connect(lambda: a.remove.setEnabled(self.library.remove_action.isEnabled()))
        self.tree.node_selected.connect(self._on_node_selected)
        self.library.counts_changed.connect(self.counts.setText)
        for signal in (self.library_model.rowsInserted, self.library_model.rowsRemoved):
            signal.connect(self._refresh_links)

    # Opening ----------------------------------------------------------------------------------
    @property
    def loader(self) -> StudyLoader:
        """The background loader and its progress bar, set up on first use (after the first paint)."""
        if self._loader is None:
            from viewer.ui.load_progress import LoadProgress

            self.progress = LoadProgress(self)
            self._loader = self.progress.attach(self, self.actions_.cancel_load)
            self._loader.batch_loaded.connect(self._on_batch)
            self._loader.finished.connect(self._on_load_finished)
        return self._loader

    def start(self, paths: list[str], remembered: bool = True) -> None:
        """Open the bundled protocols, the previous session's library, then `paths` (after first paint)."""
        self.add_problems([("(settings)", problem) for problem in self.keeper.unreported(self.settings.problems)])
        previous: list[str] = []
        if remembered:
            present, missing = self.keeper.previous_files()
            previous = [p for p in present if p not in paths]
            gone = "not found; kept in your library, and opened again when it is back"
            self.add_problems([(path, gone) for path in missing])
        self.loader.load(bundled_files() + previous)
        self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        paths = [os.path.abspath(p) for p in paths if p]
        if paths:
            self._refreshed = 0
            self.loader.load(paths, remember=True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls: list[QUrl] = event.mimeData().urls()
        self.open_paths([u.toLocalFile() for u in urls if u.isLocalFile()])
        event.acceptProposedAction()

    # Reacting -----------------------------------------------------------------------------------
    @property
    def problems(self) -> ErrorPanel:
        """The problems dock, built on first use: it starts hidden, so nothing of it is needed to paint."""
        if self._problems is None:
            from viewer.ui.error_panel import ErrorPanel

            self._problems = ErrorPanel.docked(self, self.actions_.problems)
            self._problems.count_changed.connect(self.problems_button.set_count)
        return self._problems

    def add_problems(self, failures: list[tuple[str, str]]) -> None:
        """Listed in the panel (newest first); the status bar says so; nothing opens by itself."""
        if failures:
            self.problems.add_failures(failures)

    @Slot(bool)
    def show_problems(self, visible: bool = True) -> None:
        if visible:
            self.problems.open_small(self)
        else:
            self.problems.hide()

    @Slot(object)
    def _on_batch(self, batch: LoadBatch) -> None:
        self._refreshed += self.library_model.add_studies(self.keeper.admit(batch.studies))
        self.add_problems(batch.failures)

    @Slot(object)
    def _on_load_finished(self, summary: LoadSummary) -> None:
        self.search.enable()  # the index follows the library from the first load on
        if not summary.remember:
            return
        if summary.succeeded:  # only paths that opened go to Open Recent
            self.recent.set_paths(self.settings.add_recent(list(summary.succeeded)))
        if summary.studies and self._refreshed == summary.studies:
            self.statusBar().showMessage(
                f"Already in the library: {', '.join(map(os.path.basename, summary.paths))}", 8000
            )

    @Slot(object)
    def _on_study_selected(self, study: Study | None) -> None:
        self._shown_links = self.library_model.linked(study) if study is not None else ()
        self.tree.show_study(study, self._shown_links)
        self.setWindowTitle(f"{APP_TITLE} — {study.id}: {study.title}" if study is not None else APP_TITLE)
        for action in self.actions_.study_actions:
            action.setEnabled(study is not None)

    @Slot()
    def _refresh_links(self) -> None:
        """A study that arrives may be the shown study's twin in another registry: its tree says so at once."""
        study = self.current_study()
        if study is not None and self.library_model.linked(study) != self._shown_links:
            self._on_study_selected(study)

    @Slot(object)
    def _on_node_selected(self, node: Node | None) -> None:
        self.detail.show_node(node, self.tree.trail())

    def current_study(self) -> Study | None:
        return self.library.current_study()

    def export_current(self, fmt: str, path: str | None = None) -> None:
        self.commands.export_current(fmt, path)

    @property
    def exporter(self) -> StudyExporter:
        return self.commands.exporter

    def set_zoom(self, steps: int) -> None:
        self._zoom = max(-5, min(10, steps))
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        from viewer.ui.zoom import apply_zoom

        factor = apply_zoom(self._base_font, self._zoom)
        for pane in (self.library, self.tree, self.detail):
            pane.set_zoom(factor)
        side = round(self._toolbar_icons * factor)
        self.toolbar.setIconSize(QSize(side, side))
        self.actions_.zoom_in.setEnabled(self._zoom < 10)
        self.actions_.zoom_out.setEnabled(self._zoom > -5)

    # Window life --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._checked_layout:  # sizes are real only once shown: a layout that starves a pane is reset
            from viewer.ui.window_layout import splits_usable

            self._checked_layout = True
            if not splits_usable(self.splitters):
                self.reset_layout()
                self.add_problems([("(settings)", "the saved window layout left a pane without room; it was reset")])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.actions_.refresh_icons()

    def _restore_layout(self) -> None:
        from viewer.ui.window_layout import restore

        restore(self, self.settings, self.splitters)

    @Slot()
    def reset_layout(self) -> None:
        """View > Reset Layout, and what a saved layout that starves a pane gets."""
        from viewer.ui.window_layout import reset

        reset(self, self.settings, self.splitters, self._problems)

    def save_state(self) -> None:
        from viewer.ui.window_layout import save

        save(self, self.settings, self.splitters)
        self.settings.zoom = self._zoom
        self.settings.last_dir = self.commands.last_dir() or self.settings.last_dir
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._loader is not None:
            self._loader.cancel()
        self.search.close()
        self.save_state()
        from viewer.ui.zoom import apply_zoom

        apply_zoom(self._base_font, 0)  # the zoom belongs to this window's session
        super().closeEvent(event)
