"""CDISC USDM JSON: golden values read off the files (USDM 4.0 and the early layout), placeholder
substitution, XHTML to text, hostile shapes and mutations."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS
from tests.core.test_properties import MUTATION_PROFILE, MUTATIONS, check_outcome
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.formats import detect
from viewer.core.loader import parse_bytes, read_file
from viewer.core.model import Criterion, Study
from viewer.core.parsers import usdm_json
from viewer.core.parsing.usdm_refs import References

USDM = CORPUS / "F_usdm_json"
ALL = sorted(USDM.glob("*.json"))


def _one(name: str) -> Study:
    [study] = read_file(USDM / name)
    return study


def _texts(items: tuple[Criterion, ...]) -> list[str]:
    return [c.text for c in items]


def test_alexion_v4_golden() -> None:
    s = _one("DDF-RA_v4__Alexion_NCT04573309_Wilsons.json")
    assert s.source.format == "usdm-json" and s.source.warnings == ()
    # The registry id leads; the sponsor's protocol id, the EudraCT number and the FDA number follow as ids.
    assert (s.id, s.registry) == ("NCT04573309", "ClinicalTrials.gov")
    assert s.secondary_ids == ("ALXN1840-WD-204", "2020-001104-41", "119006")
    assert s.extra["Organization study ID"] == "ALXN1840-WD-204"
    assert s.extra["Secondary IDs"] == (
        "ALXN1840-WD-204 (Alexion); 2020-001104-41 (European Medicines Agency); 119006 (Food & Drug Administration)"
    )
    assert (
        s.summary.brief_title
        == "Copper and Molybdenum Balance in Participants with Wilson Disease Treated with ALXN1840"
    )
    assert s.summary.official_title and s.summary.official_title.startswith("A Phase 2, Open-label Study to Assess")
    assert s.summary.phases == ("PHASE2",) and s.summary.study_type == "INTERVENTIONAL"
    assert s.summary.sponsor == "Alexion" and s.summary.conditions == ("Wilson's Disease",)
    assert (s.summary.enrollment, s.summary.enrollment_type) == (10, "ESTIMATED")
    e = s.eligibility
    assert (e.sex, e.healthy_volunteers) == ("all", False)
    assert (e.minimum_age_raw, e.minimum_age_years, e.maximum_age_raw, e.maximum_age_years) == (
        "18 Years", 18, "100 Years", 100)  # fmt: skip
    assert len(e.inclusion) == 12 and len(e.exclusion) == 19
    # <usdm:tag name="min_age"/> resolved through the IE dictionary to Quantity_12's value.
    assert e.inclusion[0].text == "Participants aged ≥ 18 at the time of signing the ICF."
    assert e.inclusion[1].text.endswith("or by historical test results for WD including some or all of the following:")
    assert _texts(e.inclusion[1].children)[:2] == ["Presence of Kayser Fleischer rings,", "Neurological symptoms,"]
    assert len(e.inclusion[1].children) == 7
    assert e.study_population == "Patients with Wilson's Disease"
    assert (len(s.outcomes.primary), len(s.outcomes.secondary), len(s.outcomes.other)) == (1, 7, 6)
    primary = s.outcomes.primary[0]
    assert primary.measure.startswith("Mean daily copper balance where copper balance is measured")
    assert primary.description == (
        "Objective: Assess net copper balance with daily repeat-dose ALXN1840 treatment (15 mg and 30 mg) in "
        "participants with Wilson disease (WD)"
    )
    [intervention] = s.summary.interventions
    assert (intervention.type, intervention.name) == ("DRUG", "ALXN1840")
    assert intervention.description and "Administration: 15 mg/day" in intervention.description
    [arm] = s.arms
    assert (arm.label, arm.type, arm.description) == ("Treatment", "EXPERIMENTAL", "Treatment with 15mg and then 30 mg")
    assert (s.design.intervention_model, s.design.masking) == ("SINGLE_GROUP", "NONE")
    [site] = s.sites
    assert (site.facility, site.country) == ("Site One (Big Hospital)", "United Kingdom")
    assert s.extra["USDM version"] == "4.0.0" and s.extra["Regulatory authorities"] == "Food & Drug Administration"
    assert s.summary.brief_summary and s.summary.brief_summary.startswith("The principal aim of this exploratory study")
    narrative = s.summary.detailed_description or ""
    # The title page's <usdm:ref> placeholders resolved; no markup or embedded image left.
    assert "Study Phase: Phase II Trial" in narrative and "Protocol Number: ALXN1840-WD-204" in narrative
    assert "5.1. Inclusion Criteria" in narrative
    assert "<" not in narrative.replace("< ", "").replace("<=", "") or "usdm:" not in narrative
    assert "usdm:" not in narrative and "base64" not in narrative and "data:image" not in narrative


def test_lilly_v4_golden_cohort_ages_and_nested_criteria() -> None:
    s = _one("DDF-RA_v4__EliLilly_NCT03421379_Diabetes.json")
    assert (s.id, s.secondary_ids) == ("NCT03421379", ("I8R-JE-IGBJ",))
    assert s.summary.phases == ("PHASE3",) and s.summary.sponsor == "Eli Lilly Japan K.K"
    assert s.summary.conditions == ("Diabetes mellitus type 1", "Diabetes mellitus type 2")
    assert [(i.type, i.name) for i in s.summary.interventions] == [("DRUG", "LY900018"), ("DRUG", "GlucaGen")]
    e = s.eligibility
    # The population states no age range; its cohorts do (T1DM 18-64, T2DM 20-70 years).
    assert (e.minimum_age_years, e.maximum_age_years) == (18, 70)
    assert len(e.inclusion) == 10 and len(e.exclusion) == 26
    first = e.inclusion[0]
    assert first.text == "have had a diagnosis of either:"
    assert first.children[0].text.startswith("[1a] T1DM based on the World Health Organization (WHO)")
    assert e.exclusion[1].text == "are Lilly employees"
    assert (len(s.outcomes.primary), len(s.outcomes.secondary), len(s.outcomes.other)) == (1, 3, 2)
    assert (
        s.outcomes.secondary[0].measure
        == "SAE, TEAEs (including gastrointestinal, nasal, and non-nasal AEs), vital signs"
    )
    assert s.sites == () and len(s.arms) == 2


def test_cdisc_pilot_v4_tags_from_the_dictionary() -> None:
    s = _one("DDF-RA_v4__CDISC_Pilot_Study.json")
    assert s.id == "NCT12345678" and s.secondary_ids == ("H2Q-MC-LZZT",) and s.summary.acronym == "LZZT"
    e = s.eligibility
    assert e.inclusion[0].text == "Males and postmenopausal females at least 50 years of age."
    assert e.inclusion[1].text.startswith("Patients with Probable Mild to Moderate Alzheimer's Disease as defined by")
    assert (len(e.inclusion), len(e.exclusion)) == (8, 23)
    assert [(a.label, a.type) for a in s.arms] == [
        ("Placebo", "PLACEBO_COMPARATOR"), ("Xanomeline Low Dose", "ACTIVE_COMPARATOR"),
        ("Xanomeline High Dose", "ACTIVE_COMPARATOR")]  # fmt: skip
    assert (s.design.intervention_model, s.design.masking, s.design.primary_purpose) == (
        "PARALLEL",
        "DOUBLE",
        "TREATMENT",
    )
    assert (len(s.outcomes.primary), len(s.outcomes.secondary)) == (5, 6)


def test_observational_v4() -> None:
    s = _one("DDF-RA_v4__observational.json")
    assert s.summary.study_type == "OBSERVATIONAL" and s.id == "NCT12345678"
    assert s.secondary_ids == ("AP1234", "EU12345", "IND12345", "WHO12345")
    assert s.summary.sponsor == "ACME Pharma" and s.eligibility.healthy_volunteers is True
    assert (s.design.time_perspective, s.extra["Sampling method"]) == (
        "CROSS_SECTIONAL",
        "Equal Probability Sampling Method",
    )
    assert [site.country for site in s.sites] == ["Denmark", "Denmark", "Denmark"]
    assert (s.summary.brief_title, s.summary.official_title, s.summary.acronym) == (
        "Something Brief", "Something Very Official", "SIMPLE")  # fmt: skip


def test_devices_v4_products_and_devices_are_interventions() -> None:
    s = _one("DDF-RA_v4__devices.json")
    assert [(i.type, i.name) for i in s.summary.interventions][-2:] == [
        ("DEVICE", "New infusion pump"), ("DEVICE", "Injection")]  # fmt: skip
    assert [site.facility for site in s.sites] == [
        "Site One (Site Org UK)", "Site Two (Site Org UK)", "Only site (Site Org France)"]  # fmt: skip
    assert [site.country for site in s.sites] == ["United Kingdom", "United Kingdom", "France"]


def test_roche_early_layout_golden() -> None:
    s = _one("DDF-RA_early-IG__Roche_NCT04320615_COVID.json")
    assert (s.id, s.registry) == ("NCT04320615", "ClinicalTrials.gov")
    assert s.secondary_ids == ("2020-001154-22", "WA42380")  # the EudraCT number and Roche's protocol id
    assert s.summary.brief_title == "Tocilizumab" and s.summary.acronym == "COVACTA"
    assert s.summary.official_title and s.summary.official_title.startswith(
        "A Randomized, Double-Blind, Placebo-Controlled"
    )
    assert s.summary.phases == ("PHASE3",) and s.summary.sponsor == "F. Hoffmann-la Roche Ag"
    e = s.eligibility
    assert (e.minimum_age_raw, e.minimum_age_years, e.maximum_age_raw, e.maximum_age_years) == (
        "18 years", 18, "80 years", 80)  # fmt: skip
    assert e.sex is None and e.inclusion == () and e.exclusion == ()
    assert (s.summary.enrollment, s.design.masking, s.design.intervention_model) == (450, "NONE", "PARALLEL")
    assert (len(s.outcomes.primary), len(s.outcomes.secondary)) == (1, 11)
    assert s.outcomes.primary[0].measure == "Clinical status assessed using a 7-category ordinal scale at Day 28"
    assert [(a.label, a.type) for a in s.arms] == [
        ("TCZ+SOC", "ACTIVE_COMPARATOR"),
        ("Placebo+SOC", "PLACEBO_COMPARATOR"),
    ]


def test_early_layout_without_a_registry_id_uses_the_sponsor_id() -> None:
    s = _one("DDF-RA_early-IG__CDISC_Pilot_Study.json")
    assert (s.id, s.registry, s.secondary_ids) == ("H2Q-MC-LZZT", "CDISC USDM", ())
    assert s.summary.phases == ("PHASE2",) and (s.eligibility.minimum_age_years, s.eligibility.maximum_age_years) == (
        50,
        100,
    )


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_detection_and_no_markup_left(path: Path) -> None:
    assert detect(Document(path.name, path.read_bytes())).name == "usdm-json"
    [s] = read_file(path)
    text = s.model_dump_json()
    assert "usdm:ref" not in text and "usdm:tag" not in text and "data:image" not in text and "<p>" not in text


def _v4(**version: Any) -> bytes:
    base: dict[str, Any] = {"id": "StudyVersion_1", "studyIdentifiers": [{"text": "ISRCTN12345678", "scopeId": "O1"}],
                            "organizations": [{"id": "O1", "name": "Registry"}], "titles": []}  # fmt: skip
    return json.dumps({"study": {"versions": [{**base, **version}]}, "usdmVersion": "4.0.0"}).encode()


def test_registry_from_the_id_and_hostile_shapes() -> None:
    data = _v4(
        titles="oops",
        studyDesigns=[{"population": {"plannedSex": "Female", "plannedAge": [1]}, "arms": {"name": "A"},
                       "eligibilityCriteria": [{"category": {"decode": "Exclusion Criteria"}, "text": 7}, "x"],
                       "studyPhase": {"standardCode": {"decode": ["Phase 1"]}}}],
    )  # fmt: skip
    [s] = parse_bytes(data, "hostile.json")
    assert (s.id, s.registry) == ("ISRCTN12345678", "ISRCTN")
    assert [a.label for a in s.arms] == ["A"] and s.eligibility.sex is None and s.summary.phases == ()
    assert [c.text for c in s.eligibility.exclusion] == ["7"]
    assert s.source.warnings


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"usdmVersion": "4", "study": [1, 2]}', "not a USDM study"),
        (b'{"study": {"versions": []}, "usdmVersion": "4"}', "no versions"),
        (b'{"study": {"versions": [{"studyIdentifiers": []}]}, "usdmVersion": "4"}', "no identifier"),
        (b'{"usdmVersion": "4", "other": 1}', "not a USDM study"),
    ],
)
def test_broken_files_give_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_bytes(data, "broken.json")


def test_placeholders() -> None:
    root = {"a": [{"id": "Q1", "value": 18.0, "unit": {"decode": "Year"}}, {"id": "C1", "decode": "Phase II"}]}
    refs = References(
        root, [{"id": "D", "parameterMaps": [{"tag": "age", "reference": '<usdm:ref id="Q1" attribute="value"/>'}]}]
    )
    text = (
        '<p>At least <usdm:tag name="age"/> years, <usdm:ref klass="Code" id="C1" attribute="decode"></usdm:ref>.</p>'
    )
    assert refs.plain(text, "D") == "At least 18 years, Phase II."  # fmt: skip
    assert refs.plain('Aged <usdm:tag name="nothing"/> or more') == "Aged or more"
    assert refs.plain('<p>x</p><img src="data:image/png;base64,AAAA"/><ul><li>a</li><li>b</li></ul>') == "x\n\n- a\n- b"


def test_hostile_placeholders_are_linear() -> None:
    refs = References({}, [])
    for text in ("<usdm:ref " * 100_000, "<usdm:tag name=" * 100_000, '<usdm:ref id="x">' * 50_000):
        start = time.perf_counter()
        refs.plain(text)
        assert time.perf_counter() - start < 10


def test_many_repeated_criteria_are_bounded() -> None:
    criteria = [{"category": {"decode": "Inclusion Criteria"}, "text": f"<p>c{i}</p>"} for i in range(30_000)]
    [s] = parse_bytes(_v4(studyDesigns=[{"eligibilityCriteria": criteria}]), "many.json")
    assert 0 < len(s.eligibility.inclusion) <= 30_000 and s.source.warnings


USDM_ORIGINALS = [(p.name, p.read_bytes()) for p in (USDM / "DDF-RA_v4__observational.json", ALL[1])]


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name, original = draw(st.sampled_from(USDM_ORIGINALS))
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        data = MUTATIONS[draw(st.sampled_from(sorted(MUTATIONS)))](draw, data)  # type: ignore[arg-type]
    return name, bytes(data)


@MUTATION_PROFILE
@given(_mutated())
def test_mutations_give_studies_or_a_parse_error(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


def test_score_is_specific() -> None:
    assert usdm_json.score('{"protocolSection": {}}') == 0
    assert usdm_json.score('{"study": {"id": null, "versions": [{"id": "StudyVersion_1"') == 90


def test_usdm3_layout_identifiers_inline_and_criteria_on_the_version() -> None:
    """USDM 3 put the scope organization inside each identifier, phase and type on the version, criteria
    in `version.criteria`, interventions and dictionaries on the design, and Ranges of bare numbers."""
    sponsor = {"id": "O1", "name": "ACME", "organizationType": {"decode": "Clinical Study Sponsor"}}
    registry = {"id": "O2", "name": "EMA", "organizationType": {"decode": "Study Registry"}}
    tag_map = {"tag": "a", "reference": '<usdm:ref id="R1" attribute="minValue"/>'}
    population = {
        "plannedAge": {"id": "R1", "minValue": 18.0, "maxValue": 65.0, "unit": {"decode": "Year"}},
        "plannedEnrollmentNumber": {"minValue": 120.0, "maxValue": 120.0},
        "criterionIds": ["C1"],
    }
    criterion = {"id": "C1", "category": {"decode": "Inclusion Criteria"}, "dictionaryId": "D1"}
    version = {
        "studyIdentifiers": [
            {"studyIdentifier": "SP-1", "studyIdentifierScope": sponsor},
            {"studyIdentifier": "2020-001104-41", "studyIdentifierScope": registry},
        ],
        "studyPhase": {"standardCode": {"decode": "Phase III Trial"}},
        "studyType": {"decode": "Interventional Study"},
        "criteria": [{**criterion, "text": '<p>Aged <usdm:tag name="a"/></p>'}],
        "studyDesigns": [
            {
                "interventionModel": {"decode": "Crossover Study"},
                "trialIntentTypes": [{"decode": "Treatment Study"}],
                "studyInterventions": [{"id": "I1", "name": "X", "type": {"decode": "Biologic"}}],
                "dictionaries": [{"id": "D1", "parameterMaps": [tag_map]}],
                "population": population,
            }
        ],
    }
    data = json.dumps({"study": {"versions": [version], "documentedBy": {"versions": []}}, "usdmVersion": "3.0.0"})
    [s] = parse_bytes(data.encode(), "usdm3.json")
    assert (s.id, s.registry, s.secondary_ids) == ("2020-001104-41", "EU CTR", ("SP-1",))
    assert s.summary.sponsor == "ACME" and s.summary.phases == ("PHASE3",) and s.summary.study_type == "INTERVENTIONAL"
    assert (s.eligibility.minimum_age_raw, s.eligibility.maximum_age_years) == ("18 Years", 65)
    assert [c.text for c in s.eligibility.inclusion] == ["Aged 18"] and s.summary.enrollment == 120
    assert [(i.type, i.name) for i in s.summary.interventions] == [("BIOLOGICAL", "X")]
    assert (s.design.intervention_model, s.design.primary_purpose) == ("CROSSOVER", "TREATMENT")
    assert s.source.warnings == ()


def test_early_layout_wrapped_in_study() -> None:
    early = json.loads((USDM / "DDF-RA_early-IG__Roche_NCT04320615_COVID.json").read_text(encoding="utf-8"))
    [s] = parse_bytes(json.dumps({"study": early}).encode(), "wrapped.json")
    assert s.id == "NCT04320615" and s.summary.acronym == "COVACTA"


def test_megabyte_texts_are_cut_not_refused() -> None:
    criteria = [{"category": {"decode": "Inclusion Criteria"}, "text": "<p>" + "word " * 600_000 + "</p>"}]
    [s] = parse_bytes(_v4(studyDesigns=[{"eligibilityCriteria": criteria}], rationale="\n" * 2_000_000), "big.json")
    assert s.eligibility.inclusion and s.summary.brief_summary is None
