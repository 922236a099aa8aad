"""WHO ICTRP XML exports: golden values read off the corpus export by eye (one record per registry), edge cases,
streaming of a large export, hostile shapes and mutations."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS, DATA
from tests.core.test_properties import MUTATION_PROFILE, MUTATIONS, Draw, check_outcome
from viewer.core import extra_keys as K
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.formats import detect
from viewer.core.loader import parse_bytes, read_file
from viewer.core.model import Study
from viewer.core.parsers import ictrp_xml

EXPORT = CORPUS / "E_ictrp_xml" / "machado-t__ICTRP-Results(1).xml"
EDGES = DATA / "ictrp_xml" / "edge_cases.xml"


@pytest.fixture(scope="module")
def trials() -> dict[str, Study]:
    return {study.id: study for study in read_file(EXPORT)}


def test_detected_and_complete(trials: dict[str, Study]) -> None:
    assert detect(Document(EXPORT.name, EXPORT.read_bytes())).name == ictrp_xml.NAME
    assert len(trials) == 95
    registries = {s.registry for s in trials.values()}
    assert registries == {
        "ClinicalTrials.gov", "EU CTR", "EU CTIS", "Japan (JPRN/jRCT)", "DRKS", "NL-OMON", "ChiCTR", "CRiS (Korea)",
    }  # fmt: skip


def test_ctgov_record(trials: dict[str, Study]) -> None:
    study = trials["NCT06360289"]
    s, e = study.summary, study.eligibility
    assert study.registry == "ClinicalTrials.gov"
    assert s.brief_title is not None and s.brief_title.startswith("Observational Study of Neurofilament Light Chain")
    assert (s.overall_status_raw, s.overall_status) == ("Recruiting", "RECRUITING")
    assert s.phases == () and s.study_type == "OBSERVATIONAL"
    assert (e.minimum_age_raw, e.minimum_age_years, e.maximum_age_raw, e.maximum_age_years) == (
        "N/A",
        None,
        "N/A",
        None,
    )
    assert e.sex == "all"
    # Both headings sit in <Inclusion_Criteria>: three exclusion items.
    assert len(e.exclusion) == 3
    assert e.exclusion[2].text == "Currently enrolled in a clinical study for any investigational agent."
    assert e.inclusion[0].text.startswith("Carrier of a documented pathogenic TTR variant confirmed with genotyping")
    assert s.conditions == ("Hereditary Amyloidosis, Transthyretin-Related", "Asymptomatic Carrier State")
    assert [(i.type, i.name) for i in s.interventions] == [("OTHER", "Standard of Care")]
    assert len(study.outcomes.primary) == 2 and len(study.outcomes.secondary) == 5
    assert study.outcomes.primary[0].measure == (
        "NfL Levels in Asymptomatic Carriers of a TTR Variant and Symptomatic hATTR Patients With Polyneuropathy at "
        "Baseline"
    )
    assert study.secondary_ids == ("ALN-TTR-NT-003",)
    assert [site.country for site in study.sites] == ["France"]
    assert s.sponsor == "Alnylam Pharmaceuticals" and s.enrollment == 500
    assert (s.start_date, s.first_posted) == ("2024-04-25", "2024-04-08")
    [contact] = study.contacts
    assert (contact.name, contact.email, contact.phone) == (
        "Alnylam Clinical Trial Information Line", "clinicaltrials@alnylam.com", "1-877-ALNYLAM",
    )  # fmt: skip
    assert study.extra[K.RECORD_URL] == "https://clinicaltrials.gov/ct2/show/NCT06360289"


def test_ctis_record(trials: dict[str, Study]) -> None:
    study = trials["CTIS2023-507385-11-00"]
    s, e = study.summary, study.eligibility
    assert study.registry == "EU CTIS"
    assert (s.overall_status_raw, s.overall_status) == ("Not Recruiting", "ACTIVE_NOT_RECRUITING")
    assert s.phases == ("PHASE2", "PHASE3")  # the Yes/No flags, not every phase the text names
    assert (e.minimum_age_years, e.maximum_age_raw, e.maximum_age_years) == (18, "65+", None)
    assert e.sex == "all"
    # "... received.,2. A subject ...": the items CTIS joined with a comma are two.
    assert [c.text for c in e.inclusion] == [
        "A subject has completed or discontinued from an Intellia-sponsored clinical study in which a complete or "
        "partial dose of NTLA-2001 was received.",
        "A subject has provided informed consent for the LTFU study.",
    ]
    assert [c.text for c in e.exclusion] == ["Not applicable."]
    assert [o.measure for o in study.outcomes.primary] == ["Treatment-related SAEs", "Protocol-specified AESIs"]
    assert [o.measure for o in study.outcomes.secondary] == ["Serum TTR", "Serum prealbumin"]
    assert study.secondary_ids == ("U1111-1296-5487", "2022-003405-30", "NCT05697861")
    assert [site.country for site in study.sites] == ["Sweden", "United Kingdom", "New Zealand"]
    assert s.collaborators == ("Medpace Finland Oy",)
    assert s.brief_summary is not None and s.brief_summary.startswith("Main objective: To evaluate the long-term")
    assert "Cardiac amyloidosis" in s.conditions and study.extra[K.MEDDRA_TERMS].startswith("Cardiac amyloidosis")


def test_eu_register_record(trials: dict[str, Study]) -> None:
    study = trials["EUCTR2021-000037-14-DK"]
    s, e = study.summary, study.eligibility
    assert study.registry == "EU CTR"
    assert (s.overall_status_raw, s.overall_status) == ("Authorised", "NOT_YET_RECRUITING")
    assert s.phases == ("PHASE3",)
    # No age limits in the record: the age groups appended to its criteria give them (and leave the criteria).
    assert (e.minimum_age_years, e.maximum_age_years) == (18, None)
    assert study.extra[K.AGE_GROUPS] == "Adults (18-64 years), Elderly (>=65 years)"
    assert len(e.inclusion) == 6 and len(e.exclusion) == 12
    assert e.inclusion[-1].text == "A comprehensive list of inclusion criteria can be found in the protocol."
    [primary] = study.outcomes.primary
    assert primary.measure == "Time to all-cause mortality during the Double-blind Phase"
    assert primary.time_frame == (
        "Time from the first dose of study drug until death or end of the Doubleblind Phase over 9 months"
    )
    assert len(study.outcomes.secondary) == 2
    assert study.secondary_ids == ("NEOD001-301", "NCT04973137", "146070")
    assert len(study.sites) == 23 and study.sites[0].country == "Hungary"
    assert "Primary amyloidosis" in s.conditions
    assert [i.name for i in s.interventions] == ["Birtamimab", "Placebo"]
    assert (study.design.allocation, study.design.masking) == ("RANDOMIZED", "DOUBLE")


def test_registries_with_their_own_wording(trials: dict[str, Study]) -> None:
    jrct = trials["JPRN-jRCT2071210009"]
    e = jrct.eligibility
    assert (e.minimum_age_raw, e.minimum_age_years, e.maximum_age_raw, e.maximum_age_years) == (
        ">= 20age old", 20, "<= 82age old", 82,
    )  # fmt: skip
    assert jrct.summary.phases == ("PHASE3",)
    assert len(e.inclusion) == 4 and len(e.inclusion[3].children) == 3 and len(e.exclusion) == 10
    assert len(jrct.outcomes.primary) == 5 and len(jrct.outcomes.secondary) == 5
    assert jrct.secondary_ids == ("NCT04136184", "2019-001698-10")
    assert len(jrct.sites) == 12  # "Japan" repeated after every country, once here
    assert [i.name for i in jrct.summary.interventions] == ["ION-682884", "Inotersen"]

    drks = trials["DRKS00032447"]
    assert (drks.eligibility.minimum_age_years, drks.eligibility.maximum_age_years) == (None, 18)
    assert len(drks.eligibility.inclusion) == 2 and len(drks.eligibility.exclusion) == 2
    assert len(drks.outcomes.secondary) == 7
    assert [s.country for s in drks.sites] == ["Austria", "Germany"]

    kct = trials["KCT0000379"]
    assert kct.registry == "CRiS (Korea)" and kct.summary.phases == ("PHASE1", "PHASE2")
    assert (kct.eligibility.minimum_age_years, kct.eligibility.maximum_age_years) == (60, 80)
    assert len(kct.eligibility.inclusion) == 3
    assert kct.summary.interventions[0].type == "RADIATION"

    chictr = trials["ChiCTR2100050713"]
    assert chictr.summary.phases == ()  # "0" in an observational study is no phase
    assert len(chictr.eligibility.exclusion) == 13
    assert [o.measure for o in chictr.outcomes.primary] == ["Apolipoprotein A1", "serum amyloid A"]
    assert chictr.summary.enrollment == 100 and chictr.extra[K.TARGET_SIZE] == "control group:50;sepsis group:50;"


def test_copies_merged_by_ictrp_are_shown_once(trials: dict[str, Study]) -> None:
    study = trials["NCT00630864"]
    assert len(study.eligibility.inclusion) == 6
    assert [i.name for i in study.summary.interventions] == ["Fx-1006A"]
    assert len(study.outcomes.primary) == 1
    assert any("4 times" in w for w in study.source.warnings)


def test_edge_cases() -> None:
    ctri, euctr, anzctr = read_file(EDGES)
    assert ctri.id == "CTRI/2020/01/012345" and ctri.registry == "CTRI"
    assert any("no TrialID" in w for w in ctri.source.warnings)
    assert ctri.secondary_ids == ("U1111-1244-5678",)  # "NIL" is no id; "UTN " is a label
    assert (ctri.eligibility.minimum_age_years, ctri.eligibility.maximum_age_years) == (18, 65)
    assert [c.text for c in ctri.eligibility.exclusion] == ["Pregnancy", "Other lung disease"]
    assert [(o.measure, o.time_frame) for o in ctri.outcomes.primary] == [("FEV1", "12 weeks")]
    assert [i.name for i in ctri.summary.interventions] == ["Drug A: 10 mg daily", "Placebo: matching tablet"]
    assert ctri.summary.enrollment == 60 and ctri.summary.conditions == ("J459- Asthma, unspecified",)
    assert euctr.registry == "EU CTR" and euctr.id == "EUCTR2020-000123-45-DE"
    assert euctr.secondary_ids == ("ABC-123", "NCT01234567", "2020-000123-45-FR")
    assert euctr.eligibility.sex == "male" and euctr.summary.phases == ("PHASE1", "PHASE2")
    assert [c.text for c in euctr.eligibility.inclusion] == ["Men with prostate cancer"]
    assert anzctr.registry == "ANZCTR" and anzctr.summary.overall_status == "TERMINATED"
    assert (anzctr.eligibility.minimum_age_years, anzctr.eligibility.maximum_age_years) == (18, None)
    assert anzctr.eligibility.sex == "all" and anzctr.summary.phases == ("PHASE2", "PHASE3")
    assert [s.country for s in anzctr.sites] == ["Australia", "New Zealand", "Iran (Islamic Republic of)"]
    assert anzctr.secondary_ids == ()


# --- streaming and hostile shapes -----------------------------------------------------------------------


def _export(trials: bytes) -> bytes:
    return (
        b"<?xml version='1.0' encoding='UTF-8' ?>\n<Trials_downloaded_from_ICTRP>"
        + trials
        + b"</Trials_downloaded_from_ICTRP>"
    )


def test_a_large_export_streams() -> None:
    one = (
        b"<Trial><TrialID>NCT%08d\n    </TrialID><Public_title>Trial %d</Public_title>"
        b"<Countries>France;Germany</Countries><Primary_outcome>A;B</Primary_outcome></Trial>\n"
    )
    data = _export(b"".join(one % (i, i) for i in range(10_000)))
    doc = Document("big.xml", data)
    started = time.perf_counter()
    stream = ictrp_xml.parse(doc)
    assert next(stream).id == "NCT00000000"
    assert sum(1 for _ in stream) == 9_999
    assert time.perf_counter() - started < 60


def test_hostile_fields_are_bounded() -> None:
    many_ids = b"<Secondary_ID>" + b";".join(b"ID%d" % i for i in range(100_000)) + b"</Secondary_ID>"
    huge = b"<Inclusion_Criteria>" + b"word &lt;br&gt;" * 200_000 + b"</Inclusion_Criteria>"
    children = b"<Secondary_ID>X</Secondary_ID>" * 100_000
    trial = b"<Trial><TrialID>NCT01234567</TrialID>" + many_ids + huge + children + b"</Trial>"
    started = time.perf_counter()
    [study] = parse_bytes(_export(trial), "hostile.xml")
    assert len(study.secondary_ids) <= 20_000 and study.source.warnings
    assert time.perf_counter() - started < 60


def test_no_trial_with_an_id_is_refused() -> None:
    with pytest.raises(ParseError, match="no study found"):
        parse_bytes(_export(b"<Trial><Public_title>x</Public_title></Trial>" * 1000), "noid.xml")


def test_the_other_layout_is_not_mistaken_for_this_one() -> None:
    with pytest.raises(ParseError):
        parse_bytes(b"<Trials><Trial><main><trial_id>NCT01234567</trial_id></main></Trial></Trials>", "other.xml")


def test_entities_are_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Trials_downloaded_from_ICTRP/>'
    with pytest.raises(ParseError, match="refused"):
        parse_bytes(data, "entities.xml")


# --- mutations: studies or a ParseError, nothing else ---------------------------------------------------

ORIGINALS = [
    (EDGES.name, EDGES.read_bytes()),
    (EXPORT.name, EXPORT.read_bytes()[:40_000] + b"</Trial></Trials_downloaded_from_ICTRP>"),
]


@st.composite
def mutated(draw: Draw) -> tuple[str, bytes]:
    name, original = draw(st.sampled_from(ORIGINALS))  # type: ignore[misc]
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):  # type: ignore[call-overload]
        data = MUTATIONS[draw(st.sampled_from(sorted(MUTATIONS)))](draw, data)  # type: ignore[index]
    return name, bytes(data)


@MUTATION_PROFILE
@given(mutated())
def test_mutations_give_studies_or_a_parse_error(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


FIELDS = ["Inclusion_Criteria", "Condition", "Intervention", "Primary_outcome", "Study_design", "Phase",
          "Inclusion_gender", "Target_size", "Countries", "Contact_Lastname", "Secondary_ID"]  # fmt: skip


@MUTATION_PROFILE
@given(st.text(max_size=300), st.sampled_from(FIELDS))
def test_any_text_in_any_field(text: str, tag: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "surrogatepass")
    trial = b"<Trial><TrialID>NCT01234567</TrialID><%s>%s</%s></Trial>" % (tag.encode(), escaped, tag.encode())
    check_outcome(_export(trial), "field.xml")
