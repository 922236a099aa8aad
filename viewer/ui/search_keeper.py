"""The search index, seen from the GUI: opened off the GUI thread, queried as the user types (the newest
query wins; one runs at a time, a newer one waits and replaces any other waiting), and kept in step with
the library by background indexing jobs that run one after another and can be cancelled.

Owns no widget: the search pane and the window connect to its signals.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from viewer.ui.tasks import CancelToken, Report, Task, TaskFailure, run_task

if TYPE_CHECKING:
    from viewer.core.search import IndexReport, SearchIndex, SearchResult

log = logging.getLogger(__name__)
PAGE = 100  # hits asked for at a time; the list asks for the next page when scrolled to its end


@dataclass(frozen=True)
class Query:
    text: str
    filters: Mapping[str, Collection[str]]
    offset: int = 0
    generation: int = 0


@dataclass(frozen=True)
class Answer:
    query: Query
    result: SearchResult
    studies: int | None = None  # the index's size, when another writer changed it since the last query


def _open(folder: Path | None, _token: CancelToken, _report: Report) -> SearchIndex:
    from viewer.core.search import SearchIndex

    return SearchIndex.open(folder)


def _search(index: SearchIndex, query: Query, _token: CancelToken, _report: Report) -> Answer:
    filters = {k: tuple(v) for k, v in query.filters.items() if v}
    changed = index.refresh()  # `trialviewer index` may have run meanwhile: its studies are searched too
    # No matched fields: they cost a second search per answer; the hit that is opened finds its own.
    result = index.search(query.text, limit=PAGE, filters=filters, offset=query.offset, facets=True, fields=False)
    return Answer(query, result, index.study_count() if changed else None)


def _index(index: SearchIndex, paths: tuple[str, ...], workers: int | None, token: CancelToken,
           report: Report) -> IndexReport:  # fmt: skip
    # A file gone since its studies were opened is not indexed (nor reported: the library says so). Checked
    # here, not on the GUI thread: a folder of thousands of files is thousands of stat calls.
    present = [p for p in paths if os.path.exists(p)]
    return index.add_paths(present, workers=workers, progress=report, cancel=token.event)


def _remove(index: SearchIndex, paths: tuple[str, ...], _token: CancelToken, _report: Report) -> int:
    return index.remove_paths(paths)


class SearchKeeper(QObject):
    opened = Signal(int)  # studies in the index
    answered = Signal(object)  # Answer, for the newest query only
    failed = Signal(str)  # a search or an indexing job that failed: the reason, for the Problems panel
    index_progress = Signal(object)  # IndexProgress
    index_started = Signal()
    index_finished = Signal(object)  # IndexReport
    index_reset = Signal(str, str)  # folder, why: a damaged index was rebuilt empty

    def __init__(self, folder: Path | None = None, workers: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._workers = workers
        self.index: SearchIndex | None = None
        self._opening: Task | None = None
        self._running: Task | None = None  # the query being answered
        self._waiting: Query | None = None  # the newest query, asked while another ran
        self._generation = 0
        self._jobs: list[tuple[str, tuple[str, ...]]] = []  # ("add" | "remove", paths), in order
        self._job: Task | None = None
        self.studies = 0
        self._closing = False

    # Opening ------------------------------------------------------------------------------------
    def open(self) -> None:
        """Open the index in the background (once); queries and jobs asked before then wait for it."""
        if self.index is None and self._opening is None and not self._closing:
            self._opening = run_task(partial(_open, self._folder), self._on_opened, self._on_open_failed)

    @Slot(object)
    def _on_opened(self, index: SearchIndex) -> None:
        self._opening = None
        self.index = index
        if self._closing:
            self._release()
            return
        if index.reset_reason:
            self.index_reset.emit(str(index.folder), index.reset_reason)
            lost = [str(p) for p in index.lost_files if p.exists()]
            if lost:
                self._jobs.insert(0, ("add", tuple(lost)))
        self.studies = index.study_count()
        self.opened.emit(self.studies)
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            self._start(waiting)
        self._next_job()

    @Slot(object)
    def _on_open_failed(self, failure: TaskFailure) -> None:
        self._opening = None
        log.error("the search index could not be opened:\n%s", failure.details)
        self.failed.emit(f"the search index could not be opened: {failure}")

    @property
    def busy_indexing(self) -> bool:
        return self._job is not None

    # Queries ------------------------------------------------------------------------------------
    def search(self, text: str, filters: Mapping[str, Collection[str]], offset: int = 0) -> int:
        """Ask; the answer comes as `answered` unless a newer query was asked meanwhile. Returns its generation."""
        if offset == 0:
            self._generation += 1
        query = Query(text, dict(filters), offset, self._generation)
        if self.index is None or self._running is not None:
            self._waiting = query  # replaces any older waiting query: it is stale
            self.open()
        else:
            self._start(query)
        return self._generation

    def _start(self, query: Query) -> None:
        assert self.index is not None
        self._running = run_task(partial(_search, self.index, query), self._on_answer, self._on_search_failed)

    @Slot(object)
    def _on_answer(self, answer: Answer) -> None:
        self._running = None
        if answer.studies is not None:
            self.studies = answer.studies
            self.opened.emit(self.studies)
        if answer.query.generation == self._generation:
            self.answered.emit(answer)
        self._next_query()

    @Slot(object)
    def _on_search_failed(self, failure: TaskFailure) -> None:
        self._running = None
        log.error("search failed:\n%s", failure.details)
        self.failed.emit(f"search failed: {failure}")
        self._next_query()

    def _next_query(self) -> None:
        if self._waiting is not None and self.index is not None:
            waiting, self._waiting = self._waiting, None
            self._start(waiting)

    # Indexing -----------------------------------------------------------------------------------
    def add(self, paths: list[str]) -> None:
        """Index these files (those unchanged since they were indexed are skipped, cheaply)."""
        self._queue("add", paths)

    def remove(self, paths: list[str]) -> None:
        self._queue("remove", paths)

    def _queue(self, kind: str, paths: list[str]) -> None:
        paths = [os.path.abspath(p) for p in dict.fromkeys(paths) if p]
        if not paths:
            return
        if self._jobs and self._jobs[-1][0] == kind:  # one job for a run of requests of the same kind
            self._jobs[-1] = (kind, tuple(dict.fromkeys((*self._jobs[-1][1], *paths))))
        else:
            self._jobs.append((kind, tuple(paths)))
        self.open()
        self._next_job()

    def cancel_indexing(self) -> None:
        """Stop after the batch being written (what was committed stays searchable); drop the jobs waiting."""
        self._jobs = [job for job in self._jobs if job[0] == "remove"]
        if self._job is not None:
            self._job.cancel()

    def _next_job(self) -> None:
        if self._closing:
            self._release()
            return
        if self._job is not None or self.index is None or not self._jobs:
            return
        kind, paths = self._jobs.pop(0)
        work: Callable[[CancelToken, Report], Any]
        if kind == "add":
            work = partial(_index, self.index, paths, self._workers)
            self.index_started.emit()
            self._job = run_task(work, self._on_indexed, self._on_job_failed, self._on_progress)
        else:
            work = partial(_remove, self.index, paths)
            self._job = run_task(work, self._on_removed, self._on_job_failed)

    @Slot(object)
    def _on_progress(self, progress: object) -> None:
        self.index_progress.emit(progress)

    @Slot(object)
    def _on_indexed(self, report: IndexReport) -> None:
        self._job = None
        self._count()
        self.index_finished.emit(report)
        self._next_job()

    @Slot(object)
    def _on_removed(self, _removed: int) -> None:
        self._job = None
        self._count()
        self._next_job()

    @Slot(object)
    def _on_job_failed(self, failure: TaskFailure) -> None:
        self._job = None
        log.error("indexing failed:\n%s", failure.details)
        self.failed.emit(f"indexing failed: {failure}")
        self._next_job()

    def _count(self) -> None:
        if self.index is not None:
            self.studies = self.index.study_count()
            self.opened.emit(self.studies)

    def close(self) -> None:
        """On quit: stop indexing (committed batches stay), then close the index (at once when idle)."""
        self._closing = True
        self._jobs.clear()
        self._waiting = None
        if self._job is not None:
            self._job.cancel()  # closed when the job reports
        else:
            self._release()

    def _release(self) -> None:
        if self._job is None and self.index is not None:
            index, self.index = self.index, None
            index.close()
