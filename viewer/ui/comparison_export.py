"""Workers that write a comparison report: the standalone HTML page, or the same report as PDF."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from viewer.ui.resources import document_css
from viewer.ui.text_document import DocumentLook, InertDocument, build_document

if TYPE_CHECKING:
    from viewer.core.diff.model import Comparison
    from viewer.ui.tasks import CancelToken, Report

REPORT_FORMATS = {"html": "HTML files (*.html *.htm)", "pdf": "PDF files (*.pdf)"}


def report_document(comparison: Comparison, made: datetime) -> InertDocument:
    """The report laid out for paper, always in the light scheme; built in the calling thread, for it."""
    from viewer.core.diff.html_report import comparison_body_html
    from viewer.core.diff.report import heading

    font = QFont()
    font.setPointSizeF(9.5)
    document = build_document(comparison_body_html(comparison, made), DocumentLook(font, document_css(False), 4))
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, heading(comparison))
    return document


def write_report(comparison: Comparison, fmt: str, path: str, made: datetime, _token: CancelToken,
                 _report: Report) -> str:  # fmt: skip
    """Worker: write the comparison report as `fmt` ("html" or "pdf") to `path`; returns the path."""
    if fmt == "html":
        from viewer.core.diff.html_report import comparison_html

        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(comparison_html(comparison, made))
        return path
    from viewer.core.diff.report import heading

    writer = QPdfWriter(path)
    writer.setTitle(heading(comparison))
    writer.setCreator("Trial Protocol Viewer")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(16, 16, 16, 16), QPageLayout.Unit.Millimeter))  # fmt: skip
    report_document(comparison, made).print_(writer)
    del writer  # finishes the file
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise OSError(f"{path}: the PDF could not be written")
    return path
