"""Two studies compared by meaning: criterion with criterion, outcome with outcome, site with site.

`diff(a, b)` gives a `Comparison`; `viewer.core.diff.report` writes it as JSON or text, and
`viewer.core.diff.html_report` as blocks and a standalone HTML page. No Qt here.
"""

from viewer.core.diff.compare import diff, relation, version
from viewer.core.diff.model import KINDS, MARKERS, SECTIONS, Change, Comparison, Kind, Version, nearest_node
from viewer.core.diff.words import Words, word_ops

__all__ = [
    "KINDS", "MARKERS", "SECTIONS", "Change", "Comparison", "Kind", "Version", "Words", "diff", "nearest_node",
    "relation", "version", "word_ops",
]  # fmt: skip
