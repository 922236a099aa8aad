"""Light or dark: follows the system colour scheme unless the user picked one."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

from viewer.ui.resources import app_style_sheet, palette_for
from viewer.ui.settings import SCHEMES


class Appearance(QObject):
    """Applies the palette and style sheet of the scheme in force, and re-applies when it changes."""

    scheme_changed = Signal(bool)

    def __init__(self, app: QApplication, preference: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self._preference = preference if preference in SCHEMES else "system"
        self.dark = False
        app.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    @property
    def preference(self) -> str:
        return self._preference

    def set_preference(self, preference: str) -> None:
        self._preference = preference if preference in SCHEMES else "system"
        self.apply()

    def system_is_dark(self) -> bool:
        return self._app.styleHints().colorScheme() == Qt.ColorScheme.Dark

    @Slot()
    def apply(self) -> None:
        dark = self._preference == "dark" or (self._preference == "system" and self.system_is_dark())
        self.dark = dark
        # Fusion is chosen where the application is made (app.py): style() here would build the QStyle
        # wrapper, hundreds of enum members, before the first paint.
        self._app.setPalette(palette_for(dark))
        self._app.setStyleSheet(app_style_sheet())
        self.scheme_changed.emit(dark)

    @Slot(Qt.ColorScheme)
    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self._preference == "system":
            self.apply()
