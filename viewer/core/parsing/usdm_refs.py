"""CDISC USDM text: `<usdm:ref>` and `<usdm:tag>` placeholders resolved, XHTML made plain text.

USDM texts are XHTML fragments that point into the study definition: `<usdm:ref klass="Quantity"
id="Quantity_12" attribute="value"></usdm:ref>` stands for that object's attribute, and a criterion's
`<usdm:tag name="min_age"/>` for the reference its syntax-template dictionary maps the tag to. What can be
resolved is substituted; the rest is dropped, leaving the sentence around it readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from viewer.core import normalize as n
from viewer.core.parsing.htmlblocks import to_text

# Bounded by the next angle bracket: a failed match never scans past it (linear on hostile text).
_REF = re.compile(r"<usdm:ref\b([^<>]*?)(?:/>|>[^<]*</usdm:ref\s*>)")
_TAG = re.compile(r"<usdm:tag\b([^<>]*?)(?:/>|>[^<]*</usdm:tag\s*>)")
_ATTR = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
_SPACES = re.compile(r"[ \t\xa0]{2,}")
_MARKUP = re.compile(r"<[A-Za-z/!]")
_PLACEHOLDER = re.compile(r"<usdm:(?:ref|tag)\b[^<>]*>(?:[^<]*</usdm:(?:ref|tag)\s*>)?")
_MAX_DEPTH = 3  # a referenced text may itself hold placeholders, this deep
_MIN_BUDGET = 1_000_000


class References:
    """Resolves USDM placeholders against one study definition (indexed by `id` on first use)."""

    def __init__(self, root: Any, dictionaries: Iterable[Any]) -> None:
        self.root = root
        self._index: dict[str, dict[str, Any]] | None = None
        self._budget = _MIN_BUDGET
        self.maps: dict[str, dict[str, str]] = {}
        for d in dictionaries:
            if not isinstance(d, dict):
                continue
            tags = {}
            for p in d.get("parameterMaps") or ():
                if isinstance(p, dict) and isinstance(p.get("tag"), str) and isinstance(p.get("reference"), str):
                    tags[p["tag"]] = p["reference"]
            self.maps[str(d.get("id"))] = tags

    @property
    def index(self) -> dict[str, dict[str, Any]]:
        if self._index is None:
            index: dict[str, dict[str, Any]] = {}
            stack: list[Any] = [self.root]
            while stack:  # iterative: a deep document cannot exhaust the call stack
                value = stack.pop()
                if isinstance(value, dict):
                    key = value.get("id")
                    if isinstance(key, str):
                        index.setdefault(key, value)
                    stack.extend(v for v in value.values() if isinstance(v, dict | list))
                elif isinstance(value, list):
                    stack.extend(v for v in value if isinstance(v, dict | list))
            self._index = index
        return self._index

    def plain(self, text: Any, dictionary: Any = None) -> str | None:
        """A USDM text as plain text: placeholders resolved, XHTML structure kept as lines and bullets."""
        if not isinstance(text, str) or not text.strip():
            return None
        if "<usdm:" in text:
            # What resolved values may add, in all: a placeholder pointing at a long text many times over
            # must not multiply the document.
            self._budget = max(_MIN_BUDGET, 2 * len(text))
            text = self._resolve(text, dictionary, _MAX_DEPTH)
        # USDM text is XHTML: source line breaks are blanks, structure comes from the markup.
        text = to_text(text) if _MARKUP.search(text) or "&" in text or "\n" in text else text
        lines = (_SPACES.sub(" ", line).replace("\xa0", " ").rstrip() for line in text.split("\n"))
        return n.clean_block("\n".join(lines))

    def _resolve(self, text: str, dictionary: Any, depth: int) -> str:
        text = _TAG.sub(lambda m: self._tag(m.group(1), dictionary, depth), text)
        return _REF.sub(lambda m: self._ref(m.group(1), depth), text)

    def _tag(self, attrs: str, dictionary: Any, depth: int) -> str:
        name = dict(_ATTR.findall(attrs)).get("name")
        if not name:
            return ""
        maps = [self.maps.get(str(dictionary), {})] if dictionary else []
        maps += list(self.maps.values())
        for tags in maps:
            if name in tags:
                found = _REF.search(tags[name])
                return self._ref(found.group(1), depth) if found else ""
        return ""

    def _ref(self, attrs: str, depth: int) -> str:
        """The referenced attribute as XHTML: a text that is markup itself (a criterion's) is kept as markup."""
        fields = dict(_ATTR.findall(attrs))
        target = self.index.get(fields.get("id", ""))
        if target is None:
            return ""
        value = target.get(fields.get("attribute") or "text")
        shown = _shown(value)
        if len(shown) > self._budget:
            return ""
        self._budget -= len(shown)
        if isinstance(value, str) and _MARKUP.search(value):
            return (
                self._resolve(shown, target.get("dictionaryId"), depth - 1)
                if depth > 0
                else _PLACEHOLDER.sub("", shown)
            )
        return _escape(shown)


def _shown(value: Any) -> str:
    """An attribute's value as words: 18.0 -> "18", a code -> its decode, a quantity -> "18 Year"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("decode"), str):
            return str(value["decode"])
        if "standardCode" in value:
            return _shown(value.get("standardCode"))
        if "value" in value:
            unit = _shown(value.get("unit")) if value.get("unit") else ""
            return " ".join(p for p in (_shown(value.get("value")), unit) if p)
        return ""
    if isinstance(value, list):
        return ", ".join(t for t in (_shown(v) for v in value[:100]) if t)
    return ""


def _escape(text: str) -> str:
    """A resolved value goes back into XHTML: its own markup characters are text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def decode(code: Any) -> str | None:
    """The decode of a USDM Code or AliasCode (its standard code)."""
    if not isinstance(code, dict):
        return None
    if isinstance(code.get("standardCode"), dict):
        code = code["standardCode"]
    value = code.get("decode")
    return n.clean(value) if isinstance(value, str) else None
