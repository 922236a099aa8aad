"""A comparison as the CLI's JSON (a public contract) or as text for a terminal."""

from __future__ import annotations

import json
from typing import Any

from viewer.core.diff.model import KINDS, MARKERS, Change, Comparison, Version
from viewer.core.diff.words import Words
from viewer.core.terminal import printable

SECTION_TITLES = {
    "summary": "Summary",
    "eligibility": "Eligibility",
    "outcomes": "Outcomes",
    "sites": "Sites",
    "other": "Design, arms, contacts, references and other details",
}
KIND_WORDS = {"added": "Added", "removed": "Removed", "changed": "Changed", "moved": "Moved", "unchanged": "Unchanged"}
# ANSI: underline + blue for inserted words, strike-through + orange-ish yellow for deleted ones (a
# colour-blind-safe pair, as in the style sheets); the brackets of the plain form are dropped only then.
_ANSI = {"+": ("\x1b[4;34m", "\x1b[0m"), "-": ("\x1b[9;33m", "\x1b[0m")}
_PLAIN = {"+": ("{+", "+}"), "-": ("[-", "-]")}


def change_dict(change: Change) -> dict[str, Any]:
    return {"kind": change.kind, "path": change.path, "a": change.a, "b": change.b,
            "words": [[op, text] for op, text in change.words]}  # fmt: skip


def side_dict(version: Version) -> dict[str, Any]:
    return {"id": version.id, "file": version.file, "sha256": version.sha256}


def to_dict(comparison: Comparison) -> dict[str, Any]:
    return {
        "a": side_dict(comparison.version_a),
        "b": side_dict(comparison.version_b),
        "relation": comparison.relation,
        "sections": {name: [change_dict(c) for c in changes] for name, changes in comparison.sections},
        "counts": comparison.counts(),
    }


def to_json(comparison: Comparison) -> str:
    """The JSON of the CLI contract: keys in a fixed order, so the same inputs give the same bytes."""
    return json.dumps(to_dict(comparison), ensure_ascii=False, indent=2) + "\n"


def version_line(label: str, v: Version) -> str:
    dated = f", {v.date_label} {v.date}" if v.date else ""
    record = f" (record {v.record + 1})" if v.record else ""
    return printable(f"{label}: {v.id} — {v.title}\n   {v.file}{record}{dated}\n   sha256 {v.sha256}")


def heading(comparison: Comparison) -> str:
    if comparison.relation == "versions":
        return f"Two versions of {comparison.version_b.id}"
    return f"Comparison of {comparison.version_a.id} and {comparison.version_b.id}"


def counts_words(counts: dict[str, int]) -> str:
    parts = [f"{counts[k]} {k}" for k in KINDS if counts.get(k)]
    return ", ".join(parts) or "no differences"


def marked(words: Words, colour: bool) -> str:
    """Word edits inline: [-deleted-]{+inserted+} (wdiff's notation), or in colour where the terminal has it."""
    signs = _ANSI if colour else _PLAIN
    out = []
    for op, text in words:
        if op == "=":
            out.append(printable(text))
        else:
            start, end = signs[op]
            out.append(f"{start}{printable(text)}{end}")
    return "".join(out)


def to_text(comparison: Comparison, colour: bool = False) -> str:
    lines = [heading(comparison), version_line("A", comparison.version_a), version_line("B", comparison.version_b)]
    if comparison.same:
        lines.append("\nNo differences.")
    counts = comparison.counts()
    for name, changes in comparison.sections:
        if not changes:
            continue
        lines.append(f"\n== {SECTION_TITLES[name]} ({counts_words(counts[name])})")
        for change in changes:
            note = f"  ({change.note})" if change.note else ""
            lines.append(printable(f"{MARKERS[change.kind]} {KIND_WORDS[change.kind].lower()}: {change.path}{note}"))
            lines += _body(change, colour)
    return "\n".join(lines) + "\n"


def _indent(text: str | None, sign: str) -> list[str]:
    return [f"    {sign} {line}" for line in printable(text or "").split("\n")]


def _body(change: Change, colour: bool) -> list[str]:
    if change.kind == "changed":
        return [f"    {line}" for line in marked(change.words, colour).split("\n")]
    if change.kind == "added":
        return _indent(change.b, "+")
    if change.kind == "removed":
        return _indent(change.a, "-")
    return _indent(change.b, " ")
