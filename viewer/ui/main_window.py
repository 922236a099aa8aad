"""The main window: composes the panes and wires their signals in one place; it owns no logic."""

from __future__ import annotations

import os
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QToolBar

from viewer.ui.actions import WindowActions
from viewer.ui.detail_pane import DetailPane
from viewer.ui.dialogs import ask_files, ask_folder, show_about
from viewer.ui.library_model import LibraryModel
from viewer.ui.library_pane import LibraryPane
from viewer.ui.protocol_tree import ProtocolTree
from viewer.ui.recent_menu import RecentMenu
from viewer.ui.session import bundled_files, library_files

if TYPE_CHECKING:  # annotations only; importing Qt classes builds their enums, which start-up does not need
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QPaintEvent

    from viewer.core.model import Study
    from viewer.core.outline import Node
    from viewer.ui.appearance import Appearance
    from viewer.ui.error_panel import ErrorPanel
    from viewer.ui.exporter import StudyExporter
    from viewer.ui.load_progress import LoadProgress
    from viewer.ui.settings import Settings
    from viewer.ui.study_loader import LoadBatch, StudyLoader

APP_TITLE = "Trial Protocol Viewer"
ZOOM_STEP = 1.1


class MainWindow(QMainWindow):
    first_painted = Signal()

    def __init__(self, settings: Settings, appearance: Appearance | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.appearance = appearance
        self.setWindowTitle(APP_TITLE)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self._painted = False
        self._zoom = settings.zoom

        self.library_model = LibraryModel(self)
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
        for splitter in (self.splitter, self.side_by_side):
            splitter.setChildrenCollapsible(False)
            splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 600])
        self.side_by_side.setSizes([420, 960])
        self.splitter.setContentsMargins(6, 4, 6, 2)
        self.setCentralWidget(self.splitter)

        self._problems: ErrorPanel | None = None
        self.counts = QLabel("", self)
        self.statusBar().addPermanentWidget(self.counts)
        self._exporter: StudyExporter | None = None

        self.actions_ = WindowActions(self)
        self.recent = RecentMenu(self)
        self.recent.set_paths(settings.recent_files)
        self.actions_.build_menus(self.menuBar(), self.recent)
        toolbar = QToolBar("Main toolbar", self)
        self.actions_.build_toolbar(toolbar)
        self.addToolBar(toolbar)
        self.addAction(self.actions_.cancel_load)

        self._wire()
        tab_chain = (self.library.filter_edit, self.library.view, self.tree.view, self.detail.browser)
        for first, second in pairwise((*tab_chain, self.detail.copy_button)):
            self.setTabOrder(first, second)
        self._restore_layout()
        self._apply_zoom()
        self._on_study_selected(None)

    def _wire(self) -> None:
        a = self.actions_
        a.open.triggered.connect(self.open_files_dialog)
        a.open_folder.triggered.connect(self.open_folder_dialog)
        for fmt, action in a.export.items():
            action.triggered.connect(lambda _=False, f=fmt: self.export_current(f))
        a.print.triggered.connect(self.print_current)
        a.quit.triggered.connect(self.close)
        a.remove.triggered.connect(self.library.request_remove)
        a.filter.triggered.connect(self.library.focus_filter)
        a.zoom_in.triggered.connect(lambda: self.set_zoom(self._zoom + 1))
        a.zoom_out.triggered.connect(lambda: self.set_zoom(self._zoom - 1))
        a.zoom_reset.triggered.connect(lambda: self.set_zoom(0))
        a.go_library.triggered.connect(self.library.setFocus)
        a.go_tree.triggered.connect(self.tree.setFocus)
        a.go_detail.triggered.connect(self.detail.setFocus)
        a.about.triggered.connect(lambda: show_about(self))
        a.problems.triggered.connect(lambda visible: self.problems.setVisible(visible))
        a.sorts.triggered.connect(lambda action: self.library.sort_by(int(action.data())))
        if self.appearance is not None:
            a.scheme[self.appearance.preference].setChecked(True)
            a.schemes.triggered.connect(lambda action: self.set_scheme(str(action.data())))
        else:
            a.schemes.setEnabled(False)

        self.library.study_selected.connect(self._on_study_selected)
        self.library.remove_requested.connect(self._on_remove_requested)
        self.library.remove_action.changed.connect(lambda: a.remove.setEnabled(self.library.remove_action.isEnabled()))
        self.tree.node_selected.connect(self._on_node_selected)
        self.recent.path_chosen.connect(lambda path: self.open_paths([path]))
        self.recent.clear_requested.connect(self._clear_recent)
        self.library_model.rowsInserted.connect(self._update_counts)
        self.library_model.rowsRemoved.connect(self._update_counts)

    # Opening ----------------------------------------------------------------------------------
    @property
    def loader(self) -> StudyLoader:
        """The background loader and its progress bar, set up on first use (after the first paint)."""
        if self._loader is None:
            from viewer.ui.load_progress import LoadProgress
            from viewer.ui.study_loader import StudyLoader

            a = self.actions_
            loader, progress = StudyLoader(self), LoadProgress(self)
            self._loader, self.progress = loader, progress
            self.statusBar().insertPermanentWidget(0, progress)
            a.cancel_load.triggered.connect(loader.cancel)
            a.cancel_load.triggered.connect(progress.cancelling)
            loader.started.connect(progress.start)
            loader.started.connect(lambda: a.cancel_load.setEnabled(True))
            loader.progress_changed.connect(progress.set_progress)
            loader.batch_loaded.connect(self._on_batch)
            loader.idle.connect(progress.stop)
            loader.idle.connect(lambda: a.cancel_load.setEnabled(False))
            progress.cancel_requested.connect(loader.cancel)
            progress.cancel_requested.connect(progress.cancelling)
        return self._loader

    def start(self, paths: list[str], remembered: bool = True) -> None:
        """Open the bundled protocols, the previous session's library, then `paths` (after first paint)."""
        bundled = bundled_files()
        previous = [p for p in self.settings.library_files if p not in paths] if remembered else []
        self.loader.load(bundled + previous)
        self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        paths = [os.path.abspath(p) for p in paths if p]
        if paths:
            self.recent.set_paths(self.settings.add_recent(paths))
            self.loader.load(paths)

    @Slot()
    def open_files_dialog(self) -> None:
        paths = ask_files(self, self.settings.last_dir)
        if paths:
            self.settings.last_dir = os.path.dirname(paths[0])
            self.open_paths(paths)

    @Slot()
    def open_folder_dialog(self) -> None:
        folder = ask_folder(self, self.settings.last_dir)
        if folder:
            self.settings.last_dir = folder
            self.open_paths([folder])

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
        return self._problems

    @Slot(object)
    def _on_batch(self, batch: LoadBatch) -> None:
        self.library_model.add_studies(batch.studies)
        if batch.failures:
            self.problems.add_failures(batch.failures)

    @Slot(object)
    def _on_study_selected(self, study: Study | None) -> None:
        self.tree.show_study(study)
        self.setWindowTitle(f"{APP_TITLE} — {study.id}: {study.title}" if study is not None else APP_TITLE)
        for action in self.actions_.study_actions:
            action.setEnabled(study is not None)

    @Slot(object)
    def _on_node_selected(self, node: Node | None) -> None:
        self.detail.show_node(node, self.tree.trail())

    @Slot(list)
    def _on_remove_requested(self, studies: list[Study]) -> None:
        self.library_model.remove_rows(self.library_model.row_of(s) for s in studies)

    @Slot()
    def _update_counts(self) -> None:
        n = self.library_model.rowCount()
        self.counts.setText(f"{n} stud{'y' if n == 1 else 'ies'}")

    @Slot(str)
    def _on_export_failed(self, message: str) -> None:
        self.problems.add_failures([("(export)", message)])

    @Slot()
    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self.recent.set_paths([])

    # Commands -----------------------------------------------------------------------------------
    @property
    def exporter(self) -> StudyExporter:
        """Export and print, set up on first use (not needed to show the window)."""
        if self._exporter is None:
            from viewer.ui.exporter import StudyExporter

            self._exporter = StudyExporter(self)
            self._exporter.last_dir = self.settings.last_dir
            self._exporter.exported.connect(self._on_exported)
            self._exporter.failed.connect(self._on_export_failed)
        return self._exporter

    @Slot(str)
    def _on_exported(self, path: str) -> None:
        self.statusBar().showMessage(f"Saved {path}", 6000)

    def current_study(self) -> Study | None:
        return self.library.current_study()

    def export_current(self, fmt: str, path: str | None = None) -> None:
        study = self.current_study()
        if study is not None:
            self.exporter.export(study, fmt, path)

    @Slot()
    def print_current(self) -> None:
        study = self.current_study()
        if study is not None:
            self.exporter.print_study(study)

    def set_zoom(self, steps: int) -> None:
        self._zoom = max(-5, min(10, steps))
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        factor = ZOOM_STEP**self._zoom
        for pane in (self.library, self.tree, self.detail):
            pane.set_zoom(factor)
        self.actions_.zoom_in.setEnabled(self._zoom < 10)
        self.actions_.zoom_out.setEnabled(self._zoom > -5)

    def set_scheme(self, scheme: str) -> None:
        if self.appearance is not None:
            self.appearance.set_preference(scheme)
            self.settings.scheme = scheme

    # Window life --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.actions_.refresh_icons()

    def _restore_layout(self) -> None:
        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1380, 860)
        if self.settings.window_state is not None:
            self.restoreState(self.settings.window_state)
        for name, splitter in (("main", self.splitter), ("lower", self.side_by_side)):
            state = self.settings.splitter(name)
            if state is not None:
                splitter.restoreState(state)

    def save_state(self) -> None:
        s = self.settings
        s.geometry, s.window_state = self.saveGeometry(), self.saveState()
        s.set_splitter("main", self.splitter.saveState())
        s.set_splitter("lower", self.side_by_side.saveState())
        s.zoom = self._zoom
        if self._exporter is not None and self._exporter.last_dir:
            s.last_dir = self._exporter.last_dir
        s.library_files = library_files(st.source.file for st in self.library_model.studies())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._loader is not None:
            self._loader.cancel()
        self.save_state()
        super().closeEvent(event)
