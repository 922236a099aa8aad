"""Every command of the main window as a QAction with its shortcut, and the menus that hold them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar, QWidget

from viewer.ui.resources import icon

StandardKey = QKeySequence.StandardKey
# Some platforms (and the offscreen one) bind nothing to these standard keys; the usual ones then.
FALLBACK_KEYS = {
    StandardKey.Quit: "Ctrl+Q",
    StandardKey.Print: "Ctrl+P",
    StandardKey.Open: "Ctrl+O",
    StandardKey.Find: "Ctrl+F",
    StandardKey.ZoomIn: "Ctrl++",
    StandardKey.ZoomOut: "Ctrl+-",
}
SCHEME_LABELS = (("system", "Follow &System"), ("light", "&Light"), ("dark", "&Dark"))
SORT_LABELS = ((-1, "&Order Opened"), (0, "&ID"), (1, "&Title"), (2, "&Registry"), (3, "&Status"))


class WindowActions(QObject):
    """Owns the actions; the main window connects them. Nothing here knows what they do."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._icons: dict[QAction, str] = {}
        a = self._action
        self.open = a("&Open…", "open", StandardKey.Open, "Open study files")
        self.open_folder = a("Open &Folder…", "folder", "Ctrl+Shift+O", "Open every study file in a folder")
        self.export = {
            fmt: a(label, None, None, f"Export the selected study as {fmt.upper()}")
            for fmt, label in (("json", "&JSON…"), ("markdown", "&Markdown…"), ("html", "&HTML…"), ("pdf", "&PDF…"))
        }
        self.export["pdf"].setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export["pdf"].setIcon(icon("export"))
        self._icons[self.export["pdf"]] = "export"
        self.export["pdf"].setIconText("Export PDF")
        self.print = a("&Print…", "print", StandardKey.Print, "Print the selected study")
        self.quit = a("&Quit", None, StandardKey.Quit, "Quit Trial Protocol Viewer")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.remove = a("&Remove from Library", "remove", None, "Remove the selected studies from the library")
        self.filter = a("&Filter Library", "search", StandardKey.Find, "Type to filter the library")
        self.cancel_load = a("&Cancel Loading", "cancel", "Esc", "Stop opening files")
        self.cancel_load.setEnabled(False)
        self.zoom_in = a("Zoom &In", "zoom-in", StandardKey.ZoomIn, "Larger text")
        self.zoom_in.setShortcuts([QKeySequence(StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
        self.zoom_out = a("Zoom &Out", "zoom-out", StandardKey.ZoomOut, "Smaller text")
        self.zoom_reset = a("&Actual Size", None, "Ctrl+0", "Text at its normal size")
        self.go_library = a("Go to &Library", None, "Alt+1", "Move the keyboard focus to the library")
        self.go_tree = a("Go to &Protocol", None, "Alt+2", "Move the keyboard focus to the protocol tree")
        self.go_detail = a("Go to &Details", None, "Alt+3", "Move the keyboard focus to the details")
        self.problems = a("&Problems Panel", None, "Ctrl+Shift+M", "Show or hide the files that could not be opened")
        self.problems.setCheckable(True)
        self.about = a("&About Trial Protocol Viewer", None, None, "Version and licence")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.schemes = QActionGroup(self)
        self.scheme = {key: self._choice(self.schemes, label, key) for key, label in SCHEME_LABELS}
        self.sorts = QActionGroup(self)
        self.sort = {column: self._choice(self.sorts, label, column) for column, label in SORT_LABELS}
        self.sort[-1].setChecked(True)
        self.study_actions = [*self.export.values(), self.print]

    def _action(self, text: str, icon_name: str | None, shortcut: object, tip: str) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
            self._icons[action] = icon_name
        if isinstance(shortcut, StandardKey):
            keys = QKeySequence.keyBindings(shortcut) or [QKeySequence(FALLBACK_KEYS.get(shortcut, ""))]
            action.setShortcuts(keys)
        elif isinstance(shortcut, str) and shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        plain = text.replace("&", "").rstrip("…")
        native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{plain} ({native})" if native else plain)
        return action

    def _choice(self, group: QActionGroup, text: str, data: object) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setData(data)
        group.addAction(action)
        return action

    def refresh_icons(self) -> None:
        """Re-tint the icons after the colour scheme changed."""
        for action, name in self._icons.items():
            action.setIcon(icon(name))

    def build_menus(self, bar: QMenuBar, recent: QMenu) -> None:
        file = bar.addMenu("&File")
        file.addActions([self.open, self.open_folder])
        file.addMenu(recent)
        file.addSeparator()
        export = file.addMenu("&Export Study")
        export.addActions(list(self.export.values()))
        file.addAction(self.print)
        file.addSeparator()
        file.addAction(self.quit)

        library = bar.addMenu("&Library")
        library.addActions([self.filter, self.remove])
        sort = library.addMenu("&Sort By")
        sort.addActions(self.sorts.actions())
        library.addSeparator()
        library.addAction(self.cancel_load)

        view = bar.addMenu("&View")
        view.addActions([self.zoom_in, self.zoom_out, self.zoom_reset])
        view.addSeparator()
        appearance = view.addMenu("&Appearance")
        appearance.addActions(self.schemes.actions())
        view.addSeparator()
        view.addAction(self.problems)
        view.addSeparator()
        view.addActions([self.go_library, self.go_tree, self.go_detail])

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about)

    def build_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.open, self.open_folder])
        toolbar.addSeparator()
        toolbar.addActions([self.export["pdf"], self.print])
        toolbar.addSeparator()
        toolbar.addActions([self.zoom_out, self.zoom_in])
