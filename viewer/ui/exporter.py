"""Export and print of one study: JSON, Markdown, HTML and PDF files, and the printer."""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from viewer.ui import paper
from viewer.ui.paper import Running
from viewer.ui.resources import document_css
from viewer.ui.tasks import CancelToken, Report, Steps, TaskFailure, run_paced, run_task
from viewer.ui.text_document import DocumentLook, InertDocument, build_document

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from viewer.core.model import Study

FORMATS = {
    "json": ("JSON", "JSON files (*.json)"),
    "markdown": ("md", "Markdown files (*.md)"),
    "html": ("html", "HTML files (*.html *.htm)"),
    "pdf": ("pdf", "PDF files (*.pdf)"),
}


def write_export(study: Study, fmt: str, path: str, _token: CancelToken, _report: Report) -> str:
    """Worker: render and write a text export (JSON, Markdown, HTML); returns the path written."""
    from viewer.core.render import study_html, study_markdown

    if fmt == "json":
        text = study.model_dump_json(indent=2) + "\n"
    elif fmt == "markdown":
        text = study_markdown(study)
    else:
        text = study_html(study)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path


def paper_html(study: Study, _token: CancelToken | None = None, _report: Report | None = None) -> str:
    """Worker: the study's HTML for paper (plain Python: the part of printing that may leave the GUI thread)."""
    from viewer.core.render import study_body_html

    return study_body_html(study)


def print_document(study: Study, body: str | None = None) -> InertDocument:
    """The study laid out for paper (PDF and printer alike), always in the light scheme, from `body` if made.

    Built on the GUI thread, as every Qt object is (see `tasks`).
    """
    font = QFont()
    font.setPointSizeF(10)
    look = DocumentLook(font, document_css(dark=False), margin=0)  # the page margins are the margins
    document = build_document(paper_html(study) if body is None else body, look)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, f"{study.id}: {study.title}")
    return document


def running(study: Study) -> Running:
    """The header and footer of every printed page of a study."""
    return Running(f"{study.id} · {study.title}", os.path.basename(study.source.file.replace("!", os.sep)))


def pdf_steps(study: Study, path: str, body: str) -> Steps:
    """GUI thread, a page at a time: lay the study out and write it as PDF; returns the path."""
    document = print_document(study, body)
    yield
    yield from paper.pdf_steps(document, path, f"{study.id}: {study.title}", running(study))
    return path


def print_steps(study: Study, printer: QPrinter, body: str) -> Steps:
    """GUI thread, a page at a time: lay the study out and print it on `printer`; returns the study ID."""
    from PySide6.QtPrintSupport import QPrinter

    document = print_document(study, body)
    yield
    yield from paper.page_steps(document, printer, running(study))
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise OSError(f"{study.id}: the printer reported an error")
    return study.id


class StudyExporter(QObject):
    """Asks where to save or which printer, then writes or prints off the GUI thread; reports the outcome."""

    exported = Signal(str)  # the path written
    printed = Signal(str)  # the study ID sent to the printer
    failed = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.last_dir = ""

    def ask_path(self, study: Study, fmt: str) -> str:
        ext, filter_ = FORMATS[fmt]
        from viewer.core.model import file_stem

        suggestion = os.path.join(self.last_dir, f"{file_stem(study.id)}.{ext.lower()}")
        path, _ = QFileDialog.getSaveFileName(self._parent, f"Export {study.id} as {fmt.upper()}", suggestion, filter_)
        if path:
            self.last_dir = os.path.dirname(path)
        return path

    def export(self, study: Study, fmt: str, path: str | None = None) -> None:
        """Export to `path`, or to a file the user picks; `exported` or `failed` tells the result."""
        path = path or self.ask_path(study, fmt)
        if not path:
            return
        if fmt == "pdf":  # the HTML in a worker, the pages on the GUI thread a few at a time
            run_paced(partial(pdf_steps, study, path), self._on_done, self._on_failed, partial(paper_html, study))
        else:
            run_task(partial(write_export, study, fmt, path), self._on_done, self._on_failed)

    def print_study(self, study: Study) -> None:
        """Ask for a printer, then print: the HTML in a worker, the pages on the GUI thread in slices."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # loaded only when printing

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(study.id)
        printer.setPageLayout(paper.page_layout())
        dialog = QPrintDialog(printer, self._parent)
        dialog.setWindowTitle(f"Print {study.id}")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(study, printer)

    def preview_study(self, study: Study) -> None:
        """File > Print Preview: the pages as they will print (header, footer, page X of Y), then print."""
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(study.id)
        printer.setPageLayout(paper.page_layout())
        dialog = QPrintPreviewDialog(printer, self._parent)
        dialog.setWindowTitle(f"Print Preview: {study.id}")
        # The preview asks for the pages on the GUI thread; a study's layout is fast enough for that.
        dialog.paintRequested.connect(lambda device: paper.paint_pages(print_document(study), device, running(study)))
        dialog.exec()

    def print_to(self, study: Study, printer: QPrinter) -> None:
        """Print on a printer already set up; `printed` or `failed` tells the result."""
        run_paced(partial(print_steps, study, printer), self._on_printed, self._on_print_failed,
                  partial(paper_html, study))  # fmt: skip

    @Slot(object)
    def _on_done(self, path: str) -> None:
        self.exported.emit(path)

    @Slot(object)
    def _on_failed(self, failure: TaskFailure) -> None:
        self.failed.emit(f"Export failed: {failure}")

    @Slot(object)
    def _on_printed(self, study_id: str) -> None:
        self.printed.emit(study_id)

    @Slot(object)
    def _on_print_failed(self, failure: TaskFailure) -> None:
        self.failed.emit(f"Print failed: {failure}")
