"""The standard dialogs the main window asks through (loaded on first use, not at start-up)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

FILE_FILTER = "Trial records (*.json *.xml *.txt *.html *.htm *.zip);;All files (*)"


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
