"""Streaming reads of one JSON array inside a large document: its items decoded one at a time.

A page of 100 full studies is a few MB of text but many times that as Python objects; decoding the
array item by item keeps one study's objects alive at a time. The rest of the document is still read
(and checked) as JSON, so a broken file fails as it would with `json.loads`, only possibly later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from viewer.core.document import Document

_DECODER = json.JSONDecoder()
_BLANK = re.compile(r"[ \t\n\r]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATES_REPLACED = "lone UTF-16 surrogate escapes replaced with U+FFFD"


class _Reader:
    """A cursor over the document text that decodes one JSON value at a time."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.pos = 0
        self.fix_surrogates = ("\\ud" in self.text or "\\uD" in self.text) and bool(_SURROGATE_ESCAPE.search(self.text))

    def blank(self) -> str:
        """Skip blanks; the next character ("" at the end)."""
        self.pos = _BLANK.match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.blank() != char:
            found = self.text[self.pos : self.pos + 1]
            raise self._fail(f"expected '{char}'" + (f", found '{found}'" if found else ", found the end of the file"))
        self.pos += 1

    def value(self) -> Any:
        self.blank()
        try:
            value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as exc:
            raise self._fail(exc.msg, exc.pos) from None
        except RecursionError:
            raise self.doc.fail("JSON nested too deeply to read") from None
        if self.fix_surrogates:
            fixed = _replace_surrogates(value)
            if fixed != value and SURROGATES_REPLACED not in self.doc.warnings:
                self.doc.warnings.append(SURROGATES_REPLACED)
            value = fixed
        return value

    def key(self) -> str:
        if self.blank() != '"':
            raise self._fail("expected a member name in double quotes")
        key = self.value()
        self.expect(":")
        return str(key)

    def _fail(self, msg: str, pos: int | None = None) -> Exception:
        at = self.pos if pos is None else pos
        line = self.text.count("\n", 0, at) + 1
        column = at - (self.text.rfind("\n", 0, at) + 1) + 1
        return self.doc.fail(f"not valid JSON ({msg} at line {line}, column {column})")


def iter_array(doc: Document, path: tuple[str, ...]) -> Iterator[Any] | None:
    """The items of the array at `path` (member names from the top object down), decoded one at a time.

    None when the document is not an object holding that path (the caller then reads it whole with
    `doc.json()`). Invalid JSON raises ParseError, possibly after some items were yielded.
    """
    reader = _Reader(doc)
    if not path or reader.blank() != "{" or not _seek(reader, path):
        return None
    return _items(reader, len(path))


def _seek(reader: _Reader, path: tuple[str, ...]) -> bool:
    """Move to the '[' of the array at `path` (True), or find it is not there (False, from a fresh reader)."""
    probe = _Reader(reader.doc)
    for depth, name in enumerate(path):
        if probe.blank() != "{":
            return False
        probe.pos += 1
        while True:
            if probe.blank() == "}":
                return False
            key = probe.key()
            last = depth == len(path) - 1
            if key == name and probe.blank() == ("[" if last else "{"):
                break
            probe.value()
            if probe.blank() == ",":
                probe.pos += 1
                continue
            return False
    reader.pos = probe.pos
    return True


def _items(reader: _Reader, depth: int) -> Iterator[Any]:
    reader.expect("[")
    if reader.blank() == "]":
        reader.pos += 1
    else:
        while True:
            yield reader.value()
            if reader.blank() == ",":
                reader.pos += 1
                continue
            reader.expect("]")
            break
    # The rest of each enclosing object, read and checked but not kept.
    for _ in range(depth):
        while reader.blank() == ",":
            reader.pos += 1
            reader.key()
            reader.value()
        reader.expect("}")
    if reader.blank():
        raise reader._fail("extra data after the end of the JSON document")


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value
