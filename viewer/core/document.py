"""Raw input as the parsers see it: bytes, their hash, and text decoded once with care."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from viewer.core.errors import ParseError
from viewer.core.policy import INTERACTIVE, Policy

MAX_FILE_BYTES = INTERACTIVE.max_file_bytes
"""Larger files are refused with a message: memory stays bounded whatever is opened."""
HEAD_BYTES = 8192
"""How much of a file format detection reads."""
T = TypeVar("T")

LATIN1_GUESS = "not valid UTF-8; read as Windows-1252/Latin-1"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass
class Document:
    """One input file (or zip member): its name, bytes and what decoding had to say."""

    name: str
    data: bytes
    warnings: list[str] = field(default_factory=list)
    policy: Policy = INTERACTIVE

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def text(self) -> str:
        """The bytes as text: BOMs and UTF-16 honoured, Latin-1 fallback noted as a warning."""
        return decode(self.data, self.name, self.warnings)

    @cached_property
    def head(self) -> str:
        """The first few kilobytes of text after any leading blanks, for format detection.

        Only `HEAD_BYTES` are decoded (the whole text is decoded once a format is chosen), so detection
        costs the same for a 1 KiB file and a 200 MiB one. Raises ParseError for empty and binary data.
        """
        data = self.data
        if kind := known_kind(data):
            raise ParseError(self.name, kind)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:HEAD_BYTES]:
            return self.text[:HEAD_BYTES].lstrip("\ufeff \t\r\n")  # UTF-16/32: rare, decoded whole
        start = len(data) - len(data.lstrip())
        if start == len(data):
            raise ParseError(self.name, "the file is empty")
        chunk = data[start : start + HEAD_BYTES]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Cut inside a character at the end of the chunk is fine; anything else is the Latin-1 case.
            cut = exc.start >= len(chunk) - 3
            text = chunk[: exc.start].decode("utf-8") if cut else chunk.decode("cp1252", "replace")
        head = _refuse_binary(text, self.name).lstrip("\ufeff \t\r\n\f\v")
        if not head and not data[start + HEAD_BYTES :].strip():
            raise ParseError(self.name, "the file is empty")
        return head

    def json(self) -> Any:
        """The text as JSON. Lone surrogate escapes ("\\ud800") become U+FFFD, with a warning:
        they are valid JSON but no UTF-8 export could carry them."""
        try:
            data = json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise self.fail(f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
        except RecursionError:
            raise self.fail("JSON nested too deeply to read") from None
        text = self.text
        if ("\\ud" in text or "\\uD" in text) and _SURROGATE_ESCAPE.search(text):
            fixed = _replace_surrogates(data)
            if fixed != data:
                self.warnings.append("lone UTF-16 surrogate escapes replaced with U+FFFD")
            data = fixed
        return data

    def retract_encoding_guess(self) -> None:
        """For formats that declare their own encoding (XML): the Latin-1 guess does not apply."""
        self.warnings[:] = [w for w in self.warnings if w != LATIN1_GUESS]

    def fail(self, reason: str) -> ParseError:
        return ParseError(self.name, reason)

    def take(self, items: Sequence[T], what: str, warnings: list[str]) -> Sequence[T]:
        """`items` cut to the policy's list limit, with a warning naming what was cut."""
        limit = self.policy.max_list_items
        if len(items) <= limit:
            return items
        warnings.append(f"{what}: {len(items):,} listed; only the first {limit:,} are kept")
        return items[:limit]

    def cut(self, text: str | None, what: str, warnings: list[str]) -> str | None:
        """`text` cut to the policy's text limit, with a warning naming what was cut."""
        limit = self.policy.max_text_chars
        if text is None or len(text) <= limit:
            return text
        warnings.append(f"{what}: {len(text):,} characters; only the first {limit:,} are kept")
        return text[:limit]


# Files people keep beside trial records, recognised by their first bytes, so the reason says what the file
# is rather than "binary data".
_KNOWN_KINDS = (
    (b"%PDF", "a PDF document, not a trial record (the viewer reads registry records, not documents)"),
    (b"\x89PNG", "a PNG image, not a trial record"),
    (b"\xff\xd8\xff", "a JPEG image, not a trial record"),
    (b"GIF8", "a GIF image, not a trial record"),
    (b"\x1f\x8b", "a gzip-compressed file: unpack it first, then open what is inside"),
    (b"BZh", "a bzip2-compressed file: unpack it first, then open what is inside"),
    (b"\xfd7zXZ", "an xz-compressed file: unpack it first, then open what is inside"),
    (b"7z\xbc\xaf", "a 7-Zip archive, which the viewer does not read: unpack it, or make a .zip of it"),
    (b"Rar!", "a RAR archive, which the viewer does not read: unpack it, or make a .zip of it"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document, not a trial record"),
    (b"{\\rtf", "an RTF document, not a trial record"),
    (b"SQLite format 3", "an SQLite database, not a trial record"),
)


def known_kind(data: bytes) -> str | None:
    """What a non-record file is, from its first bytes (None when it is not one the viewer knows)."""
    return next((reason for magic, reason in _KNOWN_KINDS if data.startswith(magic)), None)


def decode(data: bytes, name: str, warnings: list[str]) -> str:
    """Decode record bytes; empty, binary and undecodable content raise ParseError."""
    text = _decode(data, name, warnings)
    if not text.strip(" \t\r\n\f\v\ufeff\x00"):
        raise ParseError(name, "the file is empty")
    return text


def _decode(data: bytes, name: str, warnings: list[str]) -> str:
    if not data.strip():
        raise ParseError(name, "the file is empty")
    if kind := known_kind(data):
        raise ParseError(name, kind)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(name, f"not valid {encoding.upper()} text ({exc.reason})") from None
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is a NUL.
        encoding = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(name, "binary data, not a trial record") from None
        warnings.append(f"read as {encoding.upper()} (no byte-order mark)")
        return _refuse_binary(text, name)
    if b"\x00" in sample:
        raise ParseError(name, "binary data, not a trial record")
    try:
        return _refuse_binary(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    warnings.append(LATIN1_GUESS)
    return _refuse_binary(text, name)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _refuse_binary(text: str, name: str) -> str:
    sample = text[:4096]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > max(8, len(sample) // 50):
        raise ParseError(name, "binary data, not a trial record")
    return text
