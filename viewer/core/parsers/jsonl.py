"""The viewer's own JSON Lines export (one study per line), loaded back into identical studies."""

from __future__ import annotations

from pydantic import ValidationError

from viewer.core.document import Document
from viewer.core.formats import Format
from viewer.core.model import STUDY_ADAPTER, Study

NAME = "trialviewer-jsonl"


def detect(doc: Document) -> bool:
    head = doc.head
    first = head.split("\n", 1)[0]
    if first.startswith('{"id":') and '"registry":' in first and '"source":' in first:
        return True
    # One study exported with indentation: a single object with the model's top-level keys.
    return (
        head.startswith("{")
        and '"protocolSection"' not in head
        and all(f'"{key}":' in head for key in ("id", "registry", "source"))
    )


def parse(doc: Document) -> list[Study]:
    text = doc.text.lstrip("\ufeff \t\r\n")
    first = text.split("\n", 1)[0].rstrip()
    if not (first.startswith('{"id":') and first.endswith("}")):
        return _with_decoding_warnings(doc, [_validate(doc, text, 1)])  # one study, pretty-printed
    studies: list[Study] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            studies.append(_validate(doc, line, number))
    return _with_decoding_warnings(doc, studies)


def _with_decoding_warnings(doc: Document, studies: list[Study]) -> list[Study]:
    """An export re-saved in another encoding loads with that noted; an untouched one loads identical."""
    if not doc.warnings:
        return studies
    return [
        s.model_copy(update={"source": s.source.model_copy(update={"warnings": (*s.source.warnings, *doc.warnings)})})
        for s in studies
    ]


def _validate(doc: Document, text: str, line: int) -> Study:
    try:
        return STUDY_ADAPTER.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise doc.fail(f"line {line} is not valid JSON ({first['msg']})") from None
        where = ".".join(str(p) for p in first["loc"]) or "study"
        raise doc.fail(f"line {line} is not a study in the export schema ({where}: {first['msg']})") from None


def dumps(studies: list[Study]) -> str:
    """Studies as JSON Lines: one compact JSON object per line, UTF-8, newline-terminated."""
    return "".join(study.model_dump_json() + "\n" for study in studies)


FORMAT = Format(NAME, "Trial Protocol Viewer JSON Lines export", detect, parse, (".jsonl", ".json"))
