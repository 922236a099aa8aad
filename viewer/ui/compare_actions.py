"""The compare window's commands: actions with shortcuts shown in their tool tips, menus and a tool bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar


class CompareActions:
    """Builds a window's actions, menus and tool bar; every tool button gets its action's name to be read."""

    def __init__(self, window: QMainWindow) -> None:
        self._window = window

    def add(
        self,
        text: str,
        slot: Callable[..., Any],
        shortcut: QKeySequence | str | None = None,
        tip: str = "",
        checked: bool | None = None,
    ) -> QAction:
        action = QAction(text, self._window)
        words = tip or text.replace("&", "").rstrip("…")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            words += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(words)
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
        action.triggered.connect(slot)
        self._window.addAction(action)  # the shortcut works wherever the focus is in the window
        return action

    def exclusive(self, *actions: QAction) -> QActionGroup:
        group = QActionGroup(self._window)
        for action in actions:
            group.addAction(action)
        return group

    def menu(self, title: str, *actions: QAction | None) -> None:
        menu = self._window.menuBar().addMenu(title)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)

    def toolbar(self, *actions: QAction | None) -> QToolBar:
        tools = QToolBar("Compare", self._window)
        tools.setObjectName("compareToolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in actions:
            if action is None:
                tools.addSeparator()
                continue
            tools.addAction(action)
            button = tools.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        self._window.addToolBar(tools)
        return tools
