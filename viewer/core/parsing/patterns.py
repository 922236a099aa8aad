"""Identifier and contact patterns every parser reads the same way."""

from __future__ import annotations

import re

NCT = re.compile(r"\bNCT\d{8}\b")
"""A ClinicalTrials.gov number anywhere in a text."""
NCT_ANYWHERE = re.compile(r"NCT\d{8}")
"""... also inside a file name ("aact__NCT00023673.xml")."""
EUDRACT = re.compile(r"\b(?:19|20)\d{2}-\d{6}-\d{2}\b")
"""An EudraCT number (EU Clinical Trials Register)."""
EU_CT = re.compile(r"\b20\d{2}-5\d{5}-\d{2}-\d{2}\b")
"""An EU CT number (CTIS)."""
EMAIL = re.compile(r"[^@\s<>()\[\],;:]+@[^@\s<>()\[\],;:]+\.[A-Za-z]{2,}")
"""An e-mail address inside a line of text."""
PHONE = re.compile(r"[+\d][\d\s().\-/]{4,}(?:\s*(?:ext\.?|extension|x)\s*\d+)?", re.IGNORECASE)
"""A line that is a telephone number (digits, spaces, dots, dashes, parentheses, an extension)."""


def is_phone(text: str) -> bool:
    """Whether a whole line (or table cell) is a telephone number."""
    return PHONE.fullmatch(text.strip()) is not None and sum(c.isdigit() for c in text) >= 5
