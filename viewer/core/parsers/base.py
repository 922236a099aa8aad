"""What every parser shares: the Format record and the study builder (no parser imports the registry)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.model import Study

Score = Callable[[str], int]
"""Rates the head of a file (its first few KiB of text, leading blanks dropped): 0 is "not mine", 100 certain."""
Parse = Callable[[Document], Iterator[Study]]
"""Yields the studies of a document, one at a time (a file may hold thousands); ParseError where it is wrong."""


@dataclass
class Record:
    """One study as its parser's plain field dict, before make_study bounds and validates it (a Format's
    `records` may leave the fields the search index does not read at their model defaults)."""

    format: str
    index: int
    fields: dict[str, Any]
    warnings: list[str]


Records = Callable[[Document], Iterator[Record]]
"""A parser's studies as Records (the dicts its `parse` gives make_study, or the part the index reads), for
the indexer, which reads them without building the model."""


@dataclass(frozen=True)
class Format:
    """One input format: how sure it is that a file is its own, and how to read it."""

    name: str
    label: str
    score: Score
    parse: Parse
    extensions: tuple[str, ...] = ()
    records: Records | None = None


def make_study(doc: Document, fmt: str, record: int, fields: dict[str, Any], warnings: Sequence[str] = ()) -> Study:
    """Validate a parser's plain dict into a Study, attaching provenance.

    Lists and texts past the document's policy are cut here (with a warning), whatever the parser did:
    memory stays bounded by the policy, not by what a file claims.
    """
    notes = bound(doc, fields, warnings)
    fields["source"] = {
        "file": doc.name,
        "format": fmt,
        "sha256": doc.sha256,
        "warnings": tuple(dict.fromkeys((*doc.warnings, *notes))),
        "record": record,
    }
    try:
        return Study.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ParseError(
            doc.name, f"record {record + 1} does not fit the study model ({where}: {first['msg']})"
        ) from None


def bound(doc: Document, fields: dict[str, Any], warnings: Sequence[str] = ()) -> list[str]:
    """Cut a parser's field dict to the document's policy in place; `warnings` plus what was cut."""
    notes = list(warnings)
    _bound(doc, fields, "", notes)
    return notes


def _bound(doc: Document, value: Any, where: str, warnings: list[str]) -> Any:
    """Cut over-long lists and texts in place (one pass over what the parser built; paths built only
    for what is cut, so the common case costs a type check per value)."""
    max_items, max_text = doc.policy.max_list_items, doc.policy.max_text_chars
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        container, path = stack.pop()
        if type(container) is dict:
            for key, item in container.items():
                kind = type(item)
                if kind is str:
                    if len(item) > max_text:
                        container[key] = doc.cut(item, ".".join((*path, key)), warnings)
                elif kind is list or kind is tuple:
                    if len(item) > max_items:
                        item = container[key] = doc.take(item, ".".join((*path, key)), warnings)
                    if not item:
                        continue
                    if type(item[0]) is str:  # a list of texts (conditions, keywords): cut each in place
                        if any(len(text) > max_text for text in item):
                            where_ = ".".join((*path, key))
                            container[key] = type(item)(doc.cut(text, where_, warnings) or "" for text in item)
                    else:
                        stack.append((item, (*path, key)))
                elif kind is dict:
                    stack.append((item, (*path, key)))
        else:  # a list or tuple of containers, already cut to length
            stack.extend((item, path) for item in container if type(item) in (dict, list, tuple))
    return value
