"""The registry of input formats: detection by score, and dispatch to one parser per format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.model import Study
from viewer.core.parsers.base import Format, Record

T = TypeVar("T", Study, Study | Record)

UNKNOWN = "not a trial record in any format the viewer reads (see Help › Supported Formats, or `trialviewer formats`)"


def all_formats() -> tuple[Format, ...]:
    """Every supported format (the order matters only for listing them)."""
    from viewer.core.parsers import FORMATS

    return FORMATS


def scores(head: str) -> list[tuple[int, Format]]:
    """Every format's score for a file head, best first (for detection and for tests that forbid ties)."""
    rated = [(fmt.score(head), fmt) for fmt in all_formats()]
    return sorted((pair for pair in rated if pair[0] > 0), key=lambda pair: -pair[0])


def detect(doc: Document) -> Format:
    """The format of a document, judged from its head; the best score wins. ParseError when none fits."""
    rated = scores(doc.head)
    if not rated:
        raise ParseError(doc.name, UNKNOWN)
    return rated[0][1]


def iter_document(doc: Document) -> Iterator[Study]:
    """Detect and parse, one study at a time.

    A file that is wrong raises ParseError (possibly after some studies were yielded: the caller keeps
    those). Any other exception is a bug in the viewer and propagates: it is never dressed up as a bad file.
    """
    fmt = detect(doc)
    return _counted(doc, fmt, fmt.parse(doc))


def iter_records(doc: Document) -> Iterator[Study | Record]:
    """As iter_document, but a format that can (fmt.records) gives each study as the field dict its parser
    hands to make_study, unvalidated and unbounded: for a caller that reads fields without the model."""
    fmt = detect(doc)
    return _counted(doc, fmt, fmt.records(doc) if fmt.records is not None else fmt.parse(doc))


def _counted(doc: Document, fmt: Format, studies: Iterator[T]) -> Iterator[T]:
    count = 0
    try:
        for study in studies:
            count += 1
            if count > doc.policy.max_studies:
                raise ParseError(
                    doc.name, f"more than {doc.policy.max_studies:,} studies in one file; the rest are not read"
                )
            yield study
    except RecursionError:
        raise ParseError(doc.name, f"{fmt.label}: structure nested too deeply") from None
    if not count:
        raise ParseError(doc.name, f"{fmt.label}: no study found in the file")


def parse_document(doc: Document) -> list[Study]:
    """All the studies of a document; ParseError naming the file when it is wrong."""
    return list(iter_document(doc))
