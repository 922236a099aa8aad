"""Search words marked in rendered text: the detail pane shows where a hit's words are.

Matching follows the search index's analyzer: words are runs of letters and digits, compared lowercased and
with accents folded (`Sjögren` matches `sjogren`); a term ending in `*` matches every word it begins. The
marks are `Run(mark="match")` in the block tree, so the writers escape the record's text as always and the
mark stays ours alone. Linear in the text: each word is looked up once, whatever the number of terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel

from viewer.core.blocks import Block, Facts, Heading, Inline, Item, ListBlock, Paragraph, Run, Section
from viewer.core.outline import Key, Kind, Node

if TYPE_CHECKING:
    from viewer.core.model import Study

_WORD = re.compile(r"[^\W_]+")
_PREFIX_MIN = 1  # `d*` is a prefix too; the index decides what it matches, we only mark it


# Letters that no Unicode decomposition takes apart but the index's ASCII folding does.
_LIGATURES = {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character as the index compares it: lowercased, accents and compatibility forms folded."""
    lower = char.lower()
    if lower in _LIGATURES:
        return _LIGATURES[lower]
    decomposed = unicodedata.normalize("NFKD", lower)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded or lower


def fold(text: str) -> str:
    """Lowercase and accent-folded text (`Sjögren's CAFÉ` -> `sjogren's cafe`)."""
    return "".join(map(fold_char, text))


@dataclass(frozen=True)
class Terms:
    """What to mark: whole words, and prefixes (from `word*`)."""

    words: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, terms: Iterable[str]) -> Terms:
        words: set[str] = set()
        prefixes: set[str] = set()
        for term in terms:
            prefix = term.endswith("*")
            for word in _WORD.findall(fold(term.rstrip("*"))):
                words.add(word)
            if prefix:
                parts = _WORD.findall(fold(term.rstrip("*")))
                if parts and len(parts[-1]) >= _PREFIX_MIN:
                    words.discard(parts[-1])
                    prefixes.add(parts[-1])
        return cls(frozenset(words), tuple(sorted(prefixes)))

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes)

    def hit(self, word: str) -> bool:
        return word in self.words or any(word.startswith(p) for p in self.prefixes)


def spans(text: str, terms: Terms) -> Iterator[tuple[int, int]]:
    """(start, end) of each marked word of `text`, in order."""
    if not terms or not text:
        return
    folded: list[str] = []
    origin: list[int] = []  # for each folded character, the index of the character it came from
    for i, char in enumerate(text):
        piece = fold_char(char) if not char.isascii() else char.lower()
        folded.append(piece)
        origin.extend([i] * len(piece))
    flat = "".join(folded)
    for match in _WORD.finditer(flat):
        if terms.hit(match.group()):
            yield origin[match.start()], origin[match.end() - 1] + 1


def mark_text(text: str, terms: Terms) -> Inline:
    """The text as runs, its matched words marked."""
    out: list[Run] = []
    at = 0
    for start, end in spans(text, terms):
        if start > at:
            out.append(Run(text[at:start]))
        out.append(Run(text[start:end], mark="match"))
        at = end
    if at < len(text):
        out.append(Run(text[at:]))
    return tuple(out)


def contains(text: str, terms: Terms) -> bool:
    return next(spans(text, terms), None) is not None


def _inline(inline: Inline, terms: Terms) -> Inline:
    out: list[Run] = []
    for run in inline:
        if run.mark is not None:
            out.append(run)
            continue
        out.extend(replace(part, strong=run.strong, em=run.em) for part in mark_text(run.text, terms))
    return tuple(out)


def _block(block: Block, terms: Terms) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(_inline(block.text, terms))
    if isinstance(block, Heading):
        return Heading(block.level, _inline(block.text, terms))
    if isinstance(block, Facts):
        return Facts(tuple((label, _inline(value, terms)) for label, value in block.rows))
    if isinstance(block, ListBlock):
        return ListBlock(tuple(_item(item, terms) for item in block.items), block.ordered)
    if isinstance(block, Section):
        return replace(block, title=_inline(block.title, terms), body=mark_blocks(block.body, terms))
    return block  # a Note is ours: never marked


def _item(item: Item, terms: Terms) -> Item:
    return replace(item, text=_inline(item.text, terms), children=mark_blocks(item.children, terms))


def mark_blocks(blocks: Sequence[Block], terms: Terms) -> tuple[Block, ...]:
    """The blocks with every matched word of the record's text marked (our own notes and labels are not)."""
    if not terms:
        return tuple(blocks)
    return tuple(_block(block, terms) for block in blocks)


# Where a search hit's words are in the protocol tree: the section each index field comes from.
FIELD_SECTIONS: dict[str, Key] = {
    "id": ("summary",), "title": ("summary",), "conditions": ("summary",), "sponsor": ("summary",),
    "summary": ("summary",), "interventions": ("arms",), "inclusion": ("eligibility", "inclusion"),
    "exclusion": ("eligibility", "exclusion"), "outcomes": ("outcomes",), "sites": ("sites",),
    "countries": ("sites",),
}  # fmt: skip
_LEAVES = frozenset({Kind.CRITERION, Kind.OUTCOME, Kind.SITE, Kind.ARM, Kind.INTERVENTION, Kind.DESCRIPTION})


def own_text(node: Node) -> str:
    """The record text a leaf node shows itself (not its children's): what a search word is looked for in."""
    data = node.ref
    if node.kind is Kind.DESCRIPTION:
        return str(getattr(data, "detailed_description", "") or "")
    if not isinstance(data, BaseModel):
        return node.label
    parts: list[str] = []
    for value in vars(data).values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, tuple):
            parts.extend(v for v in value if isinstance(v, str))
        elif isinstance(value, BaseModel):  # a site's contacts are other nodes; its own facts are strings
            continue
    return "\n".join(parts)


def fields_holding(study: Study, terms: Sequence[str], scopes: Sequence[str]) -> tuple[str, ...]:
    """The fields among `scopes` (in their order) whose text holds one of `terms`: a hit's matched fields when
    the search did not find them (the GUI's as-you-type search leaves that to the hit that is opened)."""
    from viewer.core.fields import study_text

    wanted = Terms.of(terms)
    if not wanted:
        return ()
    text = study_text(study)
    return tuple(name for name in scopes if contains(text.get(name, ""), wanted))


def hit_key(root: Node, fields: Sequence[str], terms: Sequence[str]) -> Key:
    """The tree key to show for a search hit: the first item (criterion, outcome, site, arm) of the first
    matched field's section whose own text holds a search word, else that section, else the summary."""
    wanted = Terms.of(terms)
    for field_name in (*fields, "summary"):
        key = FIELD_SECTIONS.get(field_name)
        section = root.find(key) if key is not None else None
        if section is None:
            continue
        summary = getattr(section.ref, "summary", None) if section.kind is Kind.SUMMARY else None
        if summary is not None and (field_name != "summary" or contains(summary.brief_summary or "", wanted)):
            return section.key  # titles, conditions, sponsor and the brief summary are on the summary page
        if wanted:
            for node in section.walk():
                if node.kind in _LEAVES and contains(own_text(node), wanted):
                    return node.key
        return section.key
    return ("summary",)
