"""ClinicalTrials.gov API v1 ("classic") JSON: golden values read off the files, the legacy XML of the same
trials, streaming pages, hostile shapes and mutations."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS
from tests.core.test_properties import MUTATION_PROFILE, MUTATIONS, check_outcome
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.formats import detect
from viewer.core.loader import parse_bytes, read_file
from viewer.core.model import Study
from viewer.core.parsers import ctgov_v1_json

V1 = CORPUS / "A1_ctgov_api_v1_classic_json"
LEGACY = CORPUS / "B_ctgov_legacy_xml"


def _one(path: Path) -> Study:
    [study] = read_file(path)
    return study


def _texts(items: tuple[object, ...]) -> list[str]:
    return [item.text for item in items]  # type: ignore[attr-defined]


def test_single_study_golden() -> None:
    s = _one(V1 / "aact__NCT04780763.json")
    assert s.id == "NCT04780763" and s.registry == "ClinicalTrials.gov"
    assert s.source.format == "ctgov-api-v1-json" and s.source.warnings == ()
    assert s.secondary_ids == ("NU391", "S64737")
    assert s.summary.acronym == "Tara"
    assert s.title.startswith("Effect of 4-week Oral Administration of a Fermented Dairy Product")
    assert (s.summary.overall_status_raw, s.summary.overall_status) == ("Not yet recruiting", "NOT_YET_RECRUITING")
    assert s.summary.phases == ("NA",) and s.summary.study_type == "INTERVENTIONAL"
    assert s.summary.sponsor == "Danone Research"
    assert (s.summary.enrollment, s.summary.enrollment_type) == (168, "ESTIMATED")
    assert (s.summary.start_date, s.summary.completion_date) == ("2021-03-04", "2021-07-31")
    e = s.eligibility
    assert (e.sex, e.healthy_volunteers) == ("female", True)
    assert (e.minimum_age_raw, e.minimum_age_years, e.maximum_age_raw, e.maximum_age_years) == (
        "20 Years", 20, "30 Years", 30)  # fmt: skip
    assert len(e.inclusion) == 8 and len(e.exclusion) == 8
    assert e.inclusion[1].text == "SI02: Women of 20 to 30 years of age inclusive"
    assert e.exclusion[-1].text == (
        "SE9: Pregnant woman or woman planning to become pregnant during the study; breast-feeding woman."
    )
    assert e.criteria_text and e.criteria_text.startswith("Inclusion Criteria:\n\nSI01: Free-living")
    assert (len(s.outcomes.primary), len(s.outcomes.secondary), len(s.outcomes.other)) == (1, 4, 0)
    assert s.outcomes.primary[0].time_frame == "At Baseline and after stress challenge (4 weeks after baseline)."
    d = s.design
    assert (d.allocation, d.intervention_model, d.primary_purpose, d.masking) == (
        "RANDOMIZED", "PARALLEL", "SUPPORTIVE_CARE", "QUADRUPLE")  # fmt: skip
    assert d.who_masked == ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR")
    assert [(a.type, a.interventions) for a in s.arms] == [
        ("ACTIVE_COMPARATOR", ("Other: Milk product fermented by lactic bacteria or not fermented",)),
        ("PLACEBO_COMPARATOR", ("Other: Milk product fermented by lactic bacteria or not fermented",)),
    ]
    assert [(i.type, i.name) for i in s.summary.interventions] == [
        ("OTHER", "Milk product fermented by lactic bacteria or not fermented")
    ]
    assert [(c.name, c.role, c.email) for c in s.contacts] == [
        ("Silvia MIRET-CATALAN", "CONTACT", "silvia.miret-catalan@danone.com"),
        ("Jennifer LOURENCO", "CONTACT", "Jennifer.lourenco@danone.com"),
    ]
    assert s.officials[0].name == "Rim HASSOUNA, PhD"
    [site] = s.sites
    assert site.country == "Belgium"
    assert [(c.name, c.role) for c in site.contacts] == [
        ("Karlien Geboers", "CONTACT"), ("Tim Vanuytsel, MD Prof.", "PRINCIPAL_INVESTIGATOR")]  # fmt: skip
    assert s.extra["Gender based"] == "Yes" and s.extra["Start date type"] == "ESTIMATED"


def test_page_golden_and_record_positions() -> None:
    studies = read_file(V1 / "aact__results_2.json")
    assert [s.id for s in studies] == ["NCT04779463", "NCT04779450", "NCT04779437"]
    assert [s.source.record for s in studies] == [0, 1, 2]
    s = studies[0]
    assert s.summary.brief_title == (
        "Role of Ultrasound Assessment of Parasternal Intercostal Muscle Thickness During Weaning From "
        "Mechanical Ventilation"
    )
    assert s.secondary_ids == ("Parasternal Intercostals US",)
    assert s.summary.phases == () and s.summary.study_type == "OBSERVATIONAL"
    assert (s.summary.overall_status_raw, s.summary.overall_status) == ("Recruiting", "RECRUITING")
    e = s.eligibility
    assert (e.sex, e.minimum_age_years, e.maximum_age_years, e.healthy_volunteers) == ("all", 18, 80, False)
    # A lead-in paragraph and the list after it (one item per line: v1 dropped the list markers).
    assert len(e.inclusion) == 2 and e.inclusion[1].text == "All patients will be:"
    assert _texts(e.inclusion[1].children)[:3] == [
        "Alert.", "Afebrile.", "Adequate cough with absence of excessive tracheobronchial secretion."]  # fmt: skip
    assert len(e.inclusion[1].children) == 12 and len(e.exclusion) == 12
    assert e.exclusion[1].text == "Pregnant women."
    assert e.study_population and e.study_population.startswith("All patients are invasively mechanically")
    assert len(s.outcomes.primary) == 1
    [site] = s.sites
    assert (site.facility, site.city, site.country, site.status) == (
        "Faculty of Medicine - Menoufia University", "Shibīn Al Kawm", "Egypt", "RECRUITING")  # fmt: skip
    assert [s.sites[0].country for s in studies[1:]] == ["Brazil", "Germany"]
    assert studies[1].summary.phases == ("NA",)


def test_registry_ids_among_secondary_ids() -> None:
    s = _one(V1 / "aact__NCT02028676.json")
    assert "24791884" in s.secondary_ids  # the ISRCTN, as the record states it
    assert s.extra["Secondary IDs"].startswith("24791884 (Registry Identifier, ISRCTN)")


def test_hundred_study_pages_stream() -> None:
    doc = Document(str(V1 / "aact__covid-19-search.json"), (V1 / "aact__covid-19-search.json").read_bytes())
    studies = ctgov_v1_json.parse(doc)
    first = next(studies)
    assert first.id == "NCT04973462" and first.source.record == 0
    rest = list(studies)
    assert len(rest) == 99 and len({s.id for s in [first, *rest]}) == 100
    assert all(s.summary.conditions for s in rest)


@pytest.mark.parametrize("nct", ["NCT00023673", "NCT02028676"])
def test_agrees_with_the_legacy_xml_of_the_same_trial(nct: str) -> None:
    v1, xml = _one(V1 / f"aact__{nct}.json"), _one(LEGACY / f"aact__{nct}.xml")
    assert v1.id == xml.id and set(xml.secondary_ids) <= set(v1.secondary_ids)
    a, b = v1.summary, xml.summary
    for field in ("brief_title", "official_title", "acronym", "overall_status", "phases", "study_type", "sponsor",
                  "collaborators", "conditions", "keywords", "enrollment", "enrollment_type", "start_date",
                  "primary_completion_date", "completion_date", "first_posted", "last_update_posted"):  # fmt: skip
        assert getattr(a, field) == getattr(b, field), field
    assert [(i.type, i.name) for i in a.interventions] == [(i.type, i.name) for i in b.interventions]
    for field in ("minimum_age_years", "maximum_age_years", "sex", "healthy_volunteers"):
        assert getattr(v1.eligibility, field) == getattr(xml.eligibility, field), field
    assert [len(getattr(v1.outcomes, k)) for k in ("primary", "secondary", "other")] == [
        len(getattr(xml.outcomes, k)) for k in ("primary", "secondary", "other")
    ]
    assert [o.measure for o in v1.outcomes.primary] == [o.measure for o in xml.outcomes.primary]
    assert [(x.facility, x.city, x.country) for x in v1.sites] == [(x.facility, x.city, x.country) for x in xml.sites]
    assert [(o.name, o.role) for o in v1.officials] == [(o.name, o.role) for o in xml.officials]
    arms = [[(x.label, x.type, x.interventions) for x in s.arms] for s in (v1, xml)]
    assert arms[0] == arms[1]
    assert v1.design.model_dump(exclude={"intervention_model_description", "masking_description"}) == (
        xml.design.model_dump(exclude={"intervention_model_description", "masking_description"})
    )
    # The v1 copy is the newer one (2023 against 2018): it may list more publications, never fewer.
    assert {r.pmid for r in xml.references} <= {r.pmid for r in v1.references}


def _page(*studies: object, key: str = "FullStudies") -> bytes:
    return json.dumps({"FullStudiesResponse": {"APIVrs": "1.01.05", key: studies}}).encode()


def _study(**protocol: object) -> dict[str, object]:
    ident = {"NCTId": "NCT01234567", "BriefTitle": "A trial"}
    return {"Rank": 1, "Study": {"ProtocolSection": {"IdentificationModule": ident, **protocol}}}


def test_hostile_shapes_are_coerced_not_split() -> None:
    study = _study(
        ConditionsModule={"ConditionList": {"Condition": "Diabetes"}, "KeywordList": "oops"},
        DesignModule={"PhaseList": {"Phase": ["Phase 2", 3, None]}, "EnrollmentInfo": {"EnrollmentCount": [1]}},
        EligibilityModule={"Gender": ["All"], "MinimumAge": 18, "EligibilityCriteria": {"text": "x"}},
        ContactsLocationsModule={"LocationList": {"Location": {"LocationCountry": "France"}}},
    )
    [s] = parse_bytes(_page(study), "hostile.json")
    assert s.summary.conditions == ("Diabetes",) and s.summary.keywords == ()
    assert s.summary.phases == ("PHASE2",) and s.summary.enrollment is None
    assert s.eligibility.sex is None and s.eligibility.minimum_age_years == 18
    assert [x.country for x in s.sites] == ["France"]
    assert s.source.warnings


def test_single_full_study_and_bare_study() -> None:
    full = json.dumps({"FullStudy": _study()}).encode()
    assert [s.id for s in parse_bytes(full, "one.json")] == ["NCT01234567"]
    bare = json.dumps(_study()["Study"]).encode()
    assert [s.id for s in parse_bytes(bare, "bare.json")] == ["NCT01234567"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_page(_study(), {"Rank": 2, "Study": {"DerivedSection": {}}}), "record 2 has no ProtocolSection"),
        (_page({"Rank": 1, "Study": {"ProtocolSection": {"IdentificationModule": {}}}}), "no NCTId"),
        (_page(_study())[:-20], "not valid JSON"),
        (_page(_study()) + b" trailing", "extra data"),
        (_page(), "no study found"),
    ],
)
def test_broken_pages_give_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_bytes(data, "broken.json")


def test_streamed_page_keeps_what_came_before_a_break() -> None:
    data = _page(_study(), _study())
    doc = Document("cut.json", data[: data.rindex(b"Rank") - 4])
    studies = ctgov_v1_json.parse(doc)
    assert next(studies).id == "NCT01234567"
    with pytest.raises(ParseError, match="not valid JSON"):
        list(studies)


def test_detection_is_specific() -> None:
    head = Document("x.json", (V1 / "aact__results_2.json").read_bytes()).head
    assert ctgov_v1_json.score(head) == 95
    assert detect(Document("x.json", _page(_study()))).name == "ctgov-api-v1-json"
    assert ctgov_v1_json.score('{"protocolSection": {"identificationModule": {}}}') == 0


def test_many_repeated_locations_are_bounded() -> None:
    locations = [{"LocationFacility": f"Site {i}", "LocationCountry": "France"} for i in range(100_000)]
    data = _page(_study(ContactsLocationsModule={"LocationList": {"Location": locations}}))
    [s] = parse_bytes(data, "big.json")
    assert 0 < len(s.sites) <= 100_000
    assert all(site.country == "France" for site in s.sites[:10])


V1_ORIGINALS = [(p.name, p.read_bytes()) for p in (V1 / "aact__NCT04780763.json", V1 / "aact__results_2.json")]


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name, original = draw(st.sampled_from(V1_ORIGINALS))
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        data = MUTATIONS[draw(st.sampled_from(sorted(MUTATIONS)))](draw, data)  # type: ignore[arg-type]
    return name, bytes(data)


@MUTATION_PROFILE
@given(_mutated())
def test_mutations_give_studies_or_a_parse_error(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


def test_blank_line_floods_and_megabyte_criteria() -> None:
    start = time.perf_counter()
    flood = _study(EligibilityModule={"EligibilityCriteria": "Inclusion Criteria:\n" + "\n" * 1_000_000 + "- age"})
    [s] = parse_bytes(_page(flood), "flood.json")
    assert [c.text for c in s.eligibility.inclusion] == ["age"]
    lines = "\n".join(f"line {i}" for i in range(200_000))
    [s] = parse_bytes(_page(_study(EligibilityModule={"EligibilityCriteria": lines})), "lines.json")
    assert len(s.eligibility.inclusion) == 20_000 or s.source.warnings
    assert time.perf_counter() - start < 60
