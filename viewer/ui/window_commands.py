"""The main window's commands that act on the selected study or show help: export, print, show the file,
keyboard shortcuts, formats, the log folder, about. Connected once here, so the window stays a composer."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

if TYPE_CHECKING:
    from viewer.core.model import Study
    from viewer.ui.exporter import StudyExporter
    from viewer.ui.main_window import MainWindow


class WindowCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._exporter: StudyExporter | None = None
        a = window.actions_
        for fmt, action in a.export.items():
            action.triggered.connect(lambda _=False, f=fmt: self.export_current(f))
        a.print.triggered.connect(self.print_current)
        a.print_preview.triggered.connect(self.preview_current)
        a.show_file.triggered.connect(self.show_file)
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.formats.triggered.connect(self.show_formats)
        a.log_folder.triggered.connect(self.show_log_folder)
        a.about.triggered.connect(self.show_about)
        a.about_qt.triggered.connect(self.show_about_qt)
        a.compare.triggered.connect(self.compare_selected)
        a.compare_with.triggered.connect(self.compare_with)
        a.compare.setEnabled(False)
        window.library.selection_changed.connect(lambda n: a.compare.setEnabled(n == 2))
        window.tree.open_requested.connect(window.library.select_study)
        window.library.sort_changed.connect(self.remember_sort)
        window.tree.compare_requested.connect(self.compare_current_with)
        a.open.triggered.connect(self.open_files_dialog)
        a.open_folder.triggered.connect(self.open_folder_dialog)
        if window.appearance is not None:
            a.scheme[window.appearance.preference].setChecked(True)
            a.schemes.triggered.connect(lambda action: self.set_scheme(str(action.data())))
        else:
            a.schemes.setEnabled(False)

    def wire_recent(self) -> None:
        """Open Recent (built after the commands) opens what it names and forgets on request."""
        self.window.recent.path_chosen.connect(lambda path: self.window.open_paths([path]))
        self.window.recent.clear_requested.connect(self.clear_recent)

    @Slot()
    def open_files_dialog(self) -> None:
        from viewer.ui.dialogs import ask_files

        settings = self.window.settings
        if paths := ask_files(self.window, settings.last_dir):
            settings.last_dir = os.path.dirname(paths[0])
            self.window.open_paths(paths)

    @Slot()
    def open_folder_dialog(self) -> None:
        from viewer.ui.dialogs import ask_folder

        settings = self.window.settings
        if folder := ask_folder(self.window, settings.last_dir):
            settings.last_dir = folder
            self.window.open_paths([folder])

    @Slot()
    def clear_recent(self) -> None:
        self.window.settings.clear_recent()
        self.window.recent.set_paths([])

    def set_scheme(self, scheme: str) -> None:
        if self.window.appearance is not None:
            self.window.appearance.set_preference(scheme)
            self.window.settings.scheme = scheme

    @property
    def exporter(self) -> StudyExporter:
        """Export and print, set up on first use (not needed to show the window)."""
        if self._exporter is None:
            from viewer.ui.exporter import StudyExporter

            self._exporter = StudyExporter(self.window)
            self._exporter.last_dir = self.window.settings.last_dir
            self._exporter.exported.connect(self._on_exported)
            self._exporter.failed.connect(self._on_failed)
        return self._exporter

    def last_dir(self) -> str:
        return self._exporter.last_dir if self._exporter is not None else ""

    def _study(self) -> Study | None:
        return self.window.current_study()

    def export_current(self, fmt: str, path: str | None = None) -> None:
        if (study := self._study()) is not None:
            self.exporter.export(study, fmt, path)

    @Slot()
    def print_current(self) -> None:
        if (study := self._study()) is not None:
            self.exporter.print_study(study)

    @Slot()
    def preview_current(self) -> None:
        if (study := self._study()) is not None:
            self.exporter.preview_study(study)

    def open_comparison(self, a: Study, b: Study) -> None:
        """A compare window for `a` and `b`; activating a change shows it in this window's protocol tree."""
        from viewer.ui.compare_window import open_comparison

        compare = open_comparison(self.window, a, b)
        compare.show_in_tree.connect(self.show_in_tree)

    @Slot()
    def compare_selected(self) -> None:
        studies = self.window.library.selected_studies()
        if len(studies) == 2:
            self.open_comparison(studies[0], studies[1])

    @Slot()
    def compare_with(self) -> None:
        """Pick the other study from the library (the same trial in other registries and versions first)."""
        from viewer.ui.study_picker import pick_study

        study = self._study()
        if study is None:
            return
        others = [s for s in self.window.library_model.studies() if s is not study]
        other = pick_study(self.window, study, others)
        if other is not None:
            self.open_comparison(study, other)

    @Slot(int, bool)
    def remember_sort(self, column: int, descending: bool) -> None:
        self.window.settings.sort = (column, descending)
        actions = self.window.actions_.sort
        actions.get(column, actions[-1]).setChecked(True)

    @Slot(object)
    def compare_current_with(self, other: Study) -> None:
        if (study := self._study()) is not None:
            self.open_comparison(study, other)

    @Slot(object, object)
    def show_in_tree(self, study: Study, key: tuple[str | int, ...]) -> None:
        window = self.window
        window.library.select_study(study)
        window.tree.select_key(key)
        window.raise_()
        window.activateWindow()
        window.tree.setFocus()

    @Slot()
    def show_file(self) -> None:
        """The folder holding the study's file, in the system's file manager (a local folder, never a URL)."""
        from viewer.ui.session import origin_of

        if (study := self._study()) is not None:
            folder = os.path.dirname(origin_of(study.source.file))
            if os.path.isdir(folder):
                QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
            else:
                self.window.statusBar().showMessage(f"The folder is not there any more: {folder}", 8000)

    @Slot()
    def show_log_folder(self) -> None:
        from viewer.core.applog import log_path

        folder = log_path().parent
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot()
    def show_shortcuts(self) -> None:
        from viewer.ui.dialogs import show_shortcuts

        show_shortcuts(self.window, self.window.actions_.all_actions())

    @Slot()
    def show_formats(self) -> None:
        from viewer.ui.dialogs import show_formats

        show_formats(self.window)

    @Slot()
    def show_about(self) -> None:
        from viewer.ui.dialogs import show_about

        show_about(self.window)

    @Slot()
    def show_about_qt(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.aboutQt(self.window, "About Qt")

    @Slot(str)
    def _on_exported(self, path: str) -> None:
        self.window.statusBar().showMessage(f"Saved {path}", 6000)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.window.add_problems([("(export)", message)])
