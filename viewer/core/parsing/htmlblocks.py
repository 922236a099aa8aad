"""HTML to plain blocks (headings, text, table rows of cells) with the stdlib parser, which runs and loads nothing.

Record pages and registry markup (`<br>`, `<p>`, `<li>`) become plain text with their structure kept as
line breaks: a `<br>` is a new line, a paragraph or block a blank line, a list item a "- " line (indented
by nesting). Scripts, styles and other non-text content are dropped; images, links and style sheets are
never followed. One pass, linear in the input; unclosed and stray tags are tolerated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLANKS = re.compile(r"[ \t\n\r\f]+")
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "select"})
_BLOCK = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "dl", "dt",
     "dd", "ul", "ol", "pre", "form", "fieldset", "address", "figure", "figcaption", "hr", "caption",
     "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot"}
)  # fmt: skip
_PARAGRAPH = frozenset({"p", "blockquote", "pre", "table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
_INDENT = "\x01"  # a list level, made two spaces once lines are trimmed (record text never holds it)
_ITEM_MARK = re.compile("\n\x01*- ")
_MAX_INDENT = 8  # list nesting shown; deeper lists (or unclosed ones) stay at this depth
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "area", "base", "col", "embed", "source"})


@dataclass(frozen=True)
class Cell:
    """One table cell: its plain text, whether it is a header cell, and how many columns it spans."""

    text: str
    header: bool = False
    colspan: int = 1


@dataclass(frozen=True)
class Block:
    """A heading (`level` 1-6), a run of text outside tables, or a table row (`cells`)."""

    kind: str  # "heading", "text" or "row"
    text: str = ""
    level: int = 0
    cells: tuple[Cell, ...] = ()


@dataclass
class _Buffer:
    pieces: list[str] = field(default_factory=list)

    def text(self) -> str:
        return tidy("".join(self.pieces))


@dataclass
class _OpenCell:
    buffer: _Buffer
    header: bool
    colspan: int


@dataclass
class _OpenRow:
    tables: int  # the table nesting depth the row belongs to
    cells: list[Cell] = field(default_factory=list)
    cell: _OpenCell | None = None


def tidy(text: str) -> str:
    """Structural breaks ("\\n") kept, blanks around them trimmed, runs of blank lines made one."""
    lines = [line.strip(" \xa0").replace(_INDENT, "  ") for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title_pieces: list[str] = []
        self.flow = _Buffer()
        self.rows: list[_OpenRow] = []
        self.tables = 0
        self.skip: list[str] = []
        self.in_title = False
        self.pre = 0
        self.lists = 0
        self.heading = 0

    # --- where text goes ---------------------------------------------------------------------------

    def _buffer(self) -> _Buffer:
        for row in reversed(self.rows):
            if row.cell is not None:
                return row.cell.buffer
            break
        return self.flow

    def _break(self, text: str) -> None:
        pieces = self._buffer().pieces
        if text.isspace() and pieces and _ITEM_MARK.fullmatch(pieces[-1]):
            return  # "<li><p>text": the paragraph starts the item's own line
        pieces.append(text)

    def _flush_flow(self, kind: str = "text", level: int = 0) -> None:
        text = self.flow.text()
        self.flow = _Buffer()
        if text:
            self.blocks.append(Block(kind, text, level))

    def _in_cell(self) -> bool:
        return bool(self.rows) and self.rows[-1].cell is not None

    # --- cells and rows ----------------------------------------------------------------------------

    def _close_cell(self) -> None:
        if self.rows and (cell := self.rows[-1].cell) is not None:
            self.rows[-1].cells.append(Cell(cell.buffer.text(), cell.header, cell.colspan))
            self.rows[-1].cell = None

    def _close_row(self) -> None:
        self._close_cell()
        row = self.rows.pop()
        if any(cell.text for cell in row.cells):
            self.blocks.append(Block("row", cells=tuple(row.cells)))

    def _open_row(self) -> None:
        while self.rows and self.rows[-1].tables >= self.tables:
            self._close_row()
        if not self.rows:
            self._flush_flow()
        self.rows.append(_OpenRow(self.tables))

    # --- the parser's callbacks --------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if tag == self.skip[-1] and tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in _SKIP:
            self.skip.append(tag)
            return
        if tag == "title":
            self.in_title = True
        elif tag == "br":
            self._break("\n")
        elif tag == "table":
            self.tables += 1
            self._break("\n\n")
        elif tag == "tr":
            self._open_row()
        elif tag in ("td", "th"):
            if not self.rows or self.rows[-1].tables < self.tables:
                self._open_row()  # a cell with no <tr>
            self._close_cell()
            span = dict(attrs).get("colspan") or "1"
            self.rows[-1].cell = _OpenCell(_Buffer(), tag == "th", int(span) if span.isdigit() and span else 1)
        elif tag == "li":
            self._break("\n" + _INDENT * min(max(self.lists - 1, 0), _MAX_INDENT) + "- ")
        elif tag in _HEADINGS and not self._in_cell():
            self._flush_flow()
            self.heading = _HEADINGS[tag]
        elif tag in _BLOCK and not (self.lists and tag in ("ul", "ol")):  # a nested list: its items break lines
            self._break("\n\n" if tag in _PARAGRAPH and not self.lists else "\n")
        if tag in ("ul", "ol"):
            self.lists += 1
        elif tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.handle_starttag(tag, attrs)
        # "<div/>" and the like open nothing: no end tag will come

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag == "title":
            self.in_title = False
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            if self.rows and self.rows[-1].tables == self.tables:
                self._close_row()
        elif tag == "table":
            if self.tables:
                while self.rows and self.rows[-1].tables >= self.tables:
                    self._close_row()
                self.tables -= 1
            self._break("\n\n")
        elif tag in _HEADINGS and self.heading and not self._in_cell():
            self._flush_flow("heading", self.heading)
            self.heading = 0
        elif tag in _BLOCK:
            self._break("\n\n" if tag in _PARAGRAPH and self.lists <= 1 else "\n")
        if tag in ("ul", "ol"):
            self.lists = max(self.lists - 1, 0)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title_pieces.append(data)
            return
        if _INDENT in data:
            data = data.replace(_INDENT, "")
        pieces = self._buffer().pieces
        if self.pre:
            pieces.append(data.replace("\r\n", "\n"))
            return
        data = _BLANKS.sub(" ", data)
        if data == " " and pieces and (pieces[-1].endswith("\n") or _ITEM_MARK.fullmatch(pieces[-1])):
            return  # source indentation at the start of a line
        pieces.append(data)

    def finish(self) -> None:
        self.close()
        while self.rows:
            self._close_row()
        self._flush_flow("heading" if self.heading else "text", self.heading)


@dataclass(frozen=True)
class Page:
    """A page as blocks, in document order, and its <title>."""

    title: str
    blocks: tuple[Block, ...]


def page(html: str) -> Page:
    """Parse an HTML document or fragment into blocks."""
    parser = _Parser()
    # The stdlib parser rescans to the end for every "<" that no ">" follows: quadratic on "<a <a <a ...".
    # Past the last ">" no tag can complete, so such "<" are text (written as "&lt;", decoded as "<").
    last = html.rfind(">")
    if "<" in html[last + 1 :]:
        html = html[: last + 1] + html[last + 1 :].replace("&", "&amp;").replace("<", "&lt;")
    parser.feed(html)
    parser.finish()
    return Page(" ".join("".join(parser.title_pieces).split()), tuple(parser.blocks))


def to_text(html: str) -> str:
    """An HTML fragment (registry markup: `<br>`, `<p>`, lists, XHTML) as plain text with its structure."""
    out: list[str] = []
    for block in page(html).blocks:
        if block.kind == "row":
            out.append(" | ".join(c.text for c in block.cells if c.text))
        else:
            out.append(block.text)
    return "\n\n".join(t for t in out if t)  # each block is tidy already (and keeps its list indents)
