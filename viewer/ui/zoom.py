"""Zoom: all of the text grows, menus, headers, filter, titles, buttons and content alike."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

ZOOM_STEP = 1.1
_BASE_FONT: list[QFont] = []


def base_font() -> QFont:
    """The application font before any zoom (captured once: zoom replaces the application font)."""
    if not _BASE_FONT:
        _BASE_FONT.append(QFont(QApplication.font()))
    return QFont(_BASE_FONT[0])


def apply_zoom(base: QFont, steps: int) -> float:
    """Set the application font `steps` zoom steps from `base`; returns the factor.

    The application font carries the zoom: with a style sheet in force, Qt resolves widget fonts from the
    application font, not from the parent widget, so a window font would reach only some widgets; and
    existing widgets take a new application font only when the style sheet is applied again.
    """
    factor: float = ZOOM_STEP**steps
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * factor)
    if font != QApplication.font():
        QApplication.setFont(font)
        app = QApplication.instance()
        if isinstance(app, QApplication) and app.styleSheet():
            app.setStyleSheet(app.styleSheet())
    return factor
