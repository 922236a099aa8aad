"""PDF from the command line: the studies laid out as the viewer prints them, with no window shown."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.core.model import Study


def write_studies_pdf(studies: list[Study], path: str) -> int:
    """One PDF, each study from a new page, running header and page numbers; returns the page count."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a terminal on a server has no screen
    from PySide6.QtGui import QFont, QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    from viewer.core.render import study_body_html
    from viewer.ui import paper
    from viewer.ui.resources import document_css
    from viewer.ui.text_document import DocumentLook, build_document

    font = QFont()
    font.setPointSizeF(10)
    # A page break before every study but the first (Qt honours page-break-before on block elements).
    body = '<div style="page-break-before: always"></div>'.join(study_body_html(s) for s in studies)
    document = build_document(body, DocumentLook(font, document_css(dark=False), margin=0))
    first = studies[0]
    header = f"{first.id} · {first.title}" if len(studies) == 1 else f"{len(studies)} studies"
    pages = paper.write_pdf(document, path, header, paper.Running(header))
    del app
    return pages
