"""The typed block tree every view renders from: headings, fact rows, lists, paragraphs of text runs.

Blocks are data (like markdown-it-py's tokens): built from a study by `viewer.core.render`, written as HTML
by `viewer.core.html_writer` (detail pane, exports, print) and as Markdown by `viewer.core.markdown_writer`
(the Markdown export only). A run's text is always record text, escaped by the writers; a run's mark
(inserted, deleted, matched) is ours alone, so a diff or a search hit can be shown without letting a
record inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Mark = Literal["ins", "del", "match"]


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text, possibly marked (diff: inserted/deleted; search: matched) and possibly emphasised."""

    text: str
    mark: Mark | None = None
    strong: bool = False
    em: bool = False


Inline = tuple[Run, ...]


def runs(*parts: str | Run | None) -> Inline:
    """Inline text from strings and runs (None and empty parts skipped)."""
    return tuple(p if isinstance(p, Run) else Run(p) for p in parts if p)


def plain(inline: Iterable[Run]) -> str:
    return "".join(r.text for r in inline)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: Inline


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: Inline


@dataclass(frozen=True, slots=True)
class Note:
    """A muted remark of ours ("Nothing recorded", "Inclusion criterion 1.2")."""

    text: str


@dataclass(frozen=True, slots=True)
class Facts:
    """Label / value rows ("Status: Recruiting"); labels are ours, values record text."""

    rows: tuple[tuple[str, Inline], ...]


@dataclass(frozen=True, slots=True)
class Item:
    """A list item: its text, and blocks under it (a nested list, more paragraphs)."""

    text: Inline
    children: tuple[Block, ...] = ()
    marker: str | None = None  # a gutter marker of ours ("+", "-", "~") where an item is a change


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[Item, ...]
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """A heading with its content, so writers and the print layout know what belongs together."""

    title: Inline
    level: int
    body: tuple[Block, ...] = field(default_factory=tuple)
    empty: bool = False  # nothing recorded: the pane says so, a printout leaves it out


Block = Heading | Paragraph | Note | Facts | ListBlock | Section

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦●o]|\d{1,3}[.)]|\(?[a-z][.)])\s+\S", re.IGNORECASE)


def prose(text: str | None) -> tuple[Block, ...]:
    """Record text as paragraphs: blank lines separate paragraphs, hard-wrapped lines are joined (reflowed),
    and lines that start with a bullet or number stay lines of their own. Linear in the text."""
    if not text:
        return ()
    out: list[Block] = []
    for para in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in para.split("\n") if line.strip()]
        if not lines:
            continue
        joined: list[list[str]] = []  # lines of the paragraph, each a list of the source lines it reflows
        for line in lines:
            if joined and not _BULLET.match(line) and not _ends_a_line(joined[-1][-1]):
                joined[-1].append(line)
            else:
                joined.append([line])
        out.append(Paragraph((Run("\n".join(" ".join(parts) for parts in joined)),)))
    return tuple(out)


def _ends_a_line(line: str) -> bool:
    """A short line ending in a colon introduces what follows on its own line ("Inclusion:")."""
    return line.endswith(":") and len(line) < 60
