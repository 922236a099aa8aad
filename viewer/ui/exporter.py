"""Export and print of one study: JSON, Markdown, HTML and PDF files, and the printer."""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QObject, Signal, Slot
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from viewer.ui.resources import document_css
from viewer.ui.tasks import CancelToken, Report, TaskFailure, run_task

if TYPE_CHECKING:
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


def print_document(study: Study) -> QTextDocument:
    """The study laid out for paper (PDF and printer alike), always in the light scheme."""
    from viewer.core.render import markdown_to_html, study_markdown

    document = QTextDocument()
    document.setDefaultStyleSheet(document_css(dark=False))
    font = QFont()
    font.setPointSizeF(10)
    document.setDefaultFont(font)
    document.setHtml(markdown_to_html(study_markdown(study)))
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, f"{study.id}: {study.title}")
    return document


class StudyExporter(QObject):
    """Asks where to save, writes off the GUI thread (PDF on it: Qt text layout), reports the outcome."""

    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.last_dir = ""

    def ask_path(self, study: Study, fmt: str) -> str:
        ext, filter_ = FORMATS[fmt]
        suggestion = os.path.join(self.last_dir, f"{study.id}.{ext.lower()}")
        path, _ = QFileDialog.getSaveFileName(self._parent, f"Export {study.id} as {fmt.upper()}", suggestion, filter_)
        if path:
            self.last_dir = os.path.dirname(path)
        return path

    def export(self, study: Study, fmt: str, path: str | None = None) -> None:
        """Export to `path`, or to a file the user picks; `exported` or `failed` tells the result."""
        path = path or self.ask_path(study, fmt)
        if not path:
            return
        if fmt == "pdf":
            self._write_pdf(study, path)
            return
        run_task(partial(write_export, study, fmt, path), self._on_done, self._on_failed)

    def print_study(self, study: Study) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # loaded only when printing

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(study.id)
        dialog = QPrintDialog(printer, self._parent)
        dialog.setWindowTitle(f"Print {study.id}")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            print_document(study).print_(printer)

    def _write_pdf(self, study: Study, path: str) -> None:
        writer = QPdfWriter(path)
        writer.setTitle(f"{study.id}: {study.title}")
        writer.setCreator("Trial Protocol Viewer")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
        print_document(study).print_(writer)
        del writer  # finishes the file
        if os.path.exists(path) and os.path.getsize(path) > 0:
            self.exported.emit(path)
        else:
            self.failed.emit(f"{path}: the PDF could not be written")

    @Slot(object)
    def _on_done(self, path: str) -> None:
        self.exported.emit(path)

    @Slot(object)
    def _on_failed(self, failure: TaskFailure) -> None:
        self.failed.emit(f"Export failed: {failure}")
