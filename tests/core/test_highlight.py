"""Search words marked in rendered sections, and the tree node a hit opens at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT
from viewer.core.blocks import Paragraph, Run
from viewer.core.highlight import Terms, fold, hit_key, mark_blocks, mark_text, spans
from viewer.core.loader import read_file
from viewer.core.outline import Kind, outline
from viewer.core.render import node_html

SAMPLE = ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json"
LARGE = CORPUS / "B_ctgov_legacy_xml" / "aact__NCT02465060.xml"


def marked(text: str, *terms: str) -> list[str]:
    return [r.text for r in mark_text(text, Terms.of(terms)) if r.mark == "match"]


def test_case_and_accents_fold_as_the_index_does() -> None:
    assert fold("Sjögren's CAFÉ Ærø Straße") == "sjogren's cafe aero strasse"
    assert marked("Sjögren syndrome; SJOGREN; sjogren", "sjogren") == ["Sjögren", "SJOGREN", "sjogren"]
    assert marked("Le café, CAFÉ", "CAFE") == ["café", "CAFÉ"]


def test_whole_words_only_unless_a_prefix() -> None:
    assert marked("pregnant pregnancy pregnan", "pregnan") == ["pregnan"]
    assert marked("pregnant pregnancy non-pregnant", "pregnan*") == ["pregnant", "pregnancy", "pregnant"]
    assert marked("A phrase: informed consent given", '"informed consent"') == ["informed", "consent"]


def test_the_text_is_kept_whole_around_the_marks() -> None:
    text = "ﬁbrosis Ⅻ x-ray Straße naïve"
    runs = mark_text(text, Terms.of(["fibrosis", "naive", "strasse"]))
    assert "".join(r.text for r in runs) == text
    assert [r.text for r in runs if r.mark] == ["ﬁbrosis", "Straße", "naïve"]


def test_no_terms_marks_nothing_and_costs_nothing() -> None:
    block = Paragraph((Run("anything"),))
    assert mark_blocks([block], Terms.of([])) == (block,)
    assert list(spans("anything", Terms.of(["", "*", '""']))) == []


def test_record_markup_stays_text_and_our_mark_is_the_only_markup() -> None:
    study = read_file(SAMPLE)[0]
    root = outline(study)
    html = node_html(root.find(("summary",)), terms=("certolizumab",))
    assert '<span class="match">' in html
    evil = mark_text("<b>certolizumab</b> &amp;", Terms.of(["certolizumab"]))
    from viewer.core.html_writer import to_html

    out = to_html([Paragraph(evil)])
    assert "&lt;b&gt;" in out and '<span class="match">certolizumab</span>' in out and "&amp;amp;" in out


def test_a_megabyte_of_text_is_marked_in_one_pass() -> None:
    text = ("pregnancy test " * 70_000)[:1_000_000]
    runs = mark_text(text, Terms.of(["pregnan*"]))
    assert sum(1 for r in runs if r.mark) == text.count("pregnancy")
    assert "".join(r.text for r in runs) == text


@pytest.mark.parametrize(
    ("fields", "terms", "kind"),
    [
        (("inclusion",), ("sacroiliitis",), Kind.CRITERION),
        (("exclusion",), ("pregnan*",), Kind.CRITERION),
        (("title",), ("certolizumab",), Kind.SUMMARY),
        (("outcomes",), ("asas*",), Kind.OUTCOME),
    ],
)
def test_a_hit_opens_at_the_item_holding_its_words(fields: tuple[str, ...], terms: tuple[str, ...], kind: Kind) -> None:
    root = outline(read_file(SAMPLE)[0])
    node = root.find(hit_key(root, fields, terms))
    assert node is not None and node.kind is kind, node


def test_a_site_hit_opens_at_that_site_among_1218() -> None:
    study = read_file(LARGE)[0]
    city = next(s.city for s in study.sites if s.city)
    root = outline(study)
    node = root.find(hit_key(root, ("sites",), (fold(city).split()[0],)))
    assert node is not None and node.kind is Kind.SITE and city in (node.ref.city or "")


def test_a_field_the_study_lacks_falls_back_to_the_summary(tmp_path: Path) -> None:
    root = outline(read_file(SAMPLE)[0])
    assert hit_key(root, ("nonexistent",), ("x",)) == ("summary",)
    assert hit_key(root, ("sites",), ()) == ("sites",)
