"""Writing a comparison report: the standalone HTML page (a worker), or the same report as PDF (paced)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QTextDocument

from viewer.ui import paper
from viewer.ui.resources import document_css
from viewer.ui.text_document import DocumentLook, InertDocument, build_document

if TYPE_CHECKING:
    from viewer.core.diff.model import Comparison
    from viewer.ui.tasks import CancelToken, Report, Steps

REPORT_FORMATS = {"html": "HTML files (*.html *.htm)", "pdf": "PDF files (*.pdf)"}


def report_document(comparison: Comparison, body: str) -> InertDocument:
    """The report's HTML `body` (`report_body`) laid out for paper, always in the light scheme; GUI thread only."""
    from viewer.core.diff.report import heading

    font = QFont()
    font.setPointSizeF(9.5)
    document = build_document(body, DocumentLook(font, document_css(False), 4))
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, heading(comparison))
    return document


def write_html_report(comparison: Comparison, path: str, made: datetime, _token: CancelToken, _report: Report) -> str:
    """Worker: write the comparison report as a standalone HTML page to `path`; returns the path."""
    from viewer.core.diff.html_report import comparison_html

    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(comparison_html(comparison, made))
    return path


def report_body(comparison: Comparison, made: datetime, _token: CancelToken, _report: Report) -> str:
    """Worker: the report's HTML for paper (plain Python; the pages are painted on the GUI thread)."""
    from viewer.core.diff.html_report import comparison_body_html

    return comparison_body_html(comparison, made)


def pdf_steps(comparison: Comparison, path: str, made: datetime, body: str) -> Steps:
    """GUI thread, a page at a time: the report as PDF, a running header and "page X of Y" on every page."""
    from viewer.core.diff.report import heading

    document = report_document(comparison, body)
    yield
    title = heading(comparison)
    printed = f"Made {made.strftime('%Y-%m-%d %H:%M')} UTC"
    yield from paper.pdf_steps(document, path, title, paper.Running(title, printed=printed))
    return path
