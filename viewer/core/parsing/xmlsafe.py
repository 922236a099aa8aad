"""Safe XML parsing for every XML format: no entity expansion, no external references, bounded memory.

Entities can only be declared in a document type declaration. Where the bytes are in an encoding that
shows markup literally and hold no DOCTYPE at all, there is nothing to expand or fetch, so the standard
library's C parser reads them (several times faster); anything else goes through defusedxml, which
refuses entity declarations and external references. Nothing is ever fetched.
"""

from __future__ import annotations

import codecs
import io
import re
import xml.etree.ElementTree as StdET
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import defusedxml
import defusedxml.ElementTree as SafeET

from viewer.core.document import Document

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"']+)[\"']")
_DECLARATION_ENCODING = re.compile(r"^(<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']")
_TRUNCATED = ("no element found", "unclosed token", "unclosed CDATA section", "partial character")
_REFUSED = {
    defusedxml.EntitiesForbidden: "XML declares entities, which are refused for safety",
    defusedxml.ExternalReferenceForbidden: "XML refers to an external resource, which is refused for safety",
    defusedxml.DTDForbidden: "XML has a document type declaration, which is refused for safety",
}
_PLAIN_ENCODINGS = {
    b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1", b"latin1", b"windows-1252", b"cp1252",
}  # fmt: skip
STREAM_BYTES = 4 * 1024 * 1024
"""Files larger than this are read event by event, so repeated elements past the policy are never kept."""


def parse_xml(doc: Document, repeated: Mapping[str, str] | None = None, warnings: list[str] | None = None) -> Element:
    """The root element, parsed safely; every failure becomes a ParseError with a plain reason.

    `repeated` names children of the root that may repeat by the million in a hostile file (tag -> what
    they are, for the warning); past the policy's list limit they are dropped as they are read.
    """
    data = xml_bytes(doc)
    try:
        if repeated and len(data) > STREAM_BYTES:
            return _bounded(doc, data, repeated, warnings if warnings is not None else doc.warnings)
        if plain(data):
            return StdET.fromstring(data)
        return SafeET.fromstring(data, forbid_dtd=False)  # type: ignore[no-any-return]
    except defusedxml.DefusedXmlException as exc:
        reason = _REFUSED.get(type(exc), f"XML uses a construct refused for safety ({type(exc).__name__})")
        raise doc.fail(reason) from None
    except StdET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).rsplit(": line", 1)[0]
        hint = "; the file ends early (truncated?)" if reason.startswith(_TRUNCATED) else ""
        raise doc.fail(f"not well-formed XML ({reason} at line {line}, column {column + 1}){hint}") from None
    except (ValueError, LookupError) as exc:
        raise doc.fail(f"XML could not be read ({exc})") from None


def iter_records(doc: Document, tag: str) -> Iterator[Element]:
    """Each child of the root element named `tag` (namespace ignored), as soon as it is complete.

    For exports of thousands of records in one file (WHO ICTRP): one record is in memory at a time, as it
    is yielded; it is cleared once the caller asks for the next. Errors are ParseErrors, as in `parse_xml`.
    """
    data = xml_bytes(doc)
    source = io.BytesIO(data)
    try:
        if plain(data):
            events: Iterator[tuple[str, Element]] = StdET.iterparse(source, events=("start", "end"))
        else:
            events = SafeET.iterparse(source, events=("start", "end"), forbid_dtd=False)
        depth = 0
        root: Element | None = None
        for event, element in events:
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                continue
            depth -= 1
            if depth == 1 and root is not None:
                if local(element.tag) == tag:
                    yield element
                del root[-1]  # done with it, whatever it was
    except defusedxml.DefusedXmlException as exc:
        raise doc.fail(
            _REFUSED.get(type(exc), f"XML uses a construct refused for safety ({type(exc).__name__})")
        ) from None
    except StdET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).rsplit(": line", 1)[0]
        hint = "; the file ends early (truncated?)" if reason.startswith(_TRUNCATED) else ""
        raise doc.fail(f"not well-formed XML ({reason} at line {line}, column {column + 1}){hint}") from None
    except (ValueError, LookupError) as exc:
        raise doc.fail(f"XML could not be read ({exc})") from None


def root_tag(doc: Document) -> str:
    """The root element's tag (namespace dropped), read from the first few KiB without parsing the rest."""
    head = doc.head
    match = re.search(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s>/]", re.sub(r"<[?!][^>]*>", "", head))
    return match.group(2) if match else ""


def _bounded(doc: Document, data: bytes, repeated: Mapping[str, str], warnings: list[str]) -> Element:
    limit = doc.policy.max_list_items
    counts = dict.fromkeys(repeated, 0)
    events: Iterator[tuple[str, Element]]
    source = io.BytesIO(data)
    if plain(data):
        events = StdET.iterparse(source, events=("start", "end"))
    else:
        events = SafeET.iterparse(source, events=("start", "end"), forbid_dtd=False)
    depth = 0
    root: Element | None = None
    for event, element in events:
        if event == "start":
            depth += 1
            if root is None:
                root = element
            continue
        depth -= 1
        if depth == 1 and element.tag in counts and root is not None:
            counts[element.tag] += 1
            if counts[element.tag] > limit:
                del root[-1]  # the element just closed is the root's last child: O(1)
    assert root is not None  # iterparse raises on a document without a root element
    for tag, count in counts.items():
        if count > limit:
            warnings.append(f"{repeated[tag]}: {count:,} listed; only the first {limit:,} are kept")
    return root


def xml_bytes(doc: Document) -> bytes:
    """The bytes for expat: as stored when it can honour them, else the text the Document decoded."""
    data = doc.data.lstrip(b" \t\r\n")  # a declaration after blank lines is an XML error; tolerate it
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower().replace(b"-", b"") not in (b"utf8", b"utf16", b"utf32"):
        # Expat honours a declared single-byte encoding, so a Windows-1252 guess made while decoding
        # does not describe this file.
        doc.retract_encoding_guess()
        return data
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in data[:4096]:
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            pass
    # A byte-order mark, UTF-16 without one, or bytes that are not the UTF-8 they claim (re-saved in
    # Windows): the Document decoder has read them and noted any guess, so parse its text instead.
    return _DECLARATION_ENCODING.sub(r"\1", doc.text.lstrip(" \t\r\n")).encode("utf-8")


def plain(data: bytes) -> bool:
    """No DOCTYPE (so no entity can be declared) in bytes whose markup is plain ASCII."""
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower() not in _PLAIN_ENCODINGS:
        return False
    return b"<!DOCTYPE" not in data and b"<!ENTITY" not in data and not data.startswith((b"\xfe\xff", b"\xff\xfe"))


def local(tag: str) -> str:
    """A tag without its namespace: "{http://...}trial" -> "trial"."""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag
