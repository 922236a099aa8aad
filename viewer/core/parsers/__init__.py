"""One module per input format; FORMATS lists them in detection order."""

from __future__ import annotations

from viewer.core.formats import Format
from viewer.core.parsers import ctgov_json

FORMATS: tuple[Format, ...] = (ctgov_json.FORMAT,)
