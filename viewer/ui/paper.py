"""Paper: a document laid out in pages with a running header (what it is) and footer (printed when, page
X of Y), for the printer, the print preview and PDF files alike.

Works on any paged device (QPrinter, QPdfWriter). Painting is a generator that yields after each page, so
the GUI thread can print a long study in slices (`tasks.PacedJob`) and stay responsive; `paint_pages` and
`write_pdf` run it to the end at once (the print preview, the command line).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

T = TypeVar("T")
PAGE_MARGINS_MM = QMarginsF(16, 12, 16, 12)  # left, top, right, bottom: the text itself starts here
BAND_GAP = 0.6  # header and footer bands: their text height plus this much of it again


@dataclass(frozen=True)
class Running:
    """What every page says above and below the text."""

    header: str  # e.g. "NCT01165008 · Anakinra in Myositis"
    source: str = ""  # e.g. the file name, on the footer's left
    printed: str = ""  # filled in when printed: "Printed 2026-12-01 14:03"


def page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        PAGE_MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


Steps = Generator[None, None, int]  # yields after each page; returns the page count


def finish(steps: Generator[None, None, T]) -> T:
    """Run painting steps to the end; what they return (a page count, a path)."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            result: T = stop.value
            return result


def paint_pages(document: QTextDocument, device: QPagedPaintDevice, running: Running) -> int:
    """Lay `document` out on `device`'s pages with a header and a "page X of Y" footer; returns the page count."""
    return finish(page_steps(document, device, running))


def page_steps(document: QTextDocument, device: QPagedPaintDevice, running: Running) -> Steps:
    """`paint_pages` a page at a time: yields after laying out and after each page painted."""
    printed = running.printed or f"Printed {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}"
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the pages could not be written (the printer or file cannot be opened)")
    try:
        paint = device.pageLayout().paintRectPixels(device.logicalDpiX())
        band_font = QFont(document.defaultFont())
        band_font.setPointSizeF(max(7.0, document.defaultFont().pointSizeF() * 0.8))
        painter.setFont(band_font)
        band = QFontMetricsF(band_font, device).height() * (1 + BAND_GAP)
        document.documentLayout().setPaintDevice(device)
        body = QSizeF(paint.width(), max(1.0, paint.height() - 2 * band))
        document.setPageSize(body)
        pages = max(1, document.pageCount())
        yield  # the layout of a long document is the largest single step
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(0, band)
            painter.setClipRect(QRectF(0, 0, body.width(), body.height()))
            painter.translate(0, -page * body.height())
            document.drawContents(painter, QRectF(0, page * body.height(), body.width(), body.height()))
            painter.restore()
            _bands(painter, paint.width(), paint.height(), band, running, printed, page + 1, pages)
            yield
    finally:
        painter.end()
    return pages


def _bands(painter: QPainter, width: float, height: float, band: float, running: Running, printed: str,
           page: int, pages: int) -> None:  # fmt: skip
    metrics = QFontMetricsF(painter.font())
    top = QRectF(0, 0, width, band / (1 + BAND_GAP))
    bottom = QRectF(0, height - band / (1 + BAND_GAP), width, band / (1 + BAND_GAP))
    painter.setPen(Qt.GlobalColor.black)  # black on white: reads the same in grey-scale
    painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     metrics.elidedText(running.header, Qt.TextElideMode.ElideRight, width * 0.98))  # fmt: skip
    painter.drawLine(0, round(top.bottom() + band * 0.15), round(width), round(top.bottom() + band * 0.15))
    numbers = f"Page {page} of {pages}"
    left = " · ".join(p for p in (printed, running.source) if p)
    room = width - metrics.horizontalAdvance(numbers) - metrics.horizontalAdvance("    ")
    painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     metrics.elidedText(left, Qt.TextElideMode.ElideMiddle, room))  # fmt: skip
    painter.drawText(bottom, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, numbers)


def write_pdf(document: QTextDocument, path: str, title: str, running: Running) -> int:
    """The document as a PDF file with running header and footer; returns the page count."""
    return finish(pdf_steps(document, path, title, running))


def pdf_steps(document: QTextDocument, path: str, title: str, running: Running) -> Steps:
    """`write_pdf` a page at a time."""
    writer = QPdfWriter(path)
    writer.setTitle(title)
    writer.setCreator("Trial Protocol Viewer")
    writer.setPageLayout(page_layout())
    pages = yield from page_steps(document, writer, running)
    del writer  # finishes the file
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise OSError(f"{path}: the PDF could not be written")
    return pages
