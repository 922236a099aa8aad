"""Blocks as HTML: for Qt's rich text (the detail pane, print, PDF) or for a browser (the HTML export).

Every run of record text is escaped here and nowhere else; the only markup is ours. Linear in the input:
parts are collected in one list and joined once.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Literal

from viewer.core.blocks import Block, Facts, Heading, Inline, ListBlock, Note, Paragraph, Section

Flavor = Literal["qt", "web"]
NOTHING_RECORDED = "Nothing recorded."
# Qt's rich text has no <ins>, <del> or <mark>: underline and strike-through carry the cue there (styled by
# class from the style sheet); a browser gets the semantic tags, which screen readers announce.
_MARKS = {
    "qt": {"ins": ("<u class=\"ins\">", "</u>"), "del": ("<s class=\"del\">", "</s>"),
           "match": ("<span class=\"match\">", "</span>")},
    "web": {"ins": ("<ins>", "</ins>"), "del": ("<del>", "</del>"), "match": ("<mark>", "</mark>")},
}  # fmt: skip


def to_html(blocks: Iterable[Block], flavor: Flavor = "qt") -> str:
    out: list[str] = []
    for block in blocks:
        _block(block, flavor, out)
    return "".join(out)


def inline_html(text: Inline, flavor: Flavor = "qt") -> str:
    out: list[str] = []
    _inline(text, flavor, out)
    return "".join(out)


def _inline(text: Inline, flavor: Flavor, out: list[str]) -> None:
    marks = _MARKS[flavor]
    for run in text:
        piece = escape(run.text, quote=False).replace("\n", "<br>")
        if run.em:
            piece = f"<em>{piece}</em>"
        if run.strong:
            piece = f"<strong>{piece}</strong>"
        if run.mark is not None:
            start, end = marks[run.mark]
            piece = f"{start}{piece}{end}"
        out.append(piece)


def _block(block: Block, flavor: Flavor, out: list[str]) -> None:
    if isinstance(block, Section):
        level = min(max(block.level, 1), 6)
        out.append(f"<h{level}>")
        _inline(block.title, flavor, out)
        out.append(f"</h{level}>\n")
        if block.empty and not block.body:
            out.append(f'<p class="none"><em>{NOTHING_RECORDED}</em></p>\n')
        for child in block.body:
            _block(child, flavor, out)
    elif isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        out.append(f"<h{level}>")
        _inline(block.text, flavor, out)
        out.append(f"</h{level}>\n")
    elif isinstance(block, Paragraph):
        out.append("<p>")
        _inline(block.text, flavor, out)
        out.append("</p>\n")
    elif isinstance(block, Note):
        out.append(f'<p class="note"><em>{escape(block.text, quote=False)}</em></p>\n')
    elif isinstance(block, Facts):
        # Lines of "Label: value", not a table: copied, printed or read aloud, each row reads as a sentence.
        out.append('<p class="facts">')
        for k, (label, value) in enumerate(block.rows):
            out.append(f"{'<br>' if k else ''}<strong>{escape(label, quote=False)}:</strong> ")
            _inline(value, flavor, out)
        out.append("</p>\n")
    elif isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        out.append(f"<{tag}>\n")
        for item in block.items:
            out.append("<li>")
            if item.marker:
                out.append(f'<span class="gutter">{escape(item.marker, quote=False)}</span> ')
            _inline(item.text, flavor, out)
            for child in item.children:
                _block(child, flavor, out)
            out.append("</li>\n")
        out.append(f"</{tag}>\n")
