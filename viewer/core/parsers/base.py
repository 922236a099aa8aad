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


@dataclass(frozen=True)
class Format:
    """One input format: how sure it is that a file is its own, and how to read it."""

    name: str
    label: str
    score: Score
    parse: Parse
    extensions: tuple[str, ...] = ()


def make_study(doc: Document, fmt: str, record: int, fields: dict[str, Any], warnings: Sequence[str] = ()) -> Study:
    """Validate a parser's plain dict into a Study, attaching provenance.

    Lists and texts past the document's policy are cut here (with a warning), whatever the parser did:
    memory stays bounded by the policy, not by what a file claims.
    """
    notes = list(warnings)
    _bound(doc, fields, "", notes)
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


def _bound(doc: Document, value: Any, where: str, warnings: list[str]) -> Any:
    """Cut over-long lists and texts in place, recursively (one pass over what the parser built)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if len(item) > doc.policy.max_text_chars:
                    value[key] = doc.cut(item, f"{where}{key}", warnings)
            elif isinstance(item, list | tuple | dict):
                value[key] = _bound(doc, item, f"{where}{key}.", warnings)
        return value
    if isinstance(value, list | tuple):
        if len(value) > doc.policy.max_list_items:
            value = doc.take(value, where.rstrip("."), warnings)
        if value and isinstance(value[0], dict | list | tuple):
            for item in value:
                _bound(doc, item, where, warnings)
        elif value and isinstance(value[0], str) and any(len(v) > doc.policy.max_text_chars for v in value):
            value = type(value)(doc.cut(v, where.rstrip("."), warnings) or "" for v in value)
    return value
