"""Splitting eligibility text into inclusion and exclusion criterion trees.

Handles the shapes the registries produce: markdown bullets (API v2), hard-wrapped indented
text blocks (legacy XML), numbered lists, lead-in lines ending in ":" with their sub-items,
inline bullets run into one paragraph (MedPath, CTIS), and plain prose, which is split into one
item per sentence or semicolon clause with its wording kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from viewer.core.model import Criterion

_Item = dict[str, Any]
_CRITERIA: TypeAdapter[tuple[Criterion, ...]] = TypeAdapter(tuple[Criterion, ...])

# A heading: up to three words before the keyword ("Key", "Transplant", "Non-"), the keyword, then
# optionally "criteria", a short qualifier ("for Part A") and a colon with text after it.
_HEADER = re.compile(
    r"^(?P<prefix>(?:[\w()/&-]+\s+){0,3}?)"
    r"(?:criteria\s+(?:for\s+)?(?P<kind2>inclusion|exclusion|eligibility)|"
    r"(?P<non>non[-\s]?)?(?P<kind>inclusion|exclusion|eligibility)s?"
    r"(?:\s+and\s+(?:inclusion|exclusion))?(?P<criteria>\s+criteri(?:a|on|um))?)"
    r"(?P<qual>[^:]{0,60}?)\s*(?P<sep>:|\s[-–]\s|$)\s*(?P<after>.*)$",
    re.IGNORECASE,
)
_PLAIN_PREFIXES = {"", "key", "main", "major", "principal", "general", "additional", "specific", "study", "other"}
_EMPHASIS = re.compile(r"^[*_]{1,3}|[*_]{1,3}(?=:?\s*$)|(?<=:)[*_]{1,3}")
_MAX_DEPTH = 12
_MAY_HAVE_INLINE = re.compile(r"[•▪◦●]| [o*-] ")
_INLINE_NUMBER = re.compile(r"(?<=[.;,])\s+(\d{1,2})[.)]\s+(?=[A-Z(])")
_BULLET = re.compile(
    r"^(?P<m>[-–—+](?![\d.])|[*•·‣◦▪●○■□➢►✓]|o(?=\s)|\d{1,3}[.)](?!\d)|\(\d{1,3}\)|\(?[a-z][.)](?=\s)"
    r"|\(?(?:ii|iii|iv|vi|vii|viii|ix|xi|xii)[.)](?=\s))\s*(?P<text>\S.*)$",
    re.IGNORECASE,
)
_INLINE_MARKERS = ("•", "▪", "◦", "●", "o", "-", "*")
_ABBREVIATIONS = {
    "e.g", "i.e", "eg", "ie", "vs", "dr", "mr", "mrs", "ms", "prof", "approx", "etc", "no", "nos",
    "st", "fig", "al", "incl", "ca", "cf", "min", "max", "resp", "viz", "vol", "inc", "ltd", "co",
    "jr", "sr", "mg", "ml", "kg", "wk", "wks", "yrs", "yr", "hr", "hrs",
}  # fmt: skip


@dataclass
class _Node:
    first: str
    indent: int
    kind: str
    text_indent: int
    children: list[_Node] = field(default_factory=list)
    # Wrapped lines are collected and joined once: joining as they come is quadratic on long items.
    more: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join([self.first.rstrip(), *self.more]) if self.more else self.first

    @property
    def is_leadin(self) -> bool:
        return (self.more[-1] if self.more else self.first).rstrip().endswith(":")

    def freeze(self) -> _Item:
        # Plain dicts: the study's one validation builds the Criterion models (in Rust, faster).
        return {"text": self.text.strip(), "children": [c.freeze() for c in self.children]}


def _marker_kind(marker: str) -> str:
    if marker[0].isdigit() or (marker.startswith("(") and marker[1:2].isdigit()):
        return "number"
    if marker in {"-", "–", "—"}:
        return "dash"
    if marker.lower() == "o" or marker in {"◦", "○"}:
        return "circle"
    if marker.rstrip(".)").lstrip("(").isalpha():
        return "letter"
    return marker


class _Section:
    """Builds the item tree of one section (inclusion or exclusion) line by line."""

    def __init__(self) -> None:
        self.roots: list[_Node] = []
        self.stack: list[_Node] = []
        self.saw_bullets = False

    def add(self, node: _Node) -> None:
        while self.stack and not self._can_parent(self.stack[-1], node):
            self.stack.pop()
        if len(self.stack) >= _MAX_DEPTH:
            # Deeper than any real record nests: keep the text, as a sibling at the deepest level.
            del self.stack[_MAX_DEPTH - 1 :]
        (self.stack[-1].children if self.stack else self.roots).append(node)
        self.stack.append(node)

    @staticmethod
    def _can_parent(top: _Node, node: _Node) -> bool:
        if top.indent < node.indent:
            # One stray space before the next number of the same list is not nesting (" 15." after "14.").
            return not (top.kind == node.kind == "number" and node.indent - top.indent == 1)
        # A lead-in ("4. Biomarker profile:") keeps the other kind of items under it at its own indent ("- ...").
        return top.is_leadin and top.indent == node.indent and top.kind != node.kind and top.kind in ("para", "number")

    def continue_last(self, text: str) -> None:
        if self.stack:
            self.stack[-1].more.append(text.strip())

    def items(self) -> list[_Item]:
        roots = self.roots
        if not self.saw_bullets and len(roots) == 1 and not roots[0].children:
            return [{"text": t, "children": []} for t in split_prose(roots[0].text)]
        out: list[_Item] = []
        for node in roots:
            item = _inline_split(node.freeze())
            if not self.saw_bullets and not item["children"] and node.kind == "para":
                # Prose paragraphs with no bullets anywhere: one item per sentence.
                out.extend({"text": t, "children": []} for t in _sentences(item["text"]))
            else:
                out.extend(_split_inline_numbers(item))
        return out


def split_criteria(text: str | None) -> tuple[tuple[Criterion, ...], tuple[Criterion, ...]]:
    """Return (inclusion, exclusion) criterion trees for a block of eligibility text.

    Text before any heading, or with no heading at all, counts as inclusion: nothing is dropped.
    """
    inclusion, exclusion = _split(text)
    return _CRITERIA.validate_python(inclusion), _CRITERIA.validate_python(exclusion)


def _split(text: str | None) -> tuple[list[_Item], list[_Item]]:
    """`split_criteria` as plain dicts, for parsers that validate a whole study at once."""
    if not text or not text.strip():
        return [], []
    sections = {"inclusion": _Section(), "exclusion": _Section()}
    current = sections["inclusion"]
    previous_blank = True
    previous_line = ""
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n"):
        content = raw.strip()
        if not content:
            previous_blank = True
            continue
        indent = len(raw) - len(raw.lstrip())
        heading = _heading(content) if _may_be_header(previous_line, content, previous_blank) else None
        if heading:
            kind, label, after = heading
            if kind != "eligibility":
                current = sections[kind]
                current.stack.clear()
            if label:
                current.add(_Node(label, -1, "para", 0))
            if after:
                _add_line(current, after, indent + 1, previous_blank=True)
            previous_blank = False
            previous_line = raw
            continue
        bullet = _BULLET.match(content)
        joined = not previous_blank and not _looks_like_new_item(previous_line, content, bullet)
        _add_line(current, raw, indent, previous_blank=not joined, bullet=bullet)
        previous_blank = False
        previous_line = raw
    return sections["inclusion"].items(), sections["exclusion"].items()


def _heading(content: str) -> tuple[str, str | None, str] | None:
    """(section, label to keep or None, text after the colon) when `content` is a section heading.

    Bullets and markdown emphasis around a heading are ignored ("-  INCLUSION CRITERIA:",
    "**Exclusion Criteria:**"). A heading with words of its own ("Transplant Exclusion:",
    "Inclusion Criteria for Part A:") is kept as a lead-in over the items that follow, and must end
    in a colon: "Inclusion criterion 3 applies only to ..." is a sentence, not a heading.
    """
    lowered = content.lower()
    if "clusion" not in lowered and "eligib" not in lowered:
        return None  # the common case, decided without the patterns
    bullet = _BULLET.match(content)
    text = (bullet.group("text") if bullet else content).strip()
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub("", text).strip()
    match = _HEADER.match(text) if text[:1].isupper() else None
    if not match:
        return None
    kind = (match.group("kind") or match.group("kind2")).lower()
    if match.group("non"):
        kind = "exclusion" if kind == "inclusion" else kind
    prefix = match.group("prefix").strip().lower()
    qualifier = match.group("qual").strip(" -–")
    after = match.group("after").strip()
    colon = match.group("sep") == ":"
    plain = prefix in _PLAIN_PREFIXES and not qualifier
    if not plain and not (colon and not after and len(text) <= 80):
        return None
    if not colon and after:
        return None
    if plain and not colon and not (match.group("criteria") or match.group("kind2")) and after:
        return None
    if after and bullet:
        return None
    label = None if plain else text
    return kind, label, after


def _may_be_header(previous: str, content: str, previous_blank: bool) -> bool:
    """Headings do not continue a hard-wrapped line (and start with a capital: see `_heading`)."""
    return previous_blank or len(previous.rstrip()) < 55 or previous.rstrip()[-1:] in ".:;"


def _looks_like_new_item(previous: str, content: str, bullet: re.Match[str] | None) -> bool:
    """A line right after another starts a new item when the previous one cannot be a wrap."""
    if bullet:
        return True
    return len(previous.rstrip()) < 55 and bool(re.match(r"[A-Z0-9(\[]", content))


def _add_line(
    section: _Section, raw: str, indent: int, *, previous_blank: bool, bullet: re.Match[str] | None = None
) -> None:
    content = raw.strip()
    if bullet is None:
        bullet = _BULLET.match(content)
    if bullet:
        section.saw_bullets = True
        text = bullet.group("text")
        text_indent = indent + len(content) - len(text)
        section.add(_Node(text, indent, _marker_kind(bullet.group("m")), text_indent))
        return
    top = section.stack[-1] if section.stack else None
    if not previous_blank and top is not None:
        section.continue_last(content)
    elif top is not None and top.kind != "para" and indent >= top.text_indent:
        # An indented paragraph under a bullet is more of that bullet's text.
        section.continue_last(content)
    else:
        section.add(_Node(content, indent, "para", indent))


def _inline_split(item: _Item) -> _Item:
    """Split "lead-in: o a o b" or "x: • a • b" run into one line into a lead-in with children."""
    if item["children"]:
        return {"text": item["text"], "children": [_inline_split(c) for c in item["children"]]}
    text: str = item["text"]
    if not _MAY_HAVE_INLINE.search(text):
        return item
    markers = [m for m in _INLINE_MARKERS if _is_inline_marker(text, m)]
    if not markers:
        return item
    order = sorted(markers, key=lambda m: text.index(f" {m} "))
    pattern = re.compile(r"\s(" + "|".join(re.escape(m) for m in order) + r")\s+")
    pieces = pattern.split(text)
    head = pieces[0].strip()
    root = _Node(head, -1, "para", 0)
    stack: list[tuple[int, _Node]] = [(-1, root)]
    for marker, body in zip(pieces[1::2], pieces[2::2], strict=True):
        level = order.index(marker)
        while stack[-1][0] >= level:
            stack.pop()
        node = _Node(body.strip(), level, marker, 0)
        stack[-1][1].children.append(node)
        stack.append((level, node))
    if not head:
        return item
    return root.freeze()


def _split_inline_numbers(item: _Item) -> list[_Item]:
    """'Age < 40. 2. No benefits. 3. Gap ...' run into one item: split at the continuing numbers."""
    text: str = item["text"]
    if item["children"] or ". " not in text or not _INLINE_NUMBER.search(text):
        return [item]
    cuts: list[int] = []
    expected: int | None = None
    for match in _INLINE_NUMBER.finditer(text):
        number = int(match.group(1))
        if expected is None or number == expected:
            cuts.append(match.start())
            expected = number + 1
    if len(cuts) < 1 or (expected is not None and expected - 1 < 2):
        return [item]
    pieces: list[str] = []
    start = 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    texts = [re.sub(r"^\s*\d{1,2}[.)]\s+", "", p).strip() for p in pieces]
    return [{"text": t, "children": []} for t in texts if t]


def _is_inline_marker(text: str, marker: str) -> bool:
    token = f" {marker} "
    count = text.count(token)
    if marker in {"•", "▪", "◦", "●"}:
        return count >= 1 and len(text) > text.index(token) + 3
    return count >= 2 and f": {marker} " in text


def split_prose(text: str) -> list[str]:
    """Split one bullet-less paragraph into sentences, then semicolon clauses, keeping wording."""
    parts: list[str] = []
    for sentence in _sentences(text):
        clauses = [c.strip() for c in _split_depth0(sentence, ";")]
        parts.extend(c for c in clauses if c)
    return parts or [text.strip()]


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ".!?" and depth == 0 and i + 2 < len(text) and text[i + 1] == " ":
            nxt = text[i + 2]
            if not (nxt.isupper() or nxt in "(["):
                continue
            # The word before the full stop, found by scanning back (splitting the whole span is quadratic).
            word_start = max(text.rfind(" ", start, i), text.rfind("(", start, i), start - 1) + 1
            word = text[word_start:i].lower()
            if word in _ABBREVIATIONS or len(word) == 1 or re.fullmatch(r"[a-z](\.[a-z])+", word):
                continue
            out.append(text[start : i + 1].strip())
            start = i + 2
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _split_depth0(text: str, sep: str) -> list[str]:
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def eligibility_fields(
    minimum: str | None,
    maximum: str | None,
    sex: str | None,
    healthy_volunteers: object,
    criteria: str | None,
    study_population: str | None = None,
    *,
    markdown: bool = False,
) -> dict[str, object]:
    """The model's eligibility block from a registry's raw wording: the same rules for every format.

    `criteria` is kept as stated; with `markdown`, its backslash escapes are dropped before splitting.
    """
    from viewer.core import normalize as n

    inclusion, exclusion = _split(n.unescape_markdown(criteria) if markdown and criteria else criteria)
    return {
        "minimum_age_years": n.age_years(minimum),
        "maximum_age_years": n.age_years(maximum),
        "minimum_age_raw": minimum,
        "maximum_age_raw": maximum,
        "sex": n.sex(sex),
        "healthy_volunteers": n.yes_no(healthy_volunteers),
        "criteria_text": criteria,
        "inclusion": inclusion,
        "exclusion": exclusion,
        "study_population": study_population,
    }
