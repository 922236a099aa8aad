"""Blocks as Markdown, for the Markdown export: record text escaped so it reads literally in any renderer."""

from __future__ import annotations

import re
from collections.abc import Iterable

from viewer.core.blocks import Block, Facts, Heading, Inline, ListBlock, Note, Paragraph, Section

# One pass over the text (str.translate; a regex substitution per character is a hundred times slower):
# syntax characters behind a backslash; every ampersand as "&amp;" ("&#1" without a semicolon is a character
# reference too); table pipes and strike-through tildes as character references, since not every reader takes
# a backslash before them (Python-Markdown shows "\\|" as written) and a reference never counts as syntax.
_ESCAPES = str.maketrans({**{c: "\\" + c for c in "\\`*_[]"}, "&": "&amp;", "|": "&#124;", "~": "&#126;"})
# Every "<" not followed by a space: tags, comments, autolinks and e-mail autolinks ("<x@y>") all start so.
_TAG = re.compile(r"<(?!\s)")
_LINE_START = re.compile(r"^(#|>|[-+]|\d+(?=[.)])|=+\s*$)")
NOTHING_RECORDED = "*Nothing recorded.*"


def escape(text: str, line_start: bool = True) -> str:
    """One line of record text, safe inside Markdown: syntax and raw HTML come out literally.

    `line_start=False` is for text placed after other text on its line, where list, heading and quote
    markers mean nothing, so they are left without a backslash.
    """
    line = " ".join(text.split())
    line = _TAG.sub("&lt;", line.translate(_ESCAPES))
    match = _LINE_START.match(line) if line_start else None
    if match:
        lead = match.group(1)
        if lead[0].isdigit():
            line = f"{lead}\\{line[len(lead) :]}"
        elif lead[0] == "=":
            line = "&#61;" + line[1:]
        else:
            line = "\\" + line
    return line


def to_markdown(blocks: Iterable[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        _block(block, 0, out)
    return "\n\n".join(part for part in out if part) + "\n"


def _inline(text: Inline, line_start: bool = True) -> str:
    """Runs on one or more lines ("\\n" in a run is a line break)."""
    lines: list[list[str]] = [[]]
    for run in text:
        for k, piece in enumerate(run.text.split("\n")):
            if k:
                lines.append([])
            if not piece.strip():
                continue
            first = not lines[-1] and line_start
            body = escape(piece, line_start=first)
            if run.em:
                body = f"*{body}*"
            if run.strong:
                body = f"**{body}**"
            if run.mark == "ins":
                body = f"<ins>{body}</ins>"
            elif run.mark == "del":
                body = f"<del>{body}</del>"
            elif run.mark == "match":
                body = f"<mark>{body}</mark>"
            # Adjacent runs keep the space between them that the text had.
            lines[-1].append((" " if piece[:1].isspace() and lines[-1] else "") + body)
    return "  \n".join("".join(parts) for parts in lines if parts)


def _block(block: Block, depth: int, out: list[str]) -> None:
    if isinstance(block, Section):
        out.append(f"{'#' * min(max(block.level, 1), 6)} {_inline(block.title)}")
        if block.empty and not block.body:
            out.append(NOTHING_RECORDED)
        for child in block.body:
            _block(child, depth, out)
    elif isinstance(block, Heading):
        out.append(f"{'#' * min(max(block.level, 1), 6)} {_inline(block.text)}")
    elif isinstance(block, Paragraph):
        out.append(_inline(block.text))
    elif isinstance(block, Note):
        out.append(f"*{escape(block.text)}*")
    elif isinstance(block, Facts):
        out.append(
            "  \n".join(f"**{escape(label)}:** {_inline(value, line_start=False)}" for label, value in block.rows)
        )
    elif isinstance(block, ListBlock):
        out.append(_list(block, 0))


def _list(block: ListBlock, depth: int) -> str:
    pad = "    " * depth
    lines: list[str] = []
    for number, item in enumerate(block.items, 1):
        marker = f"{number}." if block.ordered else "-"
        gutter = f"{escape(item.marker)} " if item.marker else ""
        text = _inline(item.text).replace("  \n", "  \n" + pad + "    ")
        lines.append(f"{pad}{marker} {gutter}{text}")
        for child in item.children:
            if isinstance(child, ListBlock):
                lines.append(_list(child, depth + 1))
            else:
                nested: list[str] = []
                _block(child, depth + 1, nested)
                lines.extend(pad + "    " + part.replace("\n", "\n" + pad + "    ") for part in nested)
    return "\n".join(lines)
