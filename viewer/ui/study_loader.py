"""Opens files and folders in the background, handing studies and failures back in batches."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from viewer.ui.tasks import CancelToken, Report, Task, TaskFailure, run_task

if TYPE_CHECKING:
    from viewer.core.model import Study

BATCH_SECONDS = 0.08
BATCH_FILES = 200


@dataclass
class LoadBatch:
    """Studies and failures from the files opened since the previous batch."""

    studies: list[Study] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    done: int = 0
    total: int = 0


@dataclass(frozen=True)
class LoadSummary:
    """How one request ended."""

    paths: tuple[str, ...]
    files: int
    studies: int
    failures: int
    cancelled: bool


def load_work(paths: tuple[str, ...], token: CancelToken, report: Report) -> LoadSummary:
    """The worker: expand the paths, parse file by file, report a batch every few dozen milliseconds."""
    # imported here: keeps parsers off the startup path
    from viewer.core.loader import expand_paths, internal_error, load_paths

    files = list(expand_paths(paths))
    report(LoadBatch(total=len(files)))
    batch = LoadBatch(total=len(files))
    studies = failures = done = first = 0
    last = time.monotonic()
    for path in files:
        if token.cancelled:
            break
        try:
            for result in load_paths([path], contain_bugs=True):
                if result.error is not None:
                    batch.failures.append((result.error.file, result.error.reason))
                batch.studies.extend(result.studies)
        except Exception as exc:  # a bug outside any one file (listing a folder): it costs this path only
            batch.failures.append((str(path), internal_error(str(path), exc).reason))
        done += 1
        if time.monotonic() - last >= BATCH_SECONDS or done - first >= BATCH_FILES:
            studies, failures = studies + len(batch.studies), failures + len(batch.failures)
            batch.done = done
            report(batch)
            batch, first, last = LoadBatch(total=len(files)), done, time.monotonic()
    batch.done = done
    studies, failures = studies + len(batch.studies), failures + len(batch.failures)
    report(batch)
    return LoadSummary(paths, done, studies, failures, token.cancelled)


class StudyLoader(QObject):
    """Runs one load request at a time; later requests queue; cancel stops the current and drops the rest."""

    started = Signal()
    batch_loaded = Signal(object)
    progress_changed = Signal(int, int)
    finished = Signal(object)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[tuple[str, ...]] = deque()
        self._task: Task | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def load(self, paths: list[str]) -> None:
        if paths:
            self._queue.append(tuple(paths))
            if self._task is None:
                self._next()

    @Slot()
    def cancel(self) -> None:
        self._queue.clear()
        if self._task is not None:
            self._task.cancel()

    def _next(self) -> None:
        if not self._queue:
            self._task = None
            self.idle.emit()
            return
        paths = self._queue.popleft()
        self.started.emit()
        self._task = run_task(partial(load_work, paths), self._on_success, self._on_failure, self._on_progress)

    @Slot(object)
    def _on_progress(self, batch: LoadBatch) -> None:
        self.progress_changed.emit(batch.done, batch.total)
        if batch.studies or batch.failures:
            self.batch_loaded.emit(batch)

    @Slot(object)
    def _on_success(self, summary: LoadSummary) -> None:
        self.finished.emit(summary)
        self._next()

    @Slot(object)
    def _on_failure(self, failure: TaskFailure) -> None:
        self.batch_loaded.emit(LoadBatch(failures=[("(loading)", f"the loader stopped: {failure}")]))
        self.finished.emit(LoadSummary((), 0, 0, 1, False))
        self._next()
