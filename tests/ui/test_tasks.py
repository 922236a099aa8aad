"""The background-task helper: results, progress, exceptions handed back, cancellation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from pytestqt.qtbot import QtBot

from viewer.ui.tasks import CancelToken, Report, Task, TaskFailure, run_task


class Receiver(QObject):
    done = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []
        self.failures: list[TaskFailure] = []
        self.progress: list[Any] = []

    @Slot(object)
    def on_success(self, result: Any) -> None:
        self.results.append(result)
        self.done.emit()

    @Slot(object)
    def on_failure(self, failure: TaskFailure) -> None:
        self.failures.append(failure)
        self.done.emit()

    @Slot(object)
    def on_progress(self, item: Any) -> None:
        self.progress.append(item)


def _counting(token: CancelToken, report: Report) -> int:
    for i in range(3):
        report(i)
    return 42


def _broken(token: CancelToken, report: Report) -> int:
    raise ZeroDivisionError("worker bug")


def _until_cancelled(token: CancelToken, report: Report) -> str:
    report("started")
    while not token.cancelled:
        token._event.wait(0.01)
    return "stopped"


def test_result_and_progress_arrive_in_the_gui_thread(qtbot: QtBot) -> None:
    receiver = Receiver()
    task = Task(_counting)
    task.succeeded.connect(receiver.on_success)
    task.progressed.connect(receiver.on_progress)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert receiver.results == [42]
    assert receiver.progress == [0, 1, 2]
    assert task.done


def test_worker_exception_is_handed_back(qtbot: QtBot) -> None:
    receiver = Receiver()
    task = Task(_broken)
    task.failed.connect(receiver.on_failure)
    task.succeeded.connect(receiver.on_success)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert receiver.results == []
    (failure,) = receiver.failures
    assert isinstance(failure.error, ZeroDivisionError)
    assert "worker bug" in str(failure) and "Traceback" in failure.details


def test_cancel_stops_cooperative_work(qtbot: QtBot) -> None:
    receiver = Receiver()
    task = Task(_until_cancelled)
    task.succeeded.connect(receiver.on_success)
    with qtbot.waitSignal(task.progressed, timeout=5000):
        task.start()
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.cancel()
    assert receiver.results == ["stopped"]


def test_run_task_connects_before_starting(qtbot: QtBot) -> None:
    receiver = Receiver()
    with qtbot.waitSignal(receiver.done, timeout=5000):
        run_task(_counting, receiver.on_success, receiver.on_failure, receiver.on_progress)
    assert receiver.results == [42] and receiver.progress == [0, 1, 2]
