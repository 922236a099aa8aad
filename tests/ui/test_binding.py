"""The Qt binding itself: guards against known-bad PySide6 releases that the pins in pyproject.toml exclude."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


class _Resized(QWidget):
    def resizeEvent(self, event: QResizeEvent) -> None:
        del event


class _Model(QAbstractListModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        return None


def test_calls_into_python_overrides_keep_none_alive(qtbot: QtBot) -> None:
    """PySide6 6.12.0 lost a reference to None per override call: the app aborted after ~5000 repaints."""
    widget = _Resized()
    qtbot.addWidget(widget)
    widget.show()
    model = _Model()
    before = sys.getrefcount(None)
    for i in range(200):
        widget.resize(100 + i % 7, 100)
        model.data(model.index(0), 0)
    assert sys.getrefcount(None) - before > -50
