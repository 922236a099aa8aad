"""Limits a study builder enforces, whatever the parser built: lists, texts, and texts inside lists."""

from __future__ import annotations

from viewer.core.document import Document
from viewer.core.parsers.base import make_study
from viewer.core.policy import Policy


def test_lists_texts_and_texts_in_lists_are_cut_with_warnings() -> None:
    doc = Document("big.json", b"{}", policy=Policy(max_list_items=3, max_text_chars=10))
    fields = {
        "id": "NCT00000001",
        "registry": "ClinicalTrials.gov",
        "summary": {"brief_title": "x" * 50, "conditions": ("short", "y" * 50), "keywords": ["k"] * 9},
        "sites": [{"facility": "f", "contacts": [{"name": "n" * 40}]} for _ in range(5)],
    }
    study = make_study(doc, "test", 0, fields)
    assert study.summary.brief_title == "x" * 10 and study.summary.conditions == ("short", "y" * 10)
    assert len(study.summary.keywords) == 3 and len(study.sites) == 3
    assert study.sites[0].contacts[0].name == "n" * 10
    warnings = "\n".join(study.source.warnings)
    for what in ("summary.brief_title", "summary.conditions", "summary.keywords", "sites", "sites.contacts.name"):
        assert f"{what}:" in warnings, what
