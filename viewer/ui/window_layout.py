"""The main window's size and pane layout: fitted to the screen at first, restored with checks after.

A restored layout is only trusted if every pane gets a usable size: a damaged splitter value once gave the
Detail pane zero width for good. What cannot be trusted is reset (and the user told); View > Reset Layout
does the same on request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter

if TYPE_CHECKING:
    from viewer.ui.settings import Settings

PREFERRED_SIZE = (1380, 860)
SCREEN_SHARE = 0.9  # the first window takes at most this much of the available screen
MIN_PANE = 60  # pixels: a pane smaller than this after restoring is a damaged layout
DEFAULT_SPLITS = {"main": (0.28, 0.72), "lower": (0.32, 0.68)}


def fit_to_screen(window: QMainWindow) -> None:
    """Preferred size, but never more than the screen's available area (scaled screens included), centred."""
    screen = window.screen().availableGeometry()
    width = min(PREFERRED_SIZE[0], int(screen.width() * SCREEN_SHARE))
    height = min(PREFERRED_SIZE[1], int(screen.height() * SCREEN_SHARE))
    window.resize(width, height)
    window.move(screen.x() + (screen.width() - width) // 2, screen.y() + (screen.height() - height) // 2)


def default_splits(splitters: dict[str, QSplitter], window_size: tuple[int, int]) -> None:
    for name, splitter in splitters.items():
        total = window_size[1] if name == "main" else window_size[0]
        splitter.setSizes([int(total * share) for share in DEFAULT_SPLITS[name]])


def splits_usable(splitters: dict[str, QSplitter]) -> bool:
    """Whether every pane has room (checked once the window is laid out)."""
    return all(size >= MIN_PANE for splitter in splitters.values() for size in splitter.sizes())


def restore(window: QMainWindow, settings: Settings, splitters: dict[str, QSplitter]) -> None:
    """The saved geometry, dock and splitter positions, or a first layout fitted to the screen."""
    if (geometry := settings.geometry) is None or not window.restoreGeometry(geometry):
        fit_to_screen(window)
    default_splits(splitters, (window.width(), window.height()))
    if settings.window_state is not None:
        window.restoreState(settings.window_state)
    for name, splitter in splitters.items():
        if (state := settings.splitter(name)) is not None:
            splitter.restoreState(state)


def reset(window: QMainWindow, settings: Settings, splitters: dict[str, QSplitter], dock: QDockWidget | None) -> None:
    settings.reset_layout()
    fit_to_screen(window)
    default_splits(splitters, (window.width(), window.height()))
    if dock is not None:
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)


def save(window: QMainWindow, settings: Settings, splitters: dict[str, QSplitter]) -> None:
    settings.geometry, settings.window_state = window.saveGeometry(), window.saveState()
    for name, splitter in splitters.items():
        settings.set_splitter(name, splitter.saveState())
