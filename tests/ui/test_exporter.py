"""Export of one study to JSON, Markdown, HTML and PDF."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from viewer.core.model import Study
from viewer.ui import exporter as exporter_module
from viewer.ui import tasks
from viewer.ui.exporter import StudyExporter, print_document


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("json", lambda text: json.loads(text)["id"] == "NCT01165008"),
        ("markdown", lambda text: text.startswith("# NCT01165008: Anakinra in Myositis")),
        ("html", lambda text: text.startswith("<!DOCTYPE html>") and "<h2>Eligibility</h2>" in text),
    ],
)
def test_text_exports(qtbot: QtBot, tmp_path: Path, seed_studies: list[Study], fmt: str, check: object) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    target = tmp_path / f"out.{fmt}"
    with qtbot.waitSignal(exporter.exported, timeout=10_000) as blocker:
        exporter.export(seed_studies[0], fmt, str(target))
    assert blocker.args == [str(target)]
    assert callable(check) and check(target.read_text(encoding="utf-8"))


def test_pdf_export(qtbot: QtBot, tmp_path: Path, seed_studies: list[Study]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    target = tmp_path / "out.pdf"
    with qtbot.waitSignal(exporter.exported, timeout=10_000):
        exporter.export(seed_studies[1], "pdf", str(target))
    assert target.read_bytes().startswith(b"%PDF")


def test_export_failure_is_reported(qtbot: QtBot, tmp_path: Path, seed_studies: list[Study]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    with qtbot.waitSignal(exporter.failed, timeout=10_000) as blocker:
        exporter.export(seed_studies[0], "markdown", str(tmp_path / "missing-dir" / "x.md"))
    assert "Export failed" in blocker.args[0]


def test_print_document_holds_the_whole_study(seed_studies: list[Study]) -> None:
    document = print_document(seed_studies[0])
    text = document.toPlainText()
    assert "Inclusion (3)" in text and "Exclusion (6)" in text and "Source" in text


def _recording_threads(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Replace a function of the exporter with one that notes the thread it runs in."""
    threads: list[int] = []
    original = getattr(exporter_module, name)

    def recording(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return original(*args)

    monkeypatch.setattr(exporter_module, name, recording)
    return threads


def _ticks() -> tuple[QTimer, list[int]]:
    """A 0 ms timer counting turns of the GUI event loop, to see the window answer while pages are painted."""
    ticks = [0]
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    return timer, ticks


def test_pdf_export_of_a_large_record_makes_its_html_in_a_worker_and_its_pages_between_events(
    qtbot: QtBot, tmp_path: Path, large_study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = _recording_threads(monkeypatch, "paper_html")
    monkeypatch.setattr(tasks, "SLICE_SECONDS", 0.0)  # one step (a page) a slice: the count below is exact
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    target = tmp_path / "large.pdf"
    timer, ticks = _ticks()
    with qtbot.waitSignal(exporter.exported, timeout=60_000) as blocker:
        exporter.export(large_study, "pdf", str(target))
        assert not target.exists()  # export() returned before the file was written
    timer.stop()
    assert blocker.args == [str(target)]
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF") and len(data) > 100_000
    assert threads and threads[0] != threading.get_ident()  # the HTML: a worker
    pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page ") or data.count(b"/Type/Page")
    assert pages > 20 and ticks[0] > pages  # the event loop turned between every two pages


def test_pdf_that_cannot_be_written_is_reported(qtbot: QtBot, tmp_path: Path, seed_studies: list[Study]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    with qtbot.waitSignal(exporter.failed, timeout=10_000) as blocker:
        exporter.export(seed_studies[0], "pdf", str(tmp_path / "missing-dir" / "x.pdf"))
    assert "Export failed" in blocker.args[0] and "could not be written" in blocker.args[0]


def test_printing_makes_its_html_in_a_worker_and_prints_on_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, seed_studies: list[Study], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    threads = _recording_threads(monkeypatch, "paper_html")
    painted = _recording_threads(monkeypatch, "print_document")
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # as the print dialog leaves it, but to a file
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    study = seed_studies[0]
    with qtbot.waitSignal(exporter.printed, timeout=30_000) as blocker:
        exporter.print_to(study, printer)
    assert blocker.args == [study.id]
    assert target.read_bytes().startswith(b"%PDF")
    assert threads and threads[0] != threading.get_ident() and painted == [threading.get_ident()]
