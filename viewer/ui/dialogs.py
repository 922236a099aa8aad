"""The standard dialogs the main window asks through (loaded on first use, not at start-up)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

FILE_FILTER = "Trial records (*.json *.jsonl *.xml *.txt *.html *.htm *.zip);;All files (*)"


def ask_files(parent: QWidget, start_dir: str) -> list[str]:
    from PySide6.QtWidgets import QFileDialog

    paths, _ = QFileDialog.getOpenFileNames(parent, "Open Study Files", start_dir, FILE_FILTER)
    return paths


def ask_folder(parent: QWidget, start_dir: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, "Open Folder of Studies", start_dir)


def show_about(parent: QWidget) -> None:
    from PySide6.QtWidgets import QMessageBox

    from viewer import __version__

    QMessageBox.about(
        parent,
        "About Trial Protocol Viewer",
        f"<h3>Trial Protocol Viewer {__version__}</h3><p>An offline viewer for clinical-trial records.</p>",
    )


def _table_dialog(parent: QWidget, title: str, rows: list[tuple[str, str]], heads: tuple[str, str]) -> None:
    """A read-only two-column list in a small dialog (escaped: labels may come from anywhere)."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    browser = QTextBrowser(dialog)
    browser.setOpenLinks(False)
    browser.setAccessibleName(title)
    body = "".join(f"<tr><td>{html.escape(a)}</td><td>&nbsp;&nbsp;{html.escape(b)}</td></tr>" for a, b in rows)
    browser.setHtml(f"<table><tr><th align=left>{heads[0]}</th><th align=left>&nbsp;&nbsp;{heads[1]}</th></tr>"
                    f"{body}</table>")  # fmt: skip
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    layout.addWidget(buttons)
    dialog.resize(560, 520)
    dialog.exec()


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(command, keys) for every action with a shortcut, in the platform's own notation."""
    from PySide6.QtGui import QKeySequence

    native = QKeySequence.SequenceFormat.NativeText
    rows = [
        (a.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…"),
         ", ".join(k.toString(native) for k in a.shortcuts()))
        for a in actions
    ]  # fmt: skip
    return sorted(rows, key=lambda row: row[0].casefold())


def show_shortcuts(parent: QWidget, actions: list[QAction]) -> None:
    _table_dialog(parent, "Keyboard Shortcuts", shortcut_rows(actions), ("Command", "Keys"))


def show_formats(parent: QWidget) -> None:
    from viewer.core.formats import all_formats

    rows = [(f.label, ", ".join(f.extensions)) for f in all_formats()]
    _table_dialog(parent, "Supported Formats", rows, ("Format", "Usual file names"))
