"""The viewer's own JSON Lines export (one study per line), loaded back into identical studies."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import ValidationError

from viewer.core.document import Document
from viewer.core.model import STUDY_ADAPTER, Study
from viewer.core.parsers.base import Format

NAME = "trialviewer-jsonl"
# The start of `model_dump_json(indent=...)`: an id (at most 120 characters, some escaped) then secondary_ids.
_INDENTED = re.compile(r'\{\s*"id":\s*"(?:[^"\\\n]|\\.){1,720}",\s*"secondary_ids":\s*\[')


def score(head: str) -> int:
    """Our export starts every line with the study id, then its secondary ids (the model's field order).

    Ids are short (the model caps them), so `"secondary_ids"` is always in the head, however long the rest.
    """
    first = head.split("\n", 1)[0]
    if first.startswith('{"id":') and '"secondary_ids":' in first[:400]:
        return 95
    # One study exported with indentation (File > Export as JSON): the id, then the secondary ids, however
    # many of them push "registry" and "source" past the head; or an object with the model's top-level keys.
    if _INDENTED.match(head) or (
        head.startswith("{")
        and '"protocolSection"' not in head
        and all(f'"{key}":' in head for key in ("id", "registry", "source"))
    ):
        return 70
    return 0


def parse(doc: Document) -> Iterator[Study]:
    text = doc.text.lstrip("\ufeff \t\r\n")
    first = text.split("\n", 1)[0].rstrip()
    if not (first.startswith('{"id":') and first.endswith("}")):
        yield _with_decoding_warnings(doc, _validate(doc, text, 1))  # one study, pretty-printed
        return
    start = 0
    number = 0
    while start < len(text):  # line by line without splitting the whole text into a list first
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        number += 1
        line = text[start:end]
        start = end + 1
        if line.strip():
            yield _with_decoding_warnings(doc, _validate(doc, line, number))


def _with_decoding_warnings(doc: Document, study: Study) -> Study:
    """An export re-saved in another encoding loads with that noted; an untouched one loads identical."""
    if not doc.warnings:
        return study
    source = study.source.model_copy(update={"warnings": (*study.source.warnings, *doc.warnings)})
    return study.model_copy(update={"source": source})


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


FORMAT = Format(NAME, "Trial Protocol Viewer JSON Lines export", score, parse, (".jsonl", ".json"))
