"""HTML fragments inside record fields (ICTRP `<br>`, `<p>`, list tags) to plain text with their line structure.

Only a fixed set of formatting tags is markup here: registry text is full of bare "<" ("eGFR <45", "Hgb <LLN"),
and a general HTML parser would read "<LLN or Red blood cell count < LLN ..." as a tag and drop the words.
Everything else stays literal text; entities are decoded once. One linear pass; nothing is fetched.
"""

from __future__ import annotations

import html
import re

_BLOCK = {"br", "p", "div", "tr", "table", "tbody", "thead", "ul", "ol", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
_TAG = re.compile(
    r"<\s*(/?)\s*(br|p|div|li|ul|ol|tr|td|th|table|tbody|thead|hr|h[1-6]|b|i|u|em|strong|span|sup|sub|font|small)"
    r"\b[^<>]{0,200}>",
    re.IGNORECASE,
)
_BLANK_RUN = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
# Entities escaped twice ("&amp;lt;2 x ULN"): only complete references, so "R&D" or "&para" in prose stay as written.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")


def markup_text(raw: str | None) -> str | None:
    """Plain text of a field that may hold `<br>`-style markup: breaks become line ends, `<li>` a bullet.

    Carriage returns written next to a `<br>` ("\\r<br>", ICTRP's habit) make one line end, not two.
    Returns None for a field that is empty once the markup is gone.
    """
    if raw is None:
        return None
    text = raw.replace("\r\n", "\n")
    if "<" in text:
        text = re.sub(r"\r(?=\s*<\s*br)|(?<=>)\r", "", text, flags=re.IGNORECASE)
        text = _TAG.sub(_replace, text)
    text = text.replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")
    return text if text.strip() else None


def _replace(match: re.Match[str]) -> str:
    closing, tag = match.group(1), match.group(2).lower()
    if tag == "li":
        return "" if closing else "\n• "
    if tag in ("td", "th"):
        return " " if closing else ""
    return "\n" if tag in _BLOCK else ""
