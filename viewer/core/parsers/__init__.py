"""One module per input format; FORMATS lists them all (detection is by score, so order only lists them)."""

from __future__ import annotations

from viewer.core.parsers import (
    ctgov_archive_html,
    ctgov_json,
    ctgov_text,
    ctgov_v1_json,
    ctgov_xml,
    euctr_summary,
    euctr_text,
    ictrp_xml,
    jsonl,
    medpath_text,
    usdm_json,
)
from viewer.core.parsers.base import Format

FORMATS: tuple[Format, ...] = (
    jsonl.FORMAT,
    ctgov_json.FORMAT,
    ctgov_v1_json.FORMAT,
    ctgov_xml.FORMAT,
    ctgov_text.FORMAT,
    ctgov_archive_html.FORMAT,
    medpath_text.FORMAT,
    euctr_text.FORMAT,
    euctr_summary.FORMAT,
    ictrp_xml.FORMAT,
    usdm_json.FORMAT,
)
