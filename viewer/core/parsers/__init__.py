"""One module per input format; FORMATS lists them in detection order."""

from __future__ import annotations

from viewer.core.formats import Format
from viewer.core.parsers import ctgov_json, ctgov_text, ctgov_xml, jsonl, medpath_text

FORMATS: tuple[Format, ...] = (
    jsonl.FORMAT,
    ctgov_json.FORMAT,
    ctgov_xml.FORMAT,
    ctgov_text.FORMAT,
    medpath_text.FORMAT,
)
