"""The one way to run work off the GUI thread: a QThreadPool task that always reports back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


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


def wait_for_tasks(msecs: int = 5000) -> bool:
    """Cancel running tasks and wait for the pool to drain (on quit, so no worker outlives Qt)."""
    for task in list(_RUNNING):
        task.cancel()
    return QThreadPool.globalInstance().waitForDone(msecs)
