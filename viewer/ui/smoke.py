"""`--smoke-test`: wait until everything is loaded, render every node of every study, report, exit."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication

from viewer.ui.main_window import MainWindow


class SmokeCheck(QObject):
    """Decides the exit code of a smoke run: 0 when every file opened and every node rendered."""

    def __init__(self, window: MainWindow, app: QApplication) -> None:
        super().__init__(window)
        self.window = window
        self.app = app
        self.result = 3  # still running when the event loop ended
        window.first_painted.connect(self._on_first_paint)
        window.loader.idle.connect(self.finish)

    @Slot()
    def _on_first_paint(self) -> None:
        if not self.window.loader.busy:
            self.finish()

    @Slot()
    def finish(self) -> None:
        from viewer.core.bundle import missing
        from viewer.core.outline import outline
        from viewer.core.render import node_html, study_html, study_markdown

        studies = self.window.library_model.studies()
        problems = self.window.problems.failures()
        problems += [("(installation)", f"bundled file missing: {name}") for name in missing()]
        from PySide6.QtGui import QImageReader

        if b"svg" not in QImageReader.supportedImageFormats():  # a build without Qt's SVG plugin: blank icons
            problems.append(("(installation)", "Qt cannot read SVG images: the icons cannot be drawn"))
        for study in studies:
            try:
                for node in outline(study).walk():
                    node_html(node)
                study_html(study)
                study_markdown(study)
            except Exception as exc:  # report every failure, whatever its kind
                problems.append((study.source.file, f"{study.id} does not render: {type(exc).__name__}: {exc}"))
        for file, reason in problems:
            print(f"smoke test: {file}: {reason}", file=sys.stderr)
        ok = bool(studies) and not problems
        print(f"smoke test: {len(studies)} studies, {len(problems)} problems: {'ok' if ok else 'FAILED'}")
        self.result = 0 if ok else 1
        self.window.close()
        self.app.quit()

    @Slot()
    def time_out(self) -> None:
        print("smoke test: timed out waiting for files to load", file=sys.stderr)
        self.result = 2
        self.window.loader.cancel()
        self.app.quit()
