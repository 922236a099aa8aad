"""ClinicalTrials.gov legacy XML: every corpus record in both layouts, pinned fields, hostile fixtures, parity."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, DATA
from viewer.core import normalize as n
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.loader import parse_bytes, read_file
from viewer.core.model import Criterion, Study
from viewer.core.parsers import ctgov_xml

LEGACY = CORPUS / "B_ctgov_legacy_xml"
ARCHIVE = LEGACY / "archive_schema_2005-2014"
FILES = sorted([*LEGACY.glob("*.xml"), *ARCHIVE.glob("*.xml")])
XML = DATA / "xml"

# Files whose name does not give the record's NCT id (SOURCES.md lists what each holds).
NAMED_OTHERWISE = {
    "aact__NCT00980226.xml": "NCT00081588",  # named by its alias; <nct_alias>NCT00980226</nct_alias>
    "aact__raw_study.xml": "NCT00002475",
}

# The ClinicalTrials.gov API v2 enums (its data-structure reference): the vocabulary the v2 parser speaks.
V2 = {
    "status": set(n.STATUSES),
    "phase": {"EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"},
    "intervention": {"BEHAVIORAL", "BIOLOGICAL", "COMBINATION_PRODUCT", "DEVICE", "DIAGNOSTIC_TEST",
                     "DIETARY_SUPPLEMENT", "DRUG", "GENETIC", "PROCEDURE", "RADIATION", "OTHER"},
    "arm": {"EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "OTHER"},
    "allocation": {"RANDOMIZED", "NON_RANDOMIZED", "NA"},
    "intervention_model": {"SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"},
    "primary_purpose": {"TREATMENT", "PREVENTION", "DIAGNOSTIC", "ECT", "SUPPORTIVE_CARE", "SCREENING",
                        "HEALTH_SERVICES_RESEARCH", "BASIC_SCIENCE", "DEVICE_FEASIBILITY", "OTHER"},
    "masking": {"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"},
    "who_masked": {"PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"},
    "observational_model": {"COHORT", "CASE_CONTROL", "CASE_ONLY", "CASE_CROSSOVER", "ECOLOGIC_OR_COMMUNITY",
                            "FAMILY_BASED", "DEFINED_POPULATION", "NATURAL_HISTORY", "OTHER"},
    "time_perspective": {"RETROSPECTIVE", "PROSPECTIVE", "CROSS_SECTIONAL", "OTHER"},
    "official": {"STUDY_CHAIR", "STUDY_DIRECTOR", "PRINCIPAL_INVESTIGATOR", "SUB_INVESTIGATOR"},
    "reference": {"BACKGROUND", "RESULT", "DERIVED", "SEE_ALSO"},
}  # fmt: skip
# The legacy XML also names backup contacts, which v2 folds into CONTACT.
CONTACT_ROLES = V2["official"] | {"CONTACT", "CONTACT_BACKUP"}
TRUNCATED = "; the file ends early (truncated?)"
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _one(path: Path) -> Study:
    [study] = read_file(path)
    return study


def _texts(items: tuple[Criterion, ...]) -> list[str]:
    return [c.text for c in items]


# --- every corpus record -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_corpus_record(path: Path) -> None:
    studies = read_file(path)
    assert len(studies) == 1
    study = studies[0]
    named = re.search(r"NCT\d{8}", path.name)
    expected = NAMED_OTHERWISE.get(path.name) or (named.group(0) if named else None)
    assert study.id == expected
    if named and named.group(0) != study.id:
        assert named.group(0) in study.secondary_ids
    assert study.registry == "ClinicalTrials.gov" and study.source.format == "ctgov-legacy-xml"
    assert study.summary.brief_title and study.summary.overall_status in V2["status"]
    assert study.summary.overall_status_raw
    s = study.summary
    for value in (s.start_date, s.primary_completion_date, s.completion_date, s.first_posted, s.last_update_posted):
        assert value is None or ISO.match(value), value


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_codes_are_the_v2_vocabulary(path: Path) -> None:
    study = _one(path)
    d = study.design
    assert set(study.summary.phases) <= V2["phase"]
    assert {i.type for i in study.summary.interventions} - {None} <= V2["intervention"]
    assert {a.type for a in study.arms} - {None} <= V2["arm"]
    for facet in ("allocation", "intervention_model", "primary_purpose", "masking", "observational_model",
                  "time_perspective"):  # fmt: skip
        assert getattr(d, facet) in V2[facet] | {None}, facet
    assert set(d.who_masked) <= V2["who_masked"]
    assert {o.role for o in study.officials} - {None} <= V2["official"]
    assert {c.role for c in study.contacts} <= CONTACT_ROLES
    assert {c.role for site in study.sites for c in site.contacts} <= CONTACT_ROLES
    assert {site.status for site in study.sites} - {None} <= V2["status"]
    assert {r.type for r in study.references} <= V2["reference"]
    assert study.summary.enrollment_type in {"ACTUAL", "ESTIMATED", None}


def test_archive_records_without_an_nct_number_say_where_the_id_came_from() -> None:
    study = _one(ARCHIVE / "fabianvf__NCT01365832_20110602.xml")
    assert study.id == "NCT01365832"
    assert study.source.warnings == ("the record states no NCT number; NCT01365832 taken from the file name",)
    assert not _one(ARCHIVE / "fabianvf__NCT00000122_20050623.xml").source.warnings


# --- pinned fields of chosen records ------------------------------------------------------------------------


def test_modern_record_with_sites_contacts_and_nested_criteria() -> None:
    study = _one(LEGACY / "aact-history__NCT04372602_covid_19.xml")
    s = study.summary
    assert s.brief_title == "Duvelisib to Combat COVID-19"
    assert s.official_title == "A Pilot Study of Duvelisib to Combat COVID-19"
    assert (s.overall_status, s.phases, s.study_type) == ("RECRUITING", ("PHASE2",), "INTERVENTIONAL")
    assert (s.sponsor, s.collaborators) == ("Washington University School of Medicine", ("Verastem, Inc.",))
    assert (s.enrollment, s.enrollment_type) == (28, "ESTIMATED")
    assert (s.start_date, s.primary_completion_date, s.completion_date) == ("2020-10-12", "2021-11-30", "2022-04-30")
    assert (s.first_posted, s.last_update_posted) == ("2020-05-04", "2021-02-10")
    duvelisib = s.interventions[0]
    assert (duvelisib.type, duvelisib.name, duvelisib.other_names) == ("DRUG", "Duvelisib", ("Copiktra",))
    e = study.eligibility
    assert (e.minimum_age_years, e.maximum_age_years, e.maximum_age_raw, e.sex) == (18, None, "N/A", "all")
    assert e.healthy_volunteers is False
    assert (e.criteria_text or "").startswith("Inclusion Criteria:\n\n  -  A diagnosis of advanced COVID-19")
    assert len(e.inclusion) == 9 and len(e.exclusion) == 4
    critical = e.inclusion[0].children[1]
    assert critical.text == "Critical disease manifested by any of the following:"
    assert _texts(critical.children)[0] == "Chest imaging with ≥ 50% lung involvement"
    site = study.sites[1]
    assert (site.facility, site.status) == ("Washington University School of Medicine", "RECRUITING")
    assert (site.city, site.state, site.zip, site.country) == ("Saint Louis", "Missouri", "63110", "United States")
    assert [(c.name, c.role, c.phone) for c in site.contacts] == [
        ("John DiPersio, M.D., Ph.D.", "CONTACT", "314-454-8491"),
        ("Erik Dubberke, M.D., MSPH", "CONTACT_BACKUP", "314-454-8293"),
        ("John DiPersio, M.D., Ph.D.", "PRINCIPAL_INVESTIGATOR", None),
        ("Erik Dubberke, M.D., MSPH", "SUB_INVESTIGATOR", None),
        ("Mark Fiala, MSW", "SUB_INVESTIGATOR", None),
    ]
    assert [c.role for c in study.contacts] == ["CONTACT", "CONTACT_BACKUP"]
    [official] = study.officials
    assert official.role == "PRINCIPAL_INVESTIGATOR"
    assert official.affiliation == "Washington University School of Medicine"
    d = study.design
    assert (d.allocation, d.intervention_model, d.primary_purpose) == ("RANDOMIZED", "SINGLE_GROUP", "TREATMENT")
    assert d.masking == "TRIPLE"
    assert d.who_masked == ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR") and d.number_of_arms == 2
    assert [(a.label, a.type, a.interventions) for a in study.arms][1] == (
        "Placebo", "SHAM_COMPARATOR", ("Procedure: Peripheral blood draw", "Drug: Placebo"))  # fmt: skip
    assert study.extra["IPD sharing"] == "No" and study.extra["Downloaded"] == "2021-02-22"
    assert study.extra["Status verified"] == "2021-02" and study.extra["FDA-regulated drug"] == "Yes"


def test_modern_record_with_free_text_design_and_results() -> None:
    study = _one(LEGACY / "fabianvf__NCT00645515.xml")
    d = study.design
    # "Allocation: Randomized, Endpoint Classification: Safety/Efficacy Study, Intervention Model: Parallel
    # Assignment, Masking: Double Blind (Subject, Investigator), Primary Purpose: Treatment"
    assert (d.allocation, d.intervention_model, d.primary_purpose) == ("RANDOMIZED", "PARALLEL", "TREATMENT")
    assert (d.masking, d.who_masked) == ("DOUBLE", ("PARTICIPANT", "INVESTIGATOR"))
    assert study.extra["Endpoint classification"] == "Safety/Efficacy Study"
    assert (study.summary.why_stopped or "").startswith("This study was terminated on November 20, 2003")
    assert [o.role for o in study.officials] == ["STUDY_DIRECTOR"]
    aact = _one(LEGACY / "aact__NCT00023673.xml")
    assert aact.summary.phases == ("PHASE1", "PHASE2") and aact.extra["Has results"] == "Yes"
    assert [r.pmid for r in aact.references] == ["20368547", "20457350", None]
    assert {r.type for r in aact.references} == {"RESULT"}
    assert aact.secondary_ids == ("RTOG L-0117", "CDR0000068850", "NCI-2012-02401")


def test_archive_record_with_medline_references_and_design_terms() -> None:
    study = _one(ARCHIVE / "fabianvf__NCT00000122_20050623.xml")
    s = study.summary
    assert (s.brief_title, s.official_title) == ("Fluorouracil Filtering Surgery Study (FFSS)", None)
    assert (s.overall_status, s.phases, s.start_date, s.completion_date) == ("COMPLETED", ("PHASE3",), "1985-09", None)
    assert (s.sponsor, s.conditions) == ("National Eye Institute (NEI)", ("Glaucoma",))
    assert [(i.type, i.name) for i in s.interventions] == [("DRUG", "5-Fluorouracil")]
    assert s.detailed_description and s.detailed_description.count("\n\n") == 4, "paragraphs kept"
    e = study.eligibility
    assert (e.sex, e.minimum_age_years, e.minimum_age_raw, e.healthy_volunteers) == ("all", None, "N/A", False)
    assert len(e.inclusion) == 1 and not e.exclusion
    d = study.design  # <design>Treatment</design><design>Randomized</design><design>Double Blind</design>
    assert (d.primary_purpose, d.allocation, d.masking, d.who_masked) == ("TREATMENT", "RANDOMIZED", "DOUBLE", ())
    first, *_, see_also = study.references
    # A MEDLINE UI is not a PMID (this paper is PMID 2688428 in the 2014 record), so it is kept in the citation.
    assert (first.type, first.pmid) == ("BACKGROUND", None) and first.citation
    assert first.citation.endswith("Am J Ophthalmol 1989;108:625-635 (MEDLINE UI 90086934)")
    assert see_also.type == "SEE_ALSO"
    assert see_also.url == "http://www.nei.nih.gov/news/pressreleases/ffsspressrelease.htm"
    assert see_also.citation == "NEI Press Release-Fluorouracil Improves Glaucoma Surgery Outcome"
    assert study.extra["Status verified"] == "2003-10" and study.extra["Organization study ID"] == "NEI-21"


def test_archive_record_with_investigators_contacts_and_arms() -> None:
    study = _one(ARCHIVE / "fabianvf__NCT01365832_20110602.xml")
    s = study.summary
    assert s.brief_title == (
        "The Role of Gender in C-reactive Protein (CRP) Evolution in Continuous Positive Airway Pressure (CPAP) "
        "Treated Obstructive Sleep Apnea Patients"
    )
    assert (s.overall_status, s.phases, s.enrollment, s.enrollment_type) == ("COMPLETED", ("NA",), 436, "ACTUAL")
    assert (s.start_date, s.primary_completion_date, s.first_posted, s.last_update_posted) == (
        "2007-01", "2009-06", "2011-05-17", "2011-06-02")  # fmt: skip
    [device] = s.interventions
    assert (device.type, device.arm_labels) == ("DEVICE", ("Sleep apnea",))
    assert device.other_names == ("positive pressure ventilation",)
    e = study.eligibility
    assert (e.minimum_age_years, e.maximum_age_years) == (18, 65)
    assert _texts(e.inclusion) == ["Patients with apnoea-hypopnoea index >15/h"]
    assert len(e.exclusion) == 11 and e.exclusion[-1].text == "postmenopausal females on estrogen replacement therapy."
    assert [(o.name, o.role, o.affiliation) for o in study.officials][:2] == [
        ("Sophia E Schiza, MD, PhD", "STUDY_CHAIR", "University of Crete"),
        ("Charalampos Mermigkis, MD", "STUDY_DIRECTOR",
         "Sleep Disorders Center, Pulmonary Department, 401 General Army Hospital, Athens, Greece"),
    ]  # fmt: skip
    assert [(c.name, c.role, c.email) for c in study.contacts] == [
        ("Sophia E Schiza, MD, PhD", "CONTACT", "schiza@med.uoc.gr")]  # fmt: skip
    [site] = study.sites
    assert (site.city, site.state, site.zip, site.country) == ("Heraklion", "Crete", "71110", "Greece")
    assert site.status == "COMPLETED"
    [arm] = study.arms
    assert (arm.label, arm.type) == ("Sleep apnea", "EXPERIMENTAL")
    assert arm.interventions == ("Device: Continuous Positive Airway Pressure (CPAP)",)
    d = study.design
    assert (d.primary_purpose, d.masking, d.intervention_model) == ("TREATMENT", "NONE", "SINGLE_GROUP")
    assert d.number_of_arms == 1
    assert study.extra["Responsible party"] == "Sophia Schiza" and study.extra["Has data monitoring committee"] == "No"


def test_archive_site_contacts_with_roles_and_plain_outcomes() -> None:
    study = _one(ARCHIVE / "fabianvf__NCT00310375_20060331.xml")
    site = study.sites[3]
    assert [(c.name, c.role, c.phone) for c in site.contacts] == [
        ("Jillian Hurlbut-Styke", "CONTACT", "602-335-0300 ext. 124"),
        ("Avinash Khatter", "PRINCIPAL_INVESTIGATOR", None),
    ]
    assert len(study.outcomes.primary) == 9 and study.outcomes.primary[1].measure == "Vital signs"
    # <expected_enrollment> is the archive's planned size.
    assert (study.summary.enrollment, study.summary.enrollment_type) == (280, "ESTIMATED")
    d = study.design
    assert (d.allocation, d.intervention_model, d.masking) == ("NON_RANDOMIZED", "SINGLE_GROUP", "NONE")
    assert study.extra["Other design terms"] == "Uncontrolled"


# --- cross-checks -------------------------------------------------------------------------------------------


def _v1(nct: str) -> dict[str, Any]:
    path = CORPUS / "A1_ctgov_api_v1_classic_json" / f"aact__{nct}.json"
    page = json.loads(path.read_text(encoding="utf-8"))
    return page["FullStudiesResponse"]["FullStudies"][0]["Study"]["ProtocolSection"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("nct", ["NCT00023673", "NCT02028676"])
def test_same_values_as_the_api_json_of_the_same_study(nct: str) -> None:
    """No v2 file shares a trial with the XML folder; the retired v1 JSON does, read through the shared normalizers."""
    xml = _one(LEGACY / f"aact__{nct}.xml")
    p = _v1(nct)
    status, design, elig = p["StatusModule"], p["DesignModule"], p["EligibilityModule"]
    info = design["DesignInfo"]
    s = xml.summary
    assert s.overall_status == n.status(status["OverallStatus"])
    assert s.phases == tuple(x for raw in design["PhaseList"]["Phase"] for x in n.phases(raw))
    assert (s.enrollment, s.enrollment_type) == (int(design["EnrollmentInfo"]["EnrollmentCount"]), "ACTUAL")
    assert s.start_date == n.iso_date(status["StartDateStruct"]["StartDate"])
    assert s.completion_date == n.iso_date(status["CompletionDateStruct"]["CompletionDate"])
    assert s.first_posted == n.iso_date(status["StudyFirstPostDateStruct"]["StudyFirstPostDate"])
    assert s.last_update_posted == n.iso_date(status["LastUpdatePostDateStruct"]["LastUpdatePostDate"])
    assert s.sponsor == p["SponsorCollaboratorsModule"]["LeadSponsor"]["LeadSponsorName"]
    assert list(s.conditions) == p["ConditionsModule"]["ConditionList"]["Condition"]
    e = xml.eligibility
    assert (e.sex, e.minimum_age_years, e.maximum_age_years) == (
        n.sex(elig["Gender"]), n.age_years(elig.get("MinimumAge")), n.age_years(elig.get("MaximumAge")))  # fmt: skip
    d = xml.design
    assert d.allocation == n.code(info["DesignAllocation"])
    assert d.intervention_model == n.code(info["DesignInterventionModel"])
    assert d.primary_purpose == n.code(info["DesignPrimaryPurpose"])
    assert d.masking == n.masking(info["DesignMaskingInfo"]["DesignMasking"])[0]
    arms = p["ArmsInterventionsModule"]["ArmGroupList"]["ArmGroup"]
    assert [(a.type, list(a.interventions)) for a in xml.arms] == [
        (n.code(a["ArmGroupType"]), a["ArmGroupInterventionList"]["ArmGroupInterventionName"]) for a in arms
    ]
    officials = p["ContactsLocationsModule"]["OverallOfficialList"]["OverallOfficial"]
    assert [(o.name, o.role) for o in xml.officials] == [
        (o["OverallOfficialName"], n.code(o["OverallOfficialRole"])) for o in officials
    ]


def test_archive_and_modern_versions_of_a_trial_agree() -> None:
    old, new = _one(ARCHIVE / "fabianvf__NCT00645515_20080326.xml"), _one(LEGACY / "fabianvf__NCT00645515.xml")
    assert old.id == new.id and old.secondary_ids == new.secondary_ids
    for field in ("brief_title", "official_title", "overall_status", "phases", "sponsor", "conditions", "start_date",
                  "first_posted", "enrollment", "enrollment_type"):  # fmt: skip
        assert getattr(old.summary, field) == getattr(new.summary, field), field
    # The two versions lay the criteria out differently; what they say and how they split is the same.
    wording = {"criteria_text"}
    assert old.eligibility.model_dump(exclude=wording) == new.eligibility.model_dump(exclude=wording)
    assert old.design == new.design
    assert [a.model_dump() for a in old.arms] == [a.model_dump() for a in new.arms]


# --- hostile and broken fixtures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("billion_laughs.xml", "XML declares entities, which are refused for safety"),
        ("xxe_file.xml", "XML declares entities, which are refused for safety"),
        ("truncated.xml", f"not well-formed XML (no element found at line 15, column 1){TRUNCATED}"),
        ("wrong_root.xml", "the XML root element is <clinical_studies>, not <clinical_study>"),
        ("missing_nct_id.xml", "the record has no NCT number (<nct_id> is missing or empty)"),
    ],
)
def test_bad_fixture_gives_a_clear_parse_error(name: str, reason: str) -> None:
    path = XML / name
    with pytest.raises(ParseError) as caught:
        read_file(path)
    assert caught.value.file == str(path) and caught.value.reason == reason
    with pytest.raises(ParseError) as direct:
        list(ctgov_xml.parse(Document(name, path.read_bytes())))
    assert direct.value.reason == reason


def test_xxe_never_reads_the_file() -> None:
    with pytest.raises(ParseError) as caught:
        read_file(XML / "xxe_file.xml")
    assert "root:" not in str(caught.value)


def test_declared_latin1_is_honoured() -> None:
    [study] = read_file(XML / "latin1_declared.xml")
    assert study.summary.brief_title == "Étude de la caféine chez l'enfant"
    assert study.sites[0].facility == "Hôpital Necker" and study.sites[0].contacts[0].name == "Dr Müller"
    # The encoding is declared, so the Windows-1252 guess made while detecting the format is no warning.
    assert study.source.warnings == ()


def test_ill_formed_xml_names_line_and_column() -> None:
    data = b'<?xml version="1.0"?>\n<clinical_study>\n  <brief_title>x</official_title>\n</clinical_study>\n'
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, "mismatch.xml")
    assert caught.value.reason == "not well-formed XML (mismatched tag at line 3, column 19)"


def test_detection() -> None:
    assert ctgov_xml.score(Document("a.xml", (LEGACY / "aact__NCT00001177.xml").read_bytes()).head)
    assert ctgov_xml.score(Document("b.xml", (ARCHIVE / "fabianvf__NCT00000122_20050623.xml").read_bytes()).head)
    assert not ctgov_xml.score(Document("c.xml", b'<?xml version="1.0"?><trials><trial/></trials>').head)
    assert not ctgov_xml.score(Document("d.json", b'{"protocolSection": {}}').head)
