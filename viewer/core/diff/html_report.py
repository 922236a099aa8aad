"""A comparison as typed blocks, and from them the standalone HTML report (and the PDF's document body).

The report names both sources (file, id, version date, SHA-256) and when it was made; every change carries
its kind in words and a gutter sign, deleted words are struck through and inserted ones underlined, so a
black-and-white printout reads as well as the screen.
"""

from __future__ import annotations

import html
from datetime import datetime

from viewer.core.blocks import Block, Facts, Inline, Item, ListBlock, Note, Paragraph, Run, Section, runs
from viewer.core.diff.model import Change, Comparison, Version
from viewer.core.diff.report import KIND_WORDS, SECTION_TITLES, counts_words, heading
from viewer.core.diff.words import Words
from viewer.core.html_writer import Flavor, to_html

LEGEND = (
    "Signs: + added, - removed, ~ changed, > moved. Deleted words are struck through, inserted words underlined. "
    "A is the first study named, B the second."
)


def word_runs(words: Words) -> Inline:
    """Word edits as runs: deleted words marked "del", inserted "ins", kept words plain.

    A replacement gets a space between its two halves ("~~12~~ 16"), so a printout tells them apart.
    """
    out: list[Run] = []
    for k, (op, text) in enumerate(words):
        if op == "+" and k and words[k - 1][0] == "-" and not text[:1].isspace() and not words[k - 1][1][-1:].isspace():
            out.append(Run(" "))
        out.append(Run(text, None if op == "=" else "ins" if op == "+" else "del"))
    return tuple(out)


def _source_rows(label: str, v: Version) -> list[tuple[str, Inline]]:
    rows: list[tuple[str, Inline]] = [
        (f"{label}", runs(f"{v.id}: {v.title}")),
        (f"{label} file", runs(v.file + (f" (record {v.record + 1})" if v.record else ""))),
    ]
    if v.date:
        rows.append((f"{label} version date", runs(f"{v.date} ({v.date_label})")))
    rows.append((f"{label} SHA-256", runs(v.sha256)))
    return rows


def change_item(change: Change) -> Item:
    note = f" ({change.note})" if change.note else ""
    title = (Run(f"{KIND_WORDS[change.kind]}: ", strong=True), Run(change.path + note))
    if change.kind == "changed":
        body: tuple[Block, ...] = (Paragraph(word_runs(change.words)),)
    elif change.kind == "added":
        body = (Paragraph((Run(change.b or "", "ins"),)),)
    elif change.kind == "removed":
        body = (Paragraph((Run(change.a or "", "del"),)),)
    else:
        body = (Paragraph(runs(change.b)),)
    return Item(title, body, marker=change.marker)


def comparison_blocks(comparison: Comparison, made: datetime) -> list[Block]:
    counts = comparison.counts()
    facts = [
        *_source_rows("A", comparison.version_a),
        *_source_rows("B", comparison.version_b),
        ("Relation", runs("two versions of one trial" if comparison.relation == "versions" else "two trials")),
        ("Report made", runs(made.isoformat(timespec="seconds"))),
    ]
    body: list[Block] = [Facts(tuple(facts)), Note(LEGEND)]
    same: list[str] = []
    for name, changes in comparison.sections:
        if not changes:
            same.append(SECTION_TITLES[name])
            continue
        title = f"{SECTION_TITLES[name]} ({counts_words(counts[name])})"
        body.append(Section(runs(title), 2, (ListBlock(tuple(change_item(c) for c in changes)),)))
    if comparison.same:
        body.append(Paragraph(runs("The two studies are the same.")))
    elif same:
        body.append(Note(f"No differences in: {', '.join(same)}."))
    return [Section(runs(heading(comparison)), 1, tuple(body))]


def comparison_body_html(comparison: Comparison, made: datetime, flavor: Flavor = "qt") -> str:
    return to_html(comparison_blocks(comparison, made), flavor)


def comparison_html(comparison: Comparison, made: datetime) -> str:
    """A standalone, inert HTML page (the export style sheet embedded, nothing loaded)."""
    from viewer.core.render import html_document

    return html_document(html.escape(heading(comparison)), comparison_body_html(comparison, made, "web"))
