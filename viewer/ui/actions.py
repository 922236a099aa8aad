"""Every command of the main window as a QAction with its shortcut, and the menus that hold them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar, QWidget

from viewer.ui.resources import icon

StandardKey = QKeySequence.StandardKey
# Some platforms (and the offscreen one) bind nothing to these standard keys; the usual ones then.
FALLBACK_KEYS = {StandardKey.Quit: "Ctrl+Q", StandardKey.Print: "Ctrl+P", StandardKey.Open: "Ctrl+O",
                 StandardKey.Find: "Ctrl+F", StandardKey.ZoomIn: "Ctrl++", StandardKey.ZoomOut: "Ctrl+-",
                 StandardKey.Undo: "Ctrl+Z", StandardKey.Redo: "Ctrl+Shift+Z", StandardKey.FindNext: "F3",
                 StandardKey.FindPrevious: "Shift+F3", StandardKey.HelpContents: "F1",
                 StandardKey.Delete: "Del"}  # fmt: skip
SCHEME_LABELS = (("system", "Follow &System"), ("light", "&Light"), ("dark", "&Dark"))
SORT_LABELS = ((-1, "&Order Opened"), (0, "&ID"), (1, "&Title"), (2, "&Registry"), (3, "&Status"), (4, "&Updated"))


def keys(shortcut: object) -> list[QKeySequence]:
    """The platform's keys for a standard key (or the usual ones where it has none), or the one given."""
    if isinstance(shortcut, StandardKey):
        return QKeySequence.keyBindings(shortcut) or [QKeySequence(FALLBACK_KEYS.get(shortcut, ""))]
    return [QKeySequence(shortcut)] if isinstance(shortcut, str) and shortcut else []


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
        self.print_preview = a("Print Pre&view…", None, "Ctrl+Shift+P", "See the printout before printing")
        self.quit = a("&Quit", None, StandardKey.Quit, "Quit Trial Protocol Viewer")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_details = a("&Find in Details…", "search", "Ctrl+Shift+F", "Find words in the section shown")
        self.find_next = a("Find &Next", None, StandardKey.FindNext, "The next place the words appear")
        self.find_previous = a("Find Pre&vious", None, StandardKey.FindPrevious, "The previous place")
        self.remove = a("&Remove from Library", "remove", StandardKey.Delete, "Remove the selected studies")
        # Shown in the menu; the key itself belongs to the library pane (Delete elsewhere deletes nothing).
        self.remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.filter = a("&Filter Library", None, "Ctrl+L", "Type to filter the library")
        self.search = a("&Search All Studies…", "search", "Ctrl+K", "Search every indexed study (full text)")
        self.search.setShortcuts([*keys("Ctrl+K"), *keys(StandardKey.Find)])
        self.search.setIconText("Search")
        _tool_tip(self.search)
        self.show_file = a("Show &File", "folder", None, "Show the selected study's file in the file manager")
        self.compare = a("&Compare", None, "Ctrl+D", "Compare the two selected studies, side by side")
        self.compare_with = a("Compare &With…", None, "Ctrl+Shift+D", "Compare the selected study with another")
        self.open_protocol = a("Open &Protocol", None, None, "Move to the selected study's protocol tree")
        self.cancel_load = a("&Cancel Loading", "cancel", "Esc", "Stop opening files")
        self.cancel_load.setEnabled(False)
        self.zoom_in = a("Zoom &In", "zoom-in", StandardKey.ZoomIn, "Larger text")
        self.zoom_in.setShortcuts([*keys(StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
        self.zoom_out = a("Zoom &Out", "zoom-out", StandardKey.ZoomOut, "Smaller text")
        self.zoom_reset = a("&Actual Size", None, "Ctrl+0", "Text at its normal size")
        self.reset_layout = a("&Reset Layout", None, None, "Put the panes back where they started")
        self.go_library = a("Go to &Library", None, "Alt+1", "Move the keyboard focus to the library")
        self.go_tree = a("Go to &Protocol", None, "Alt+2", "Move the keyboard focus to the protocol tree")
        self.go_detail = a("Go to &Details", None, "Alt+3", "Move the keyboard focus to the details")
        self.problems = a(
            "&Problems Panel", "problems", "Ctrl+Shift+M", "Show or hide the files that could not be opened"
        )
        self.problems.setCheckable(True)
        self.shortcuts = a("&Keyboard Shortcuts", None, StandardKey.HelpContents, "Every shortcut, in one list")
        self.formats = a("Supported &Formats", None, None, "The kinds of files the viewer opens")
        self.log_folder = a("Show &Log Folder", None, None, "Where the viewer writes what went wrong")
        self.about = a("&About Trial Protocol Viewer", None, None, "Version and licence")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt = a("About &Qt", None, None, "The Qt toolkit's version and licence")
        self.about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.schemes = QActionGroup(self)
        self.scheme = {key: self._choice(self.schemes, label, key) for key, label in SCHEME_LABELS}
        self.sorts = QActionGroup(self)
        self.sort = {column: self._choice(self.sorts, label, column) for column, label in SORT_LABELS}
        self.sort[-1].setChecked(True)
        self.study_actions = [*self.export.values(), self.print, self.print_preview, self.show_file, self.open_protocol,
                              self.compare_with]  # fmt: skip
        self.undo: QAction | None = None
        self.redo: QAction | None = None

    def _action(self, text: str, icon_name: str | None, shortcut: object, tip: str) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
            self._icons[action] = icon_name
        action.setShortcuts(keys(shortcut))
        action.setStatusTip(tip)
        _tool_tip(action)
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

    def all_actions(self) -> list[QAction]:
        """Every command with a shortcut, for Help > Keyboard Shortcuts."""
        found = [v for v in vars(self).values() if isinstance(v, QAction)] + list(self.export.values())
        return [a for a in dict.fromkeys(found) if not a.shortcut().isEmpty()]

    def build_menus(self, bar: QMenuBar, recent: QMenu, undo: QAction, redo: QAction) -> None:
        self.undo, self.redo = undo, redo
        undo.setShortcuts(keys(StandardKey.Undo))
        redo.setShortcuts(keys(StandardKey.Redo))
        for action in (undo, redo):
            _tool_tip(action)
        file = bar.addMenu("&File")
        file.addActions([self.open, self.open_folder])
        file.addMenu(recent)
        file.addSeparator()
        self.export_menu = file.addMenu("&Export Study")
        self.export_menu.addActions(list(self.export.values()))
        file.addActions([self.print_preview, self.print])
        file.addSeparator()
        file.addAction(self.quit)

        edit = bar.addMenu("&Edit")
        edit.addActions([undo, redo])
        edit.addSeparator()
        edit.addAction(self.search)
        edit.addSeparator()
        edit.addActions([self.find_details, self.find_next, self.find_previous])

        library = bar.addMenu("&Library")
        library.addActions([self.filter, self.open_protocol, self.compare, self.compare_with, self.show_file,
                            self.remove])  # fmt: skip
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
        view.addActions([self.problems, self.reset_layout])
        view.addSeparator()
        view.addActions([self.go_library, self.go_tree, self.go_detail])

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts, self.formats, self.log_folder])
        help_menu.addSeparator()
        help_menu.addActions([self.about, self.about_qt])

    def library_menu_actions(self) -> list[QAction | None]:
        """The library's context menu (after build_menus): what can be done with the selected studies."""
        return [self.open_protocol, self.compare, self.compare_with, None, self.export_menu.menuAction(),
                self.print_preview, self.show_file]  # fmt: skip

    def build_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.open, self.open_folder])
        toolbar.addSeparator()
        toolbar.addAction(self.search)
        toolbar.addSeparator()
        toolbar.addActions([self.export["pdf"], self.print])
        toolbar.addSeparator()
        toolbar.addActions([self.zoom_out, self.zoom_in])
        # Each button is named by its action's text for a screen reader; asking Qt for the button widgets here
        # would build PySide6's QToolButton wrapper (76 enum classes, ~50 ms) before the first paint.


def _tool_tip(action: QAction) -> None:
    plain = action.text().replace("&", "").rstrip("…")
    native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{plain} ({native})" if native else plain)
