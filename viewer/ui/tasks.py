"""The one way to run long work: off the GUI thread in a pool task, or on it in paced slices; both report back.

Workers run plain Python and touch no Qt object but their task's signals (an emit lets go of the GIL before
Qt locks anything). A worker that made or changed a Qt object would hold the GIL while Qt takes one of its
internal signal-slot locks; the GUI thread, destroying an object at that moment, holds such a lock while it
waits for the GIL (to ask Python whether `disconnectNotify` is overridden): a deadlock, seen in CI. So Qt
work that takes long (a document of 1,218 sites, a PDF of hundreds of pages) is a `PacedJob` on the GUI
thread: a generator that yields after each step (a page), run in slices between events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot


class CancelToken:
    """Cooperative cancellation: the worker polls `cancelled` between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @property
    def event(self) -> threading.Event:
        """For core code that takes a `threading.Event` to stop at (the search indexer)."""
        return self._event


@dataclass(frozen=True)
class TaskFailure:
    """An exception raised in a worker, carried back to the GUI thread with its traceback."""

    error: BaseException
    details: str

    def __str__(self) -> str:
        return f"{type(self.error).__name__}: {self.error}"


Report = Callable[[Any], None]
Work = Callable[[CancelToken, Report], Any]


class Task(QObject):
    """A handle on one piece of background work; its signals arrive in the thread that made it.

    Exactly one of `succeeded` or `failed` is emitted, then `finished`; `progressed` carries
    whatever the work reports on the way (batches of results, counts).
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.token = CancelToken()
        self.done = False
        self.finished.connect(self._mark_done)

    def cancel(self) -> None:
        self.token.cancel()

    def start(self, pool: QThreadPool | None = None) -> Task:
        _RUNNING.add(self)  # the pool holds only the runnable; keep the handle alive until it reports
        (pool or QThreadPool.globalInstance()).start(_Runnable(self))
        return self

    @Slot()
    def _mark_done(self) -> None:
        self.done = True
        _RUNNING.discard(self)

    def _run(self) -> None:
        """Runs in a pool thread: every exception is caught and handed back, none escapes."""
        try:
            result = self._work(self.token, self.progressed.emit)
        except BaseException as exc:
            import traceback

            self.failed.emit(TaskFailure(exc, traceback.format_exc()))
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.emit()


_RUNNING: set[Task] = set()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task._run()


def run_task(
    work: Work,
    on_success: Callable[[Any], None],
    on_failure: Callable[[TaskFailure], None],
    on_progress: Callable[[Any], None] | None = None,
) -> Task:
    """Run `work(token, report)` in the pool; the callbacks (GUI-thread @Slot methods) get the outcome.

    Everything is connected before the work starts, so no early report can be lost.
    """
    # No Qt parent: a parent widget closing must not destroy the task while its worker still runs
    # (the worker's last emit would hit a deleted object). `_RUNNING` owns it until it reports;
    # receivers that are gone by then are disconnected by Qt.
    task = Task(work)
    task.succeeded.connect(on_success)
    task.failed.connect(on_failure)
    if on_progress is not None:
        task.progressed.connect(on_progress)
    return task.start()


def running_tasks() -> int:
    """How many tasks have not yet reported back (their outcome not yet delivered in the GUI thread)."""
    return len(_RUNNING)


Steps = Generator[None, None, Any]  # yields after each step; its return value is the result
SLICE_SECONDS = 0.012  # GUI time per slice: the window repaints and takes input between slices


class PacedJob(QObject):
    """Qt work on the GUI thread, a step at a time, so the window keeps responding.

    `prepare(token, report)`, if given, runs first in a worker (plain Python: the HTML of a study) and its
    result is handed to `steps`; without it `steps` is called with None. Exactly one of `succeeded` or
    `failed` is emitted, then `finished`, as a `Task` does.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, steps: Callable[[Any], Steps], prepare: Work | None = None) -> None:
        super().__init__()
        self._make_steps = steps
        self._prepare = prepare
        self._steps: Steps | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self.done = False

    def start(self) -> PacedJob:
        _PACED.add(self)
        if self._prepare is None:
            self._prepared(None)
        else:
            run_task(self._prepare, self._prepared, self._prepare_failed)
        return self

    @Slot(object)
    def _prepared(self, value: Any) -> None:
        try:
            self._steps = self._make_steps(value)
        except Exception as exc:
            self._end(exc)
        else:
            self._timer.start()

    @Slot(object)
    def _prepare_failed(self, failure: TaskFailure) -> None:
        self._end(failure)

    @Slot()
    def _slice(self) -> None:
        self._advance(time.monotonic() + SLICE_SECONDS)

    def _advance(self, deadline: float) -> None:
        assert self._steps is not None
        try:
            while True:
                next(self._steps)
                if time.monotonic() >= deadline:
                    return
        except StopIteration as stop:
            self._end(None, stop.value)
        except Exception as exc:  # handed back, as a worker's exception is
            self._end(exc)

    def _end(self, error: BaseException | TaskFailure | None, result: Any = None) -> None:
        self._timer.stop()
        self.done = True
        _PACED.discard(self)
        # Kept until the event loop turns again: this may run inside its own timer's signal, and the job
        # (the timer's parent) must not be destroyed under it.
        _ENDED.add(self)
        QTimer.singleShot(0, partial(_ENDED.discard, self))
        if isinstance(error, BaseException):
            import traceback

            error = TaskFailure(error, "".join(traceback.format_exception(error)))
        if error is not None:
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
        self.finished.emit()

    def finish_now(self) -> None:
        """Run what is left at once (on quit: an export under way is completed, not cut short)."""
        if self._steps is None:
            QCoreApplication.sendPostedEvents(self)  # a prepared result waiting to be delivered
        if self._steps is not None and not self.done:
            self._advance(float("inf"))


_PACED: set[PacedJob] = set()
_ENDED: set[PacedJob] = set()


def run_paced(
    steps: Callable[[Any], Steps],
    on_success: Callable[[Any], None],
    on_failure: Callable[[TaskFailure], None],
    prepare: Work | None = None,
) -> PacedJob:
    """Run `prepare` in a worker (if given), then `steps(its result)` on the GUI thread in slices."""
    job = PacedJob(steps, prepare)
    job.succeeded.connect(on_success)
    job.failed.connect(on_failure)
    return job.start()


def paced_jobs() -> int:
    """How many paced jobs have not yet reported back."""
    return len(_PACED)


def wait_for_tasks(msecs: int = 5000) -> bool:
    """Cancel running tasks and wait for the pool to drain, then finish paced jobs (on quit, before Qt goes)."""
    for task in list(_RUNNING):
        task.cancel()
    drained = QThreadPool.globalInstance().waitForDone(msecs)
    for job in list(_PACED):
        job.finish_now()
    return drained
