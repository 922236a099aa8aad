"""ClinicalTrials.gov archive pages saved as HTML: golden values read off the pages, the legacy XML of the
same trials, the HTML-to-blocks helper, hostile markup and mutations."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS
from tests.core.test_properties import MUTATION_PROFILE, MUTATIONS, PROFILE, check_outcome
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.formats import detect
from viewer.core.loader import parse_bytes, read_file
from viewer.core.model import Study
from viewer.core.parsers import ctgov_archive_html
from viewer.core.parsing.htmlblocks import page, to_text

PAGES = CORPUS / "C_ctgov_archive_page_html"
LEGACY = CORPUS / "B_ctgov_legacy_xml"
ALL = sorted(PAGES.glob("*.html"))


def _one(name: str) -> Study:
    [study] = read_file(PAGES / name)
    return study


def test_observational_page_golden() -> None:
    s = _one("fabianvf__NCT02155933_20140603.html")
    assert s.id == "NCT02155933" and s.registry == "ClinicalTrials.gov" and s.source.format == "ctgov-archive-html"
    assert s.summary.brief_title == "Assessment of Day-night Secretion of Progesterone and LH Across Puberty"
    assert s.summary.official_title and s.summary.official_title.endswith("in Girls With and Without Hyperandrogenemia")
    assert (s.summary.overall_status_raw, s.summary.overall_status) == ("Recruiting", "RECRUITING")
    assert s.summary.phases == () and s.summary.study_type == "OBSERVATIONAL"
    assert (s.design.observational_model, s.design.time_perspective) == ("CASE_CONTROL", "CROSS_SECTIONAL")
    assert s.summary.conditions == ("Hyperandrogenemia",)
    assert (s.summary.start_date, s.summary.primary_completion_date) == ("2008-02", "2016-02")
    assert s.extra["Primary completion date type"] == "ESTIMATED" and s.extra["Last follow-up"] == "2018-02"
    assert s.summary.last_update_posted == "2014-06-03"
    e = s.eligibility
    assert (e.sex, e.minimum_age_raw, e.minimum_age_years, e.maximum_age_raw, e.maximum_age_years) == (
        "female", "7 Years", 7, "17 Years", 17)  # fmt: skip
    assert e.healthy_volunteers is True
    assert len(e.inclusion) == 3 and len(e.exclusion) == 13
    assert e.inclusion[0].text == "Early and late pubertal girls with normal androgens"
    assert e.exclusion[2].text == (
        "Hemoglobin <11.5 g/dL for non-African American subjects; Hemoglobin < 11.0 g/dL for African American subjects"
    )
    assert e.exclusion[-1].text == "Weight less than 25 kg"
    [primary] = s.outcomes.primary
    assert primary.measure.startswith("Difference in mean LH frequency when awake (18:00-23:00 and 07:00-12:00)")
    assert primary.time_frame and primary.time_frame.startswith("Time frame for the study will be 18 hours")
    assert len(s.outcomes.secondary) == 1
    assert s.summary.brief_summary and "\n\nThe purpose of this research study" in s.summary.brief_summary
    assert "\xa0" not in s.summary.brief_summary and "  " not in s.summary.brief_summary
    assert s.secondary_ids == ("13502", "U54HD028934-18")
    assert s.extra["Secondary IDs"] == "U54HD028934-18 (US NIH Grant Number)"
    assert s.summary.sponsor == "University of Virginia"
    assert s.summary.collaborators == (
        "Eunice Kennedy Shriver National Institute of Child Health and Human Development (NICHD)",)  # fmt: skip
    assert s.extra["Regulatory authorities"] == "United States: Institutional Review Board"
    assert s.source.warnings == ()


def test_interventional_page_with_arms_golden() -> None:
    s = _one("fabianvf__NCT01636609_20131113.html")
    assert s.summary.phases == ("PHASE1", "PHASE2") and s.summary.study_type == "INTERVENTIONAL"
    assert (s.summary.overall_status_raw, s.summary.overall_status) == (
        "Active, not recruiting",
        "ACTIVE_NOT_RECRUITING",
    )
    d = s.design
    assert (d.primary_purpose, d.allocation, d.masking, d.intervention_model) == (
        "TREATMENT", "RANDOMIZED", "NONE", "SINGLE_GROUP")  # fmt: skip
    assert s.extra["Endpoint classification"] == "Safety/Efficacy Study"
    assert [(a.label, a.type) for a in s.arms] == [
        ("Cytarabine + Tosedostat", "EXPERIMENTAL"), ("5-Azacytidine + Tosedostat", "EXPERIMENTAL")]  # fmt: skip
    assert s.arms[0].interventions == ("Drug: Cytarabine", "Drug: Tosedostat")
    assert [(i.type, i.name, i.arm_labels) for i in s.summary.interventions] == [
        ("DRUG", "Cytarabine", ("Cytarabine + Tosedostat",)),
        ("DRUG", "5-Azacytidine", ("5-Azacytidine + Tosedostat",)),
        ("DRUG", "Tosedostat", ("Cytarabine + Tosedostat",)),
    ]
    assert s.summary.interventions[0].description and s.summary.interventions[0].description.startswith(
        "Phase I Arm A: Starting dose of Cytarabine 7.5 mg"
    )
    [primary] = s.outcomes.primary
    assert (primary.measure, primary.time_frame) == ("Maximum Tolerated Dose (MTD)", "28 days")
    assert primary.description and primary.description.startswith("Maximum tolerated daily oral dose defined as <33%")
    e = s.eligibility
    assert (e.sex, e.minimum_age_years, e.maximum_age_years, e.healthy_volunteers) == ("all", 60, None, False)
    assert e.inclusion[0].text == "Signed, informed consent must be obtained prior to any study specific procedures."
    assert "Age >/= 60 years" in [c.text for c in e.inclusion]
    assert len(e.exclusion) == 5 and e.exclusion[2].text == "Patients with APL (FAB type M3) or CML in blast crisis."
    assert s.references[-1].model_dump() == {
        "citation": "UT MD Anderson Cancer Center Website", "pmid": None, "type": "SEE_ALSO",
        "url": "http://www.mdanderson.org"}  # fmt: skip
    assert s.secondary_ids == ("2011-0188",) and s.summary.sponsor == "M.D. Anderson Cancer Center"


def test_references_carry_their_pubmed_ids() -> None:
    s = _one("fabianvf__NCT00000122_20140314.html")
    assert s.summary.brief_title == "Fluorouracil Filtering Surgery Study (FFSS)" and s.summary.official_title is None
    assert [r.pmid for r in s.references] == ["2688428", "1575223", "8420383", "8604728", None]
    assert s.references[0].citation == (
        "The Fluorouracil Filtering Surgery Study Group; Fluorouracil Filtering Surgery Study one-year follow-up., "
        "Am J Ophthalmol 1989;108:625-635"
    )
    assert s.references[-1].url == "http://www.nei.nih.gov/news/pressreleases/ffsspressrelease.asp"
    assert s.design.masking == "DOUBLE" and s.summary.interventions[0].name == "5-Fluorouracil"
    # One prose paragraph of criteria: one item, kept whole.
    assert len(s.eligibility.inclusion) == 1 and s.eligibility.exclusion == ()
    assert (s.eligibility.minimum_age_raw, s.eligibility.maximum_age_raw) == (None, None)


def test_oldest_layout_2005() -> None:
    s = _one("fabianvf__NCT00000201_20051208.html")
    assert s.summary.brief_title == "Pharmacological Modulation of Cocaine Effects - 1"
    assert s.summary.completion_date == "2001-12" and s.summary.phases == ("PHASE2",)
    assert (s.summary.enrollment, s.summary.enrollment_type) == (0, "ESTIMATED")
    assert s.eligibility.sex == "female" and s.eligibility.minimum_age_years is None
    assert s.secondary_ids == ("NIDA-05196-1", "R01-05196-1")
    assert s.summary.collaborators == ("Johns Hopkins University",)
    assert [c.text for c in s.eligibility.inclusion] == ["Please contact site for information."]


def test_results_section_is_noted() -> None:
    assert _one("fabianvf__NCT00503399_20120312.html").extra["Has results"] == "Yes"
    assert "Has results" not in _one("fabianvf__NCT00310375_20130920.html").extra


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_agrees_with_the_legacy_xml_of_the_same_trial(path: Path) -> None:
    html = _one(path.name)
    [xml] = read_file(LEGACY / f"fabianvf__{html.id}.xml")
    for field in ("brief_title", "sponsor", "conditions", "study_type"):
        assert getattr(html.summary, field) == getattr(xml.summary, field), field
    # Some pages show no phase row where the XML says "N/A".
    assert set(html.summary.phases) - {"NA"} == set(xml.summary.phases) - {"NA"}
    for field in ("sex", "minimum_age_years", "maximum_age_years", "healthy_volunteers"):
        assert getattr(html.eligibility, field) == getattr(xml.eligibility, field), field
    assert [(a.label, a.type) for a in html.arms] == [(a.label, a.type) for a in xml.arms]
    assert [(i.type, i.name) for i in html.summary.interventions] == [
        (i.type, i.name) for i in xml.summary.interventions
    ]
    assert (html.design.allocation, html.design.masking) == (xml.design.allocation, xml.design.masking)


def test_detection() -> None:
    for path in ALL:
        assert detect(Document(path.name, path.read_bytes())).name == "ctgov-archive-html"
    assert ctgov_archive_html.score("<html><body><p>ClinicalTrials.gov</p>") == 0
    assert ctgov_archive_html.score("ClinicalTrials Identifier: NCT00000201") == 0  # text, not HTML


def test_a_page_with_no_study_rows_is_a_clear_error() -> None:
    data = b"<html><head><title>x: ClinicalTrials.gov Archive</title></head><body><p>Gone</p></body></html>"
    with pytest.raises(ParseError, match="no study found"):
        parse_bytes(data, "gone.html")


def test_id_from_the_title_when_the_row_is_missing() -> None:
    data = (
        b"<html><head><title>NCT00000201 on 2005_12_08: ClinicalTrials.gov Archive</title></head><body>"
        b"<table><tr><th>Brief title</th><td>A trial</td></tr></table></body></html>"
    )
    [s] = parse_bytes(data, "page.html")
    assert s.id == "NCT00000201" and any("taken from the page title" in w for w in s.source.warnings)


def test_nothing_is_executed_or_kept_from_scripts_styles_and_images() -> None:
    html = (
        '<html><head><title>t</title><style>td {color: red}</style><script>alert("x")</script></head><body>'
        '<img src="data:image/png;base64,AAAA" alt="logo"><p>One<br>Two</p><ul><li>a<ul><li>b</li></ul></li></ul>'
        "<table><tr><th colspan=2>Head</th></tr><tr><td>x<td>y</table></body></html>"
    )
    view = page(html)
    assert view.title == "t"
    texts = [b.text for b in view.blocks if b.kind == "text"]
    assert texts == ["One\nTwo\n\n- a\n  - b"]
    rows = [[(c.text, c.header, c.colspan) for c in b.cells] for b in view.blocks if b.kind == "row"]
    assert rows == [[("Head", True, 2)], [("x", False, 1), ("y", False, 1)]]
    assert "alert" not in to_text(html) and "color" not in to_text(html) and "AAAA" not in to_text(html)


@pytest.mark.parametrize(
    "html",
    ["<a " * 200_000, "<" * 200_000, "<!--" * 100_000 + ">", "<ul><li>x" * 50_000, "<tr><td>x" * 50_000,
     "<table><tr><td>" * 20_000, "<br>" * 200_000, "\n" * 2_000_000, "<p>" + "word " * 400_000],
    ids=["open-tags", "lt", "comments", "nested-lists", "rows", "nested-tables", "breaks", "blank-lines", "long-text"],
)  # fmt: skip
def test_hostile_markup_is_linear(html: str) -> None:
    start = time.perf_counter()
    page(html)
    assert time.perf_counter() - start < 10


def test_hostile_pages_give_studies_or_a_parse_error() -> None:
    head = b"<html><head><title>NCT00000201: ClinicalTrials.gov Archive</title></head><body><table>"
    for body in (b"<tr><th>Condition</th><td>c</td></tr>" * 100_000, b"<tr><th>Criteria</th></tr>" * 50_000,
                 b"<tr><th>Brief title</th><td>" + b"x" * 3_000_000):  # fmt: skip
        check_outcome(head + body, "hostile.html")
    title = b"<tr><th>Brief title</th><td>A trial</td></tr>"
    [s] = parse_bytes(head + title + b"<tr><th>Condition</th><td>c</td></tr>" * 30_000, "many.html")
    assert len(s.summary.conditions) <= 20_000 and s.source.warnings


HTML_ORIGINALS = [(p.name, p.read_bytes()) for p in (ALL[0], PAGES / "fabianvf__NCT01636609_20131113.html")]


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name, original = draw(st.sampled_from(HTML_ORIGINALS))
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        data = MUTATIONS[draw(st.sampled_from(sorted(MUTATIONS)))](draw, data)  # type: ignore[arg-type]
    return name, bytes(data)


@MUTATION_PROFILE
@given(_mutated())
def test_mutations_give_studies_or_a_parse_error(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


@PROFILE
@given(st.text())
def test_any_text_becomes_blocks(text: str) -> None:
    view = page(text)
    assert all(b.kind in ("heading", "text", "row") for b in view.blocks)
