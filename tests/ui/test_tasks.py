"""The background-task helper: results, progress, exceptions handed back, cancellation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from pytestqt.qtbot import QtBot

from viewer.ui import tasks
from viewer.ui.tasks import (
    CancelToken,
    Report,
    Steps,
    Task,
    TaskFailure,
    Work,
    paced_jobs,
    run_paced,
    run_task,
    wait_for_tasks,
)


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


def _pages(seen: list[int], prepared: Any) -> Steps:
    """Five steps noting the GUI thread each runs in; returns what the worker prepared, doubled."""
    for _ in range(5):
        seen.append(threading.get_ident())
        yield
    return prepared * 2


def _broken_steps(_prepared: Any) -> Steps:
    yield
    raise OSError("disk full")


def test_a_paced_job_prepares_in_a_worker_then_steps_on_the_gui_thread_between_events(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "SLICE_SECONDS", 0.0)  # one step a slice
    receiver, seen, ticks = Receiver(), list[int](), [0]
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    with qtbot.waitSignal(receiver.done, timeout=5000):
        job = run_paced(partial(_pages, seen), receiver.on_success, receiver.on_failure, _counting)
        assert not seen  # nothing ran before run_paced returned
    timer.stop()
    assert receiver.results == [84] and job.done and paced_jobs() == 0
    assert seen == [threading.get_ident()] * 5 and ticks[0] >= 5  # the event loop turned between steps


def test_a_paced_job_hands_back_an_exception_from_either_part(qtbot: QtBot) -> None:
    cases: list[tuple[Callable[[Any], Steps], Work | None, type[Exception]]] = [
        (_broken_steps, None, OSError),
        (partial(_pages, []), _broken, ZeroDivisionError),
    ]
    for steps, prepare, expected in cases:
        receiver = Receiver()
        with qtbot.waitSignal(receiver.done, timeout=5000):
            run_paced(steps, receiver.on_success, receiver.on_failure, prepare)
        (failure,) = receiver.failures
        assert isinstance(failure.error, expected) and "Traceback" in failure.details and receiver.results == []
    assert paced_jobs() == 0


def test_quitting_finishes_a_paced_job_under_way(qtbot: QtBot) -> None:
    receiver, seen = Receiver(), list[int]()
    run_paced(partial(_pages, seen), receiver.on_success, receiver.on_failure, _counting)
    assert paced_jobs() == 1 and wait_for_tasks(5000)  # as on quit: no event loop turns after this
    assert paced_jobs() == 0 and len(seen) == 5
    assert receiver.results == [84]  # delivered at once: the job and its receiver are both on this thread
