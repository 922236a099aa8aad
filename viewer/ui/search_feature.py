"""Search, wired into the main window: the Search dock (built the first time it is asked for), the index
kept in step with the library (each file that enters the library is indexed in the background; a file whose
last study leaves it is dropped from the index), and a hit opened where its words are.

Opening a hit selects its study in the library (a study the library does not hold, from a folder or dump
indexed on the command line, joins it for this session only), selects the tree node where the words
matched, and marks them in the detail pane until another study is chosen.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Slot

from viewer.ui.session import origin_of

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget

    from viewer.core.model import Study
    from viewer.core.search import Hit, IndexProgress, IndexReport
    from viewer.ui.main_window import MainWindow
    from viewer.ui.search_keeper import Answer, SearchKeeper
    from viewer.ui.search_pane import SearchPane
    from viewer.ui.tasks import TaskFailure

WORKERS_VARIABLE = "TRIALVIEWER_INDEX_WORKERS"  # processes that parse while indexing (0: in the app's own)
SYNC_DELAY_MS = 400  # studies arrive in batches: their files are indexed once the batches pause


def _load(hit: Hit, _token: object, _report: object) -> Study:
    from viewer.core.search import load_hit

    return load_hit(hit)


class SearchFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._keeper: SearchKeeper | None = None
        self._dock: QDockWidget | None = None
        self._pane: SearchPane | None = None
        self._terms: tuple[str, ...] = ()
        self._scopes: tuple[str, ...] = ()  # the last query's searched fields: where an opened hit's words are
        self._hit_study: Study | None = None
        self._session_origins: set[str] = set()  # files of studies that joined from a search: not the library's
        self._arrived: set[str] = set()
        self._leaving: set[str] = set()
        self._last: Answer | None = None
        self._sync = QTimer(self)
        self._sync.setSingleShot(True)
        self._sync.setInterval(SYNC_DELAY_MS)
        self._sync.timeout.connect(self._sync_index)
        self._enabled = False
        model = window.library_model
        model.rowsInserted.connect(self._on_rows_inserted)
        model.rowsAboutToBeRemoved.connect(self._on_rows_leaving)
        model.rowsRemoved.connect(self._on_rows_removed)
        window.library.study_selected.connect(self._on_study_selected)

    # The index ----------------------------------------------------------------------------------
    @property
    def keeper(self) -> SearchKeeper:
        if self._keeper is None:
            from viewer.ui.search_keeper import SearchKeeper

            workers = os.environ.get(WORKERS_VARIABLE, "")
            self._keeper = keeper = SearchKeeper(None, int(workers) if workers.isdigit() else None, self)
            keeper.answered.connect(self._on_answer)
            keeper.failed.connect(self._on_failed)
            keeper.opened.connect(self._on_size)
            keeper.index_started.connect(self._on_index_started)
            keeper.index_progress.connect(self._on_index_progress)
            keeper.index_finished.connect(self._on_index_finished)
            keeper.index_reset.connect(self._on_index_reset)
        return self._keeper

    def enable(self) -> None:
        """Start keeping the index in step with the library (after the first paint: nothing of it is needed
        to show the window)."""
        if not self._enabled:
            self._enabled = True
            self._arrived.update(origin_of(s.source.file) for s in self.window.library_model.studies())
            self._sync.start()
            if self.window.settings.search_open:  # it was open when the window last closed
                self._built()[0].show()
                self.keeper.open()

    @Slot(QModelIndex, int, int)
    def _on_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        model = self.window.library_model
        self._arrived.update(origin_of(model.study(row).source.file) for row in range(first, last + 1))
        if self._enabled:
            self._sync.start()

    @Slot(QModelIndex, int, int)
    def _on_rows_leaving(self, _parent: QModelIndex, first: int, last: int) -> None:
        model = self.window.library_model
        self._leaving.update(origin_of(model.study(row).source.file) for row in range(first, last + 1))

    @Slot(QModelIndex, int, int)
    def _on_rows_removed(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        if self._enabled:
            self._sync.start()

    @Slot()
    def _sync_index(self) -> None:
        present = {origin_of(s.source.file) for s in self.window.library_model.studies()}
        gone = sorted(p for p in self._leaving - present if p not in self._session_origins)
        added = sorted(p for p in self._arrived & present if p not in self._session_origins)  # missing: the worker
        self._leaving.clear()
        self._arrived.clear()
        if gone:
            self.keeper.remove(gone)
        if added:
            self.keeper.add(added)

    # The dock -----------------------------------------------------------------------------------
    @property
    def pane(self) -> SearchPane:
        return self._built()[1]

    def _built(self) -> tuple[QDockWidget, SearchPane]:
        """The dock and its pane, built the first time either is asked for."""
        if self._pane is None or self._dock is None:
            from PySide6.QtWidgets import QDockWidget

            from viewer.ui.search_pane import SearchPane

            self._dock = dock = QDockWidget("Search", self.window)
            dock.setObjectName("searchDock")
            dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
            self._pane = pane = SearchPane(dock)
            dock.setWidget(pane)
            dock.setFocusProxy(pane)
            if not self.window.restoreDockWidget(dock):  # where the user left it, else on the left, a third wide
                self.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
                self.window.resizeDocks([dock], [max(320, self.window.width() // 3)], Qt.Orientation.Horizontal)
            pane.query_changed.connect(self._on_query)
            pane.more_wanted.connect(self._on_more)
            pane.hit_activated.connect(self.open_hit)
            pane.cancel_indexing.connect(self.keeper.cancel_indexing)
            pane.left.connect(self._on_left)
            pane.set_index_size(self.keeper.studies)
            if self.keeper.busy_indexing:
                pane.set_status("Indexing…")
        return self._dock, self._pane

    @Slot()
    def focus(self) -> None:
        """Ctrl+K / Find: show the dock and put the cursor in the search field."""
        dock, pane = self._built()
        dock.show()
        dock.raise_()
        pane.focus_field()
        self.keeper.open()

    @Slot()
    def _on_left(self) -> None:
        self.window.library.setFocus(Qt.FocusReason.OtherFocusReason)

    # Queries ------------------------------------------------------------------------------------
    @Slot(str, object)
    def _on_query(self, text: str, filters: dict[str, list[str]]) -> None:
        if not text and not filters:
            self._last = None
            from viewer.core.search import SearchResult

            self.pane.show_result(SearchResult("", 0.0, 0, (), (), False, (), {}))
            return
        self.keeper.search(text, filters)

    @Slot()
    def _on_more(self) -> None:
        last = self._last
        if last is not None and last.query.offset + len(last.result.hits) < last.result.total:
            self.keeper.search(last.query.text, last.query.filters, offset=self.pane.model.rowCount())

    @Slot(object)
    def _on_answer(self, answer: Answer) -> None:
        self.pane.show_result(answer.result, more=answer.query.offset > 0)
        self._last = answer
        if answer.query.offset == 0:  # a new query: its words are what a hit opened now marks
            self._terms = answer.result.terms
            self._scopes = answer.result.scopes

    # Opening a hit ------------------------------------------------------------------------------
    @Slot(object)
    def open_hit(self, hit: Hit) -> None:
        study = self._in_library(hit)
        if study is not None:
            self._show(study, hit)
            return
        from functools import partial

        from viewer.ui.tasks import run_task

        self.window.statusBar().showMessage(f"Opening {hit.id}…")
        run_task(partial(_load, hit), partial(self._on_loaded, hit), self._on_load_failed)

    def _in_library(self, hit: Hit) -> Study | None:
        wanted = f"{hit.file}!{hit.member}" if hit.member else hit.file
        for study in self.window.library_model.studies():
            if (
                study.id == hit.id
                and os.path.abspath(study.source.file.split("!", 1)[0]) == os.path.abspath(wanted.split("!", 1)[0])
                and (not hit.member or study.source.file.endswith("!" + hit.member))
            ):
                return study
        return None

    def _on_loaded(self, hit: Hit, study: Study) -> None:
        self.window.statusBar().clearMessage()
        self._session_origins.add(origin_of(study.source.file))
        self.window.library_model.add_studies([study])  # for this session: the library does not remember it
        self._show(study, hit)

    @Slot(object)
    def _on_load_failed(self, failure: TaskFailure) -> None:
        self.window.statusBar().clearMessage()
        self.window.add_problems([("(search)", f"the study could not be opened: {failure}")])

    def _show(self, study: Study, hit: Hit) -> None:
        from viewer.core.highlight import fields_holding, hit_key

        window = self.window
        self._hit_study = study
        terms = self._terms
        window.detail.set_terms(terms)
        window.library.select_study(study)
        if window.library.current_study() is not study:  # the library filter hides it: show every study
            window.library.filter_edit.clear()
            window.library.select_study(study)
        root = window.tree.model.root
        if root is not None:
            fields = hit.fields or fields_holding(study, terms, self._scopes)
            window.tree.select_key(hit_key(root, fields, terms))

    @Slot(object)
    def _on_study_selected(self, study: Study | None) -> None:
        if study is not self._hit_study:
            self._hit_study = None
            self.window.detail.set_terms(())

    # Index state --------------------------------------------------------------------------------
    @Slot(int)
    def _on_size(self, studies: int) -> None:
        if self._pane is not None:
            self._pane.set_index_size(studies)

    @Slot()
    def _on_index_started(self) -> None:
        if self._pane is not None:
            self._pane.set_status("Indexing…")

    @Slot(object)
    def _on_index_progress(self, progress: IndexProgress) -> None:
        if self._pane is not None:
            self._pane.set_indexing(progress)
        self.window.statusBar().showMessage(f"Indexing for search: {progress.studies:,} studies…", 2000)

    @Slot(object)
    def _on_index_finished(self, report: IndexReport) -> None:
        if self._pane is not None:
            self._pane.set_indexing(None)
            self._pane.set_index_size(self.keeper.studies)
        problems = [(e.file, e.reason) for e in report.problems]
        self.window.add_problems(problems)
        if report.studies_added:
            self.window.statusBar().showMessage(f"Search index: {report.studies_added:,} studies added", 4000)
        if self._last is not None and report.studies_added:  # what is shown may have more hits now
            self.keeper.search(self._last.query.text, self._last.query.filters)

    @Slot(str, str)
    def _on_index_reset(self, folder: str, why: str) -> None:
        self.window.add_problems([(folder, why)])

    @Slot(str)
    def _on_failed(self, reason: str) -> None:
        self.window.add_problems([("(search)", reason)])

    def close(self) -> None:
        """The window closes: remember whether the dock was open; stop indexing (committed batches stay)."""
        self.window.settings.search_open = self._dock is not None and self._dock.isVisible()
        if self._keeper is not None:
            self._keeper.close()
