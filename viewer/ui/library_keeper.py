"""Keeps the library model and the library store in step: what loads is remembered at once, removals
can be undone (Edit > Undo), and a file missing this session stays in the library, marked missing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from viewer.ui.library_model import LibraryModel
from viewer.ui.session import is_bundled, origin_of

if TYPE_CHECKING:
    from viewer.core.library_store import LibraryStore
    from viewer.core.model import Study
    from viewer.ui.settings import Settings


class LibraryKeeper(QObject):
    """The one place that writes the store; the window only calls it."""

    problems_found = Signal(list)  # [("(library)", reason)]: a change that could not be kept, for the user

    def __init__(self, model: LibraryModel, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._settings = settings
        self.undo_stack = QUndoStack(self)
        self._hidden_keys: set[tuple[str, int]] | None = None
        self._told: set[str] = set()

    def unreported(self, problems: Iterable[str]) -> list[str]:
        """`problems` not yet told to the user (each is told once), now counted as told."""
        new = [p for p in dict.fromkeys(problems) if p not in self._told]
        self._told.update(new)
        return new

    def _tell(self) -> None:
        """After a write: what the store could not keep goes to the Problems panel at once, not at the next start."""
        if new := self.unreported(self.store.problems):
            self.problems_found.emit([("(library)", problem) for problem in new])

    @property
    def store(self) -> LibraryStore:
        return self._settings.library

    @property
    def _hidden(self) -> set[tuple[str, int]]:
        if self._hidden_keys is None:  # read when the first studies arrive, after the first paint
            self._hidden_keys = self.store.hidden()
        return self._hidden_keys

    @_hidden.setter
    def _hidden(self, value: set[tuple[str, int]]) -> None:
        self._hidden_keys = value

    def previous_files(self) -> tuple[list[str], list[str]]:
        """The files of earlier sessions to reopen, and those that are missing now (kept, marked missing)."""
        present: list[str] = []
        missing: list[str] = []
        for entry in self.store.entries():
            (present if os.path.exists(entry.path) else missing).append(entry.path)
        for path in missing:
            self.store.set_missing(path, True)
        return present, missing

    def admit(self, studies: Iterable[Study]) -> list[Study]:
        """Studies just loaded, less those the user removed earlier; their files are remembered now."""
        kept = [s for s in studies if (s.source.sha256, s.source.record) not in self._hidden]
        origins = [origin_of(s.source.file) for s in kept]
        self.store.add(o for o in dict.fromkeys(origins) if not is_bundled(o))
        self._tell()
        return kept

    def remove(self, studies: list[Study]) -> None:
        """Remove studies from the library, as one undoable step."""
        if studies:
            self.undo_stack.push(_Remove(self, studies))

    # used by the undo command ----------------------------------------------------------------------------
    def _take_out(self, studies: list[Study]) -> list[tuple[int, Study]]:
        rows = sorted((self.model.row_of(s), s) for s in studies if self.model.row_of(s) >= 0)
        self.model.remove_rows(row for row, _ in rows)
        remaining = {origin_of(s.source.file) for s in self.model.studies()}
        gone = {origin_of(s.source.file) for _, s in rows}
        self.store.remove(o for o in gone if o not in remaining)
        partial = [(s.source.sha256, s.source.record) for _, s in rows if origin_of(s.source.file) in remaining]
        self.store.hide(partial)
        self._hidden |= set(partial)
        self._tell()
        return rows

    def _put_back(self, rows: list[tuple[int, Study]]) -> None:
        self.model.insert_studies(rows)
        keys = [(s.source.sha256, s.source.record) for _, s in rows]
        self.store.unhide(keys)
        self._hidden -= set(keys)
        self.store.add(o for o in dict.fromkeys(origin_of(s.source.file) for _, s in rows) if not is_bundled(o))
        self._tell()


class _Remove(QUndoCommand):
    def __init__(self, keeper: LibraryKeeper, studies: list[Study]) -> None:
        n = len(studies)
        super().__init__(f"Remove {studies[0].id}" if n == 1 else f"Remove {n} Studies")
        self._keeper = keeper
        self._studies = studies
        self._rows: list[tuple[int, Study]] = []

    def redo(self) -> None:
        self._rows = self._keeper._take_out(self._studies)

    def undo(self) -> None:
        self._keeper._put_back(self._rows)
