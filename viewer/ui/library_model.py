"""The library: every open study as a row (id, title, registry, status), a thin model over a list."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from viewer.core.model import Study

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("ID", "Title", "Registry", "Status", "Updated", "File")
"""Updated and File tell apart several records of one trial (versions, copies)."""
STUDY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
FILTER_ROLE = Qt.ItemDataRole.UserRole + 3


def study_key(study: Study) -> tuple[str, int]:
    """One entry per document and record: reopening a file, or a copy of it, refreshes instead of doubling."""
    return (study.source.sha256, study.source.record)


class LibraryModel(QAbstractTableModel):
    """Open studies in the order they arrived; sorting and filtering belong to the proxy."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._studies: list[Study] = []
        self._rows: dict[tuple[str, int], int] = {}
        self._haystacks: dict[tuple[str, int], str] = {}
        self._links: dict[tuple[str, int], tuple[Study, ...]] | None = None  # built when first asked

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._studies)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._studies):
            return None
        study = self._studies[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            text = self._cell(study, index.column())
            return text.casefold() if role == SORT_ROLE else text
        if role == STUDY_ROLE:
            return study
        if role == FILTER_ROLE:
            return self._haystack(study)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Tool tips are rich text when they look like it: escape so a record cannot inject markup.
            import html

            lines = [study.title, study.summary.official_title or "", study.source.file]
            if also := self._also(study):
                lines.append(f"Also registered as {also}")
            return "<p>" + "<br>".join(html.escape(line) for line in lines if line) + "</p>"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = f"{COLUMNS[index.column()]}: {self._cell(study, index.column())}"
            also = self._also(study) if index.column() == 0 else ""
            return f"{text}, also registered as {also}" if also else text
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 and self._also(study):
            from viewer.ui.resources import icon  # the same trial is in the library under other ids: a badge

            return icon("link")
        return None

    def _haystack(self, study: Study) -> str:
        """What the filter searches: every field of core/fields.py and the row's cells, computed once."""
        key = study_key(study)
        text = self._haystacks.get(key)
        if text is None:
            from viewer.core.fields import haystack

            cells = " ".join(self._cell(study, c) for c in range(len(COLUMNS))).casefold()
            text = self._haystacks[key] = f"{haystack(study)}\n{cells}"
        return text

    @staticmethod
    def _cell(study: Study, column: int) -> str:
        if column == 0:
            return study.id
        if column == 1:
            return " ".join(study.title.split())
        if column == 2:
            return study.registry
        if column == 4:
            return study.summary.last_update_posted or ""
        if column == 5:
            return os.path.basename(study.source.file.replace("!", os.sep))
        from viewer.core.outline import humanize  # loaded with the first study, after the first paint

        return humanize(study.summary.overall_status) or study.summary.overall_status_raw or ""

    def _also(self, study: Study) -> str:
        from viewer.core.linking import also_registered_as

        return ", ".join(also_registered_as(study, self.linked(study)))

    def linked(self, study: Study) -> tuple[Study, ...]:
        """The same trial's records in the library (itself included), or () when it stands alone."""
        if self._links is None:
            from viewer.core.linking import link

            self._links = link(self._studies)
        return self._links.get(study_key(study), ())

    def study(self, row: int) -> Study:
        return self._studies[row]

    def studies(self) -> list[Study]:
        return list(self._studies)

    def row_of(self, study: Study) -> int:
        return self._rows.get(study_key(study), -1)

    def add_studies(self, studies: Iterable[Study]) -> int:
        """Append new studies; ones already open (same file and record) are refreshed in place.

        Returns how many were already open (so the window can say "already in the library").
        """
        fresh: dict[tuple[str, int], Study] = {}
        refreshed = 0
        for study in studies:
            row = self._rows.get(study_key(study))
            if row is None:
                fresh[study_key(study)] = study
                continue
            refreshed += 1
            self._studies[row] = study
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if fresh:
            first = len(self._studies)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for study in fresh.values():
                self._rows[study_key(study)] = len(self._studies)
                self._studies.append(study)
            self.endInsertRows()
            self._links = None
        return refreshed

    def insert_studies(self, rows: Iterable[tuple[int, Study]]) -> None:
        """Put studies back at the rows they had (undo of a removal); rows in ascending order."""
        for row, study in sorted(rows, key=lambda pair: pair[0]):
            if study_key(study) in self._rows:
                continue
            row = max(0, min(row, len(self._studies)))
            self.beginInsertRows(QModelIndex(), row, row)
            self._studies.insert(row, study)
            self.endInsertRows()
        self._rows = {study_key(s): i for i, s in enumerate(self._studies)}
        self._links = None

    def remove_rows(self, rows: Iterable[int]) -> list[Study]:
        """Remove the given rows (any order); returns the studies removed."""
        removed: list[Study] = []
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._studies):
                self.beginRemoveRows(QModelIndex(), row, row)
                removed.append(self._studies.pop(row))
                self.endRemoveRows()
        self._rows = {study_key(s): i for i, s in enumerate(self._studies)}
        self._links = None
        return removed

    def clear(self) -> None:
        self.beginResetModel()
        self._studies.clear()
        self._rows.clear()
        self._links = None
        self.endResetModel()
