"""Bundled icons, palettes and style sheets, found through viewer.core.bundle and tinted per scheme."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings, QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImageReader, QPalette, QPixmap

from viewer.core.bundle import MissingResource, resource_path, resource_text

if TYPE_CHECKING:  # importing a Qt class builds its enums: only what start-up really uses is imported
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter

APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)


def _text(relative: str) -> str:
    """A bundled text file; a missing one is logged (an incomplete installation) and costs only its looks.

    `--smoke-test` and the tests check `viewer.core.bundle.missing()`, so an incomplete build fails there.
    """
    try:
        return resource_text(relative)
    except MissingResource as exc:
        import logging

        logging.getLogger(__name__).error("%s", exc)
        return ""


@cache
def theme(dark: bool) -> dict[str, dict[str, str]]:
    """The palette and icon colours of one scheme, from resources/themes/<scheme>.ini."""
    try:
        path = resource_path(f"themes/{'dark' if dark else 'light'}.ini")
    except MissingResource as exc:
        import logging

        logging.getLogger(__name__).error("%s", exc)
        return {"palette": {}, "disabled": {}, "inactive": {}, "icons": {}}
    ini = QSettings(str(path), QSettings.Format.IniFormat)  # QSettings reads INI without a Python import
    groups: dict[str, dict[str, str]] = {}
    for group in ("palette", "disabled", "inactive", "icons"):
        ini.beginGroup(group)
        groups[group] = {key: str(ini.value(key)) for key in ini.childKeys()}
        ini.endGroup()
    return groups


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette in force is a dark one (judged from its window colour)."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def palette_for(dark: bool) -> QPalette:
    """A complete palette for the scheme, built from the colours in its theme file."""
    spec = theme(dark)
    palette = QPalette()
    groups = (("palette", QPalette.ColorGroup.All), ("disabled", QPalette.ColorGroup.Disabled),
              ("inactive", QPalette.ColorGroup.Inactive))  # fmt: skip
    for group, colours in groups:
        for role_name, value in spec[group].items():
            role = getattr(QPalette.ColorRole, role_name, None)
            if role is not None:
                palette.setColor(colours, role, QColor(value))
    return palette


def app_style_sheet() -> str:
    return _text("themes/app.qss")


def document_css(dark: bool) -> str:
    """The detail pane's style sheet for the scheme."""
    return _text(f"themes/{'dark' if dark else 'light'}.css")


def _svg(name: str) -> str:
    return _text(f"icons/{name}.svg")


def _render(svg: str, size: int) -> QPixmap:
    buffer = QBuffer()
    buffer.setData(QByteArray(svg.encode("utf-8")))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, b"svg")
    reader.setScaledSize(QSize(size, size))
    return QPixmap.fromImage(reader.read())


class _SvgEngine(QIconEngine):
    """Draws a tinted SVG at the size asked for, when first asked: no renders for icons never shown."""

    def __init__(self, normal: str, disabled: str) -> None:
        super().__init__()
        self._svg = {QIcon.Mode.Disabled: disabled}
        self._normal = normal
        self._cache: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode)
        if key not in self._cache:
            self._cache[key] = _render(self._svg.get(mode, self._normal), max(size.width(), size.height()))
        return self._cache[key]

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        # The application's ratio, not painter.device(): wrapping the device costs ~20 ms on first paint.
        app = QGuiApplication.instance()
        ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
        pixmap = self.pixmap(QSize(round(rect.width() * ratio), round(rect.height() * ratio)), mode, state)
        painter.drawPixmap(rect, pixmap)

    def clone(self) -> QIconEngine:
        return _SvgEngine(self._normal, self._svg[QIcon.Mode.Disabled])


@cache
def _tinted(name: str, colour: str, disabled: str) -> QIcon:
    svg = _svg(name)
    if not svg:
        return QIcon()
    return QIcon(_SvgEngine(svg.replace("currentColor", colour), svg.replace("currentColor", disabled)))


def icon(name: str) -> QIcon:
    """A line icon from resources/icons, drawn in the current scheme's icon colour (built on first use)."""
    colours = theme(is_dark())["icons"]
    return _tinted(name, colours.get("normal", "#3d4651"), colours.get("disabled", "#a8afb8"))


@cache
def app_icon() -> QIcon:
    svg = _svg("app")
    result = QIcon()
    for size in APP_ICON_SIZES:
        result.addPixmap(_render(svg, size))
    return result
