"""The registry of input formats: content detection and dispatch to one parser per format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.model import Study


@dataclass(frozen=True)
class Format:
    """One input format: how to recognise it from content and how to parse it."""

    name: str
    label: str
    detect: Callable[[Document], bool]
    parse: Callable[[Document], list[Study]]
    extensions: tuple[str, ...] = ()


def make_study(doc: Document, fmt: str, record: int, fields: dict[str, Any], warnings: Sequence[str] = ()) -> Study:
    """Validate a parser's plain dict into a Study, attaching provenance."""
    fields["source"] = {
        "file": doc.name,
        "format": fmt,
        "sha256": doc.sha256,
        "warnings": (*doc.warnings, *warnings),
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


def all_formats() -> tuple[Format, ...]:
    """Every supported format, in detection order (most specific first)."""
    from viewer.core.parsers import FORMATS

    return FORMATS


def detect(doc: Document) -> Format:
    """The format of a document, judged from its content; ParseError when none fits."""
    for fmt in all_formats():
        if fmt.detect(doc):
            return fmt
    raise ParseError(doc.name, "not a trial record in any supported format (see `trialviewer formats`)")


def parse_document(doc: Document) -> list[Study]:
    """Detect and parse; every failure comes back as a ParseError naming the file."""
    fmt = detect(doc)
    try:
        studies = fmt.parse(doc)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(doc.name, f"{fmt.label}: structure nested too deeply") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ParseError(doc.name, f"{fmt.label}: unexpected content ({type(exc).__name__}: {exc})") from None
    if not studies:
        raise ParseError(doc.name, f"{fmt.label}: no study found in the file")
    return studies
