"""Opens files and folders in the background, handing studies and failures back in batches."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace
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
    """Studies and failures from the files opened since the previous batch, and where the load is."""

    studies: list[Study] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    done: int = 0
    total: int = 0
    current: str = ""  # the file being read now (a large one can take a while)
    current_bytes: int = 0
    read: int = 0  # studies read so far in this request


@dataclass(frozen=True)
class LoadSummary:
    """How one request ended."""

    paths: tuple[str, ...]
    files: int
    studies: int
    failures: int
    cancelled: bool
    succeeded: tuple[str, ...] = ()  # the paths asked for that gave at least one study
    remember: bool = False  # a request of the user's (recent files), not the start-up reload


def load_work(paths: tuple[str, ...], token: CancelToken, report: Report) -> LoadSummary:
    """The worker: expand the paths, parse study by study, report a batch every few dozen milliseconds.

    Cancel acts between studies, so it stops inside a large file too. A bug met in one file costs that
    file only: it is logged with its traceback and reported as an internal error.
    """
    # imported here: keeps parsers off the start-up path
    from viewer.core.applog import log_path
    from viewer.core.errors import InternalError, ParseError
    from viewer.core.loader import LoadResult, expand_paths, internal_error, iter_bytes, sources

    files = [(requested, path) for requested in paths for path in expand_paths([requested])]
    report(LoadBatch(total=len(files)))
    batch = LoadBatch(total=len(files))
    studies = failures = done = read = 0
    succeeded: dict[str, None] = {}
    last = time.monotonic()

    def flush(force: bool = False) -> None:
        nonlocal batch, studies, failures, last
        if force or time.monotonic() - last >= BATCH_SECONDS:
            studies, failures = studies + len(batch.studies), failures + len(batch.failures)
            batch.done, batch.read = done, read
            report(batch)
            batch = LoadBatch(total=len(files), current=batch.current, current_bytes=batch.current_bytes)
            last = time.monotonic()

    def fail(error: ParseError | InternalError) -> None:
        reason = error.reason
        if isinstance(error, InternalError):
            reason = f"{reason} (details in {log_path()})"
        batch.failures.append((error.file, reason))

    for requested, path in files:
        if token.cancelled:
            break
        try:
            for source in sources(path):
                if isinstance(source, LoadResult):
                    if source.error is not None:
                        fail(source.error)
                    continue
                batch.current, batch.current_bytes = source.name, source.size
                try:
                    for study in iter_bytes(source.read(), source.name):
                        batch.studies.append(study)
                        succeeded[requested] = None
                        read += 1
                        flush()
                        if token.cancelled:
                            break
                except ParseError as exc:
                    fail(exc)
                except Exception as exc:  # a bug: this file only
                    fail(internal_error(source.name, exc))
                if token.cancelled:
                    break
        except Exception as exc:  # a bug outside any one file (listing an archive): this path only
            fail(internal_error(str(path), exc))
        done += 1
        flush(force=done - batch.done >= BATCH_FILES)
    batch.current = ""
    flush(force=True)
    return LoadSummary(paths, done, studies, failures, token.cancelled, tuple(succeeded))


class StudyLoader(QObject):
    """Runs one load request at a time; later requests queue; cancel stops the current and drops the rest."""

    started = Signal()
    batch_loaded = Signal(object)
    progress_changed = Signal(int, int)
    reading = Signal(str, int, int)  # the file being read, its size, studies read so far
    finished = Signal(object)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[tuple[tuple[str, ...], bool]] = deque()
        self._task: Task | None = None
        self._remember = False

    @property
    def busy(self) -> bool:
        return self._task is not None

    def load(self, paths: list[str], remember: bool = False) -> None:
        """Queue a request; `remember` marks one of the user's (its paths go to Open Recent if they open)."""
        if paths:
            self._queue.append((tuple(paths), remember))
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
        paths, self._remember = self._queue.popleft()
        self.started.emit()
        self._task = run_task(partial(load_work, paths), self._on_success, self._on_failure, self._on_progress)

    @Slot(object)
    def _on_progress(self, batch: LoadBatch) -> None:
        self.progress_changed.emit(batch.done, batch.total)
        self.reading.emit(batch.current, batch.current_bytes, batch.read)
        if batch.studies or batch.failures:
            self.batch_loaded.emit(batch)

    @Slot(object)
    def _on_success(self, summary: LoadSummary) -> None:
        self.finished.emit(replace(summary, remember=self._remember))
        self._next()

    @Slot(object)
    def _on_failure(self, failure: TaskFailure) -> None:
        self.batch_loaded.emit(LoadBatch(failures=[("(loading)", f"the loader stopped: {failure}")]))
        self.finished.emit(LoadSummary((), 0, 0, 1, False))
        self._next()
