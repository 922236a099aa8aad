"""The search pane: a field that searches as you type, filter chips, the result count, the hits, and the
indexing progress with Cancel. It shows what it is given and says what the user asks; no search runs here.

Keyboard: typing searches (debounced); Down or Enter moves into the results (Enter opens the first);
in the results the arrows move, Enter opens, Esc (or Up from the first hit) goes back to the field;
Esc in the field clears it, and a second Esc leaves the pane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from viewer.ui.search_chips import FilterChip
from viewer.ui.search_results import HIT_ROLE, HitDelegate, HitModel

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex

    from viewer.core.search import IndexProgress, SearchResult

DEBOUNCE_MS = 150
CHIPS = (("phase", "Phase"), ("status", "Status"), ("country", "Country"), ("registry", "Registry"))


class SearchPane(QWidget):
    query_changed = Signal(str, object)  # text, filters {key: [values]}: debounced
    more_wanted = Signal()  # the list was scrolled to its end and the result has more hits
    hit_activated = Signal(object)  # Hit
    cancel_indexing = Signal()
    left = Signal()  # Esc in an empty field: the user is done searching

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPane")
        self.field = QLineEdit(self)
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText("Search every indexed study")
        self.field.setAccessibleName("Search")
        self.field.setToolTip('Words, "phrases", prefix*, AND / OR / NOT, title: condition: site: phase: age:30 …')
        self.field.setClearButtonEnabled(True)
        self.chips = {key: FilterChip(key, title, self) for key, title in CHIPS}
        self.clear_chips = QToolButton(self)
        self.clear_chips.setText("Clear filters")
        self.clear_chips.setAutoRaise(True)
        self.clear_chips.setAccessibleName("Clear filters")
        self.clear_chips.hide()
        self.summary = QLabel("", self)
        self.summary.setObjectName("searchSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)  # our markup; suggested words escaped
        self.summary.setAccessibleName("Search result count")
        self.model = HitModel(self)
        self.results = QListView(self)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Indexing progress")
        self.progress.setMaximumHeight(self.fontMetrics().height())
        self.progress.setTextVisible(False)
        self.index_state = QLabel("", self)
        self.index_state.setObjectName("indexState")
        self.index_state.setWordWrap(True)
        self.index_state.setAccessibleName("Index")
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setAccessibleName("Cancel indexing")
        self.cancel_button.setToolTip("Stop indexing (what is indexed so far stays searchable)")

        chips = QHBoxLayout()
        chips.setContentsMargins(0, 0, 0, 0)
        chips.setSpacing(4)
        for chip in self.chips.values():
            chips.addWidget(chip)
        chips.addWidget(self.clear_chips)
        chips.addStretch(1)
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.index_state, 1)
        footer.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.field)
        layout.addLayout(chips)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.progress)
        layout.addLayout(footer)
        self.set_indexing(None)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit_query)
        self.field.textChanged.connect(self._timer.start)
        for chip in self.chips.values():
            chip.changed.connect(self._emit_query)
        self.clear_chips.clicked.connect(self._on_clear_chips)
        self.summary.linkActivated.connect(self._on_suggestion)
        self.results.activated.connect(self._on_activated)
        self.results.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.cancel_button.clicked.connect(self.cancel_indexing)
        self.field.installEventFilter(self)
        self.results.installEventFilter(self)
        self.setFocusProxy(self.field)
        self._total = 0
        self._asked = ""

    # What the user asks -----------------------------------------------------------------------
    def filters(self) -> dict[str, list[str]]:
        return {key: list(chip.chosen) for key, chip in self.chips.items() if chip.chosen}

    def focus_field(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    @Slot()
    def _emit_query(self) -> None:
        self._timer.stop()
        self.clear_chips.setVisible(bool(self.filters()))
        self._asked = self.field.text().strip()
        self.query_changed.emit(self._asked, self.filters())

    @Slot()
    def _on_clear_chips(self) -> None:
        for chip in self.chips.values():
            chip.clear()
        self._emit_query()

    @Slot(str)
    def _on_suggestion(self, word: str) -> None:
        self.field.setText(word)
        self._emit_query()

    @Slot(object)
    def _on_activated(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is not None:
            self.hit_activated.emit(hit)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        bar = self.results.verticalScrollBar()
        if value >= bar.maximum() - 2 and self.model.rowCount() < self._total:
            self.more_wanted.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.field:
                return self._field_key(key)
            if watched is self.results:
                return self._results_key(key)
        return super().eventFilter(watched, event)

    def _field_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._timer.isActive():
                self._emit_query()  # Enter answers now, not after the pause
            if self.model.rowCount():
                self.results.setFocus(Qt.FocusReason.OtherFocusReason)
                first = self.model.index(0, 0)
                self.results.setCurrentIndex(first)
                if key != Qt.Key.Key_Down:
                    self._on_activated(first)
            return True
        if key == Qt.Key.Key_Escape:
            if self.field.text():
                self.field.clear()
            else:
                self.left.emit()
            return True
        return False

    def _results_key(self, key: int) -> bool:
        if key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and self.results.currentIndex().row() <= 0):
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.results.currentIndex()
            if index.isValid():
                self._on_activated(index)
            return True
        return False

    # What the pane is told ----------------------------------------------------------------------
    def show_result(self, result: SearchResult, more: bool = False) -> None:
        """A page of hits: the first replaces the list, later ones (`more`) are appended."""
        if more:
            self.model.append_hits(result.hits)
            return
        self._total = result.total
        self.model.set_hits(result.hits)
        for key, chip in self.chips.items():
            chip.set_counts(result.facets.get(key, ()))
        self.summary.setText(self._summary_html(result))

    def _summary_html(self, result: SearchResult) -> str:
        import html

        if not result.query.strip() and not self.filters():
            return ""
        took = f"{result.took_ms:.0f} ms"
        plain = " <span class='note'>(read as plain words)</span>" if result.plain_words else ""
        if result.total:
            noun = "study" if result.total == 1 else "studies"
            return f"<b>{result.total:,}</b> {noun} · {took}{plain}"
        tried = html.escape(result.query)
        text = f"Nothing found for <b>{tried}</b>{plain}."
        if result.suggestions:
            links = ", ".join(f"<a href='{html.escape(s)}'>{html.escape(s)}</a>" for s in result.suggestions[:5])
            text += f" Did you mean {links}?"
        return text

    def set_index_size(self, studies: int) -> None:
        if not self.progress.isVisible():
            self.index_state.setText(
                f"{studies:,} {'study' if studies == 1 else 'studies'} indexed" if studies else "Nothing indexed yet"
            )

    def set_indexing(self, progress: IndexProgress | None) -> None:
        """Progress of the indexing job (None: no job running)."""
        running = progress is not None
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if progress is None:
            return
        total = progress.bytes_total or 0
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(progress.bytes_done / total, 1.0)))
        else:
            self.progress.setRange(0, 0)  # busy: no end known
        left = f" · {_duration(progress.eta_s)} left" if progress.eta_s else ""
        rate = f" · {progress.rate:,.0f} studies/s" if progress.rate else ""
        self.index_state.setText(f"Indexing: {progress.studies:,} studies{rate}{left}")
        self.index_state.setToolTip(progress.current)

    def set_status(self, text: str) -> None:
        self.index_state.setText(text)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else (
        f"{seconds // 60}:{seconds % 60:02d}"
    )  # fmt: skip
