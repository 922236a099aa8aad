"""Page text copied from registry websites, beyond the two seeds: the newer ClinicalTrials.gov layout and edge cases."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, SEEDS
from viewer.core.errors import ParseError
from viewer.core.loader import parse_bytes, read_file
from viewer.core.parsing.pagetext import parse_address, split_conditions, split_intervention_line


def test_newer_ctgov_layout() -> None:
    """A page in the 2023 layout (labels on their own lines), written for this test from that layout."""
    [study] = read_file(DATA / "pages" / "ctgov_new_layout.txt")
    s = study.summary
    assert study.id == "NCT04320615" and study.source.format == "ctgov-page-text"
    assert study.secondary_ids == ("WA42380", "2020-001154-22")
    assert s.brief_title == "Tocilizumab in COVID-19 Pneumonia (COVACTA)"
    assert (s.overall_status, s.phases, s.study_type) == ("COMPLETED", ("PHASE3",), "INTERVENTIONAL")
    assert (s.enrollment, s.enrollment_type, s.start_date) == (452, "ACTUAL", "2020-04-03")
    assert [i.name for i in s.interventions] == ["Tocilizumab", "Placebo"]
    assert study.eligibility.minimum_age_years == 18 and study.eligibility.maximum_age_years is None
    assert [c.text for c in study.eligibility.inclusion] == ["Age >= 18 years", "Hospitalized with COVID-19 pneumonia"]
    assert len(study.eligibility.exclusion) == 1
    [site] = study.sites
    assert (site.facility, site.city, site.state, site.country) == (
        "Stanford University",
        "Stanford",
        "California",
        "United States",
    )
    [outcome] = study.outcomes.primary
    assert (outcome.measure, outcome.time_frame) == (
        "Clinical Status Assessed Using a 7-Category Ordinal Scale",
        "Day 28",
    )
    assert study.design.masking == "QUADRUPLE" and len(study.design.who_masked) == 4
    [contact] = study.contacts
    assert (contact.name, contact.phone, contact.email) == ("Jane Roe", "+1 650-555-0100", "jane.roe@example.org")


def test_classic_page_without_nct_number_is_refused() -> None:
    text = (SEEDS / "000_9a8944e657c20510.txt").read_text(encoding="utf-8").replace("NCT01165008", "NCT-REMOVED")
    with pytest.raises(ParseError) as exc:
        parse_bytes(text.encode(), "page.txt")
    assert exc.value.file == "page.txt"


def test_truncated_seed_still_reads_what_is_there() -> None:
    text = (SEEDS / "000_9a8944e657c20510.txt").read_text(encoding="utf-8")
    cut = text[: text.index("Exclusion Criteria")]
    [study] = parse_bytes(cut.encode(), "cut.txt")
    assert study.id == "NCT01165008" and len(study.eligibility.inclusion) == 3
    assert study.eligibility.exclusion == () and study.sites == ()


def test_condition_table_row() -> None:
    assert split_intervention_line("Breast Cancer Drug: Tamoxifen Drug: Placebo Phase 3") == (
        "Breast Cancer", [("Drug", "Tamoxifen"), ("Drug", "Placebo")], "Phase 3")  # fmt: skip
    assert split_conditions("Breast Cancer") == ["Breast Cancer"]
    assert split_conditions("Psoriasis Arthritis", ()) == ["Psoriasis", "Arthritis"]
    assert split_conditions("Heart Failure Type 2 Diabetes", ["Diabetes Mellitus, Type 2"]) == [
        "Heart Failure Type 2 Diabetes"
    ]


def test_addresses() -> None:
    assert parse_address("Seoul, Korea, Republic of, 03080") == {
        "city": "Seoul", "state": None, "zip": "03080", "country": "Korea, Republic of"}  # fmt: skip
    assert parse_address("Karolinska University Hospital") is None
    assert parse_address("United States, California") is None


def test_classic_ctgov_layout_with_sites_contacts_outcomes() -> None:
    """A classic page as a browser copies it (table cells as tabs), written for this test from that layout."""
    [study] = read_file(DATA / "pages" / "ctgov_classic_full.txt")
    s = study.summary
    assert study.id == "NCT01234567" and study.secondary_ids == ("ACME-001",)
    assert (s.overall_status, s.phases, s.sponsor, s.collaborators) == (
        "RECRUITING", ("PHASE2",), "Acme Pharma", ("University of Somewhere",))  # fmt: skip
    assert [(i.type, i.name) for i in s.interventions] == [("DRUG", "Drug X"), ("DRUG", "Placebo")]
    assert (s.enrollment, s.enrollment_type) == (120, "ESTIMATED")
    assert (s.start_date, s.primary_completion_date, s.completion_date) == ("2015-02", "2017-12", "2018-03")
    assert study.eligibility.minimum_age_years == 18 and study.eligibility.maximum_age_years is None
    assert len(study.eligibility.inclusion) == 2 and len(study.eligibility.exclusion) == 1
    stanford, berlin = study.sites
    assert (stanford.status, stanford.state, berlin.country, berlin.status) == (
        "RECRUITING", "California", "Germany", "NOT_YET_RECRUITING")  # fmt: skip
    assert [(c.name, c.role, c.phone, c.email) for c in stanford.contacts] == [
        ("John Doe", "CONTACT", "650-555-0100", "jdoe@example.org"),
        ("Mary Major, MD", "PRINCIPAL_INVESTIGATOR", None, None),
    ]
    [central] = study.contacts
    assert (central.name, central.email) == ("Jane Roe, MD", "jane.roe@example.org")
    [official] = study.officials
    assert (official.name, official.role, official.affiliation) == ("Sam Smith", "STUDY_DIRECTOR", "Acme Pharma")
    [primary] = study.outcomes.primary
    assert (primary.measure, primary.time_frame) == ("Change in FEV1", "12 weeks")
    assert primary.description == "Forced expiratory volume in one second."
    assert (study.design.allocation, study.design.masking, study.design.who_masked) == (
        "RANDOMIZED", "DOUBLE", ("PARTICIPANT", "INVESTIGATOR"))  # fmt: skip
    [reference] = study.references
    assert reference.pmid == "24512345" and reference.citation and reference.citation.startswith("Roe J, Doe J.")
    assert study.source.warnings == ()


def test_classic_layout_criteria_come_from_the_eligibility_block_only() -> None:
    text = (DATA / "pages" / "ctgov_classic_full.txt").read_text(encoding="utf-8")
    text = text.replace("A study of drug X.", "A study of drug X. Inclusion Criteria are described below.")
    text = text.replace(
        "Criteria\n\nInclusion Criteria:",
        "Criteria\n\nPatients of the parent study are eligible.\n\nInclusion Criteria:",
    )
    text = text.replace("Estimated Enrollment : \t120 participants", "Actual Enrollment : \t1,234 participants")
    [study] = parse_bytes(text.encode(), "variant.txt")
    criteria = study.eligibility.criteria_text or ""
    assert criteria.startswith("Patients of the parent study are eligible.")
    assert "Condition or disease" not in criteria and "Contacts" not in criteria
    assert study.eligibility.inclusion[0].text == "Patients of the parent study are eligible."
    assert (study.summary.enrollment, study.summary.enrollment_type) == (1234, "ACTUAL")
    assert study.extra["Information provided by"] == "Acme Pharma"


def test_medpath_age_and_interventions_blocks() -> None:
    """The MedPath seed with an Age and an Interventions block added, as MedPath shows them for other trials."""
    [study] = read_file(DATA / "pages" / "medpath_with_age_and_interventions.txt")
    assert (study.eligibility.minimum_age_years, study.eligibility.maximum_age_years) == (18, 75)
    assert [(i.type, i.name) for i in study.summary.interventions] == [("DRUG", "IVIg"), ("DRUG", "Prednisone")]
    assert len(study.eligibility.exclusion) == 5
