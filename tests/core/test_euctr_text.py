"""EU Clinical Trials Register full-text downloads: golden values read off the corpus files by eye, the
member-state merge, the download whose line breaks were lost, hostile shapes and mutations."""

from __future__ import annotations

import re
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
from viewer.core.model import Criterion, Study
from viewer.core.parsers import euctr_text

FOLDER = CORPUS / "D_euctr_text"
FLAT = FOLDER / "eudract-py__one_study_full_2015-001314-10.txt"
TWO_TRIALS = FOLDER / "ctrdata__sample_trials_euctr_2021-002179-21_2022-002568-62.txt"
FIXTURE = DATA / "euctr_text" / "two_states_with_ids.txt"


def texts(items: tuple[Criterion, ...]) -> list[str]:
    return [item.text for item in items]


@pytest.fixture(scope="module")
def flat() -> Study:
    [study] = read_file(FLAT)
    return study


@pytest.fixture(scope="module")
def two() -> list[Study]:
    return read_file(TWO_TRIALS)


def test_detected() -> None:
    for path in (FLAT, TWO_TRIALS, FIXTURE):
        assert detect(Document(path.name, path.read_bytes())).name == euctr_text.NAME


# --- the download whose line breaks were lost (2015-001314-10, four member states) -----------------------


def test_flat_summary(flat: Study) -> None:
    s = flat.summary
    assert flat.id == "2015-001314-10" and flat.registry == "EU CTR"
    assert s.official_title == (
        "A Randomized, Double-blind, 52-week, Placebo Controlled Efficacy and Safety Study of Dupilumab, in Patients "
        "with Bilateral Nasal Polyposis on a Background Therapy with Intranasal Corticosteroids"
    )
    assert s.brief_title == "Controlled Clinical Study of Dupilumab in Patients with Nasal Polyps"
    assert s.acronym == "SINUS-52"  # stated only in the Portuguese block
    assert (s.overall_status_raw, s.overall_status) == ("Completed", "COMPLETED")
    assert s.phases == ("PHASE3",)
    assert s.study_type == "INTERVENTIONAL"
    assert s.sponsor == "SANOFI-AVENTIS RECHERCHE ET DEVELOPPEMENT"
    assert s.conditions == ("Bilateral nasal polyposis", "Nasal polyps")
    assert (s.enrollment, s.enrollment_type) == (720, "ESTIMATED")
    assert s.completion_date == "2018-11-16"
    assert flat.secondary_ids == ("EFC14280", "U1111-1170-7180")
    assert euctr_text.FLAT_WARNING in flat.source.warnings


def test_flat_eligibility(flat: Study) -> None:
    e = flat.eligibility
    assert (e.minimum_age_years, e.maximum_age_years) == (18, None)
    assert (e.minimum_age_raw, e.maximum_age_raw) == ("Adults (18-64 years)", "Elderly (>=65 years)")
    assert e.sex == "all" and e.healthy_volunteers is False
    # E.3: two dash items, the first a lead-in ("... have:") over two indented ones.
    assert len(e.inclusion) == 2
    assert e.inclusion[1].text == "Signed written informed consent."
    assert texts(e.inclusion[0].children)[0].startswith("An endoscopic bilateral NPS of at least 5 out of a maximum")
    # E.4: seventeen dash items; "such as:" keeps its six conditions (joined by ",  -" in the flattened text).
    assert len(e.exclusion) == 17
    assert e.exclusion[0].text == "Patients <18 years of age."
    such_as = e.exclusion[6]
    assert such_as.text.endswith("such as:") and len(such_as.children) == 6
    assert such_as.children[1].text == "Nasal septal deviation that would occlude at least one nostril,"
    assert e.exclusion[-1].text.startswith("Women unwilling to use adequate birth control")


def test_flat_outcomes(flat: Study) -> None:
    o = flat.outcomes
    assert len(o.primary) == 3 and len(o.secondary) == 10
    assert o.primary[1].measure == "Change from baseline in NPS as assessed by nasal endoscopy"
    assert o.primary[0].time_frame == "1-2-3 : From baseline to Week 24"
    assert o.secondary[-1].measure == "Change from baseline in NPS for q2w/q4w (Arm B) versus placebo (Arm C)"


def test_flat_member_states(flat: Study) -> None:
    assert [(s.facility, s.country, s.status) for s in flat.sites] == [
        ("Sweden - MPA", "Sweden", "COMPLETED"),
        ("Portugal - INFARMED", "Portugal", "COMPLETED"),
        ("Spain - AEMPS", "Spain", "COMPLETED"),
        ("Belgium - FPS Health-DGM", "Belgium", "COMPLETED"),
    ]
    assert [c.name for s in flat.sites for c in s.contacts] == [
        "Country Team Manager Sweden", "Ana Margarida Gonçalves", "Unidad de Estudios Clínicos", "Brigitte De Witte",
    ]  # fmt: skip
    assert flat.sites[0].contacts[0].email == "clinicaltrials.sweden@sanofi.com"
    details = flat.extra[K.MEMBER_STATE_DETAILS]
    assert "Portugal - INFARMED\n" in details and "F.4.1 In the member state: 18" in details
    assert flat.extra[K.COUNTRIES] == "Sweden, Portugal, Spain, Belgium"
    assert flat.extra[K.PLANNED_SITE_REGIONS].startswith("Argentina, Australia, Belgium, Canada, Chile")
    assert "Russian Federation" in flat.extra[K.PLANNED_SITE_REGIONS]


def test_flat_design_and_interventions(flat: Study) -> None:
    d = flat.design
    assert (d.allocation, d.masking, d.intervention_model, d.number_of_arms) == ("RANDOMIZED", "DOUBLE", "PARALLEL", 3)
    names = [(i.name, i.type) for i in flat.summary.interventions]
    assert names == [("dupilumab", "BIOLOGICAL"), ("Placebo", "DRUG")]
    assert "SAR231893" in flat.summary.interventions[0].other_names


# --- two trials, ten member-state blocks, one state twice (ctrdata sample) -------------------------------


def test_one_study_per_eudract_number(two: list[Study]) -> None:
    assert [s.id for s in two] == ["2022-002568-62", "2021-002179-21"]
    assert [s.source.record for s in two] == [0, 1]


def test_gene_therapy_trial(two: list[Study]) -> None:
    study = two[0]
    s, e = study.summary, study.eligibility
    assert s.phases == ("PHASE1", "PHASE2")
    assert (s.overall_status_raw, s.overall_status) == ("Ongoing", "RECRUITING")
    assert s.sponsor == "AviadoBio Ltd"
    assert s.interventions[0].type == "GENETIC" and s.interventions[0].other_names == ("AVB-101",)
    assert study.secondary_ids == ("AVB-PGRN-001",)
    # The first (Spanish) block is the trial's record: six inclusion items, twelve exclusion items.
    assert len(e.inclusion) == 6 and len(e.exclusion) == 12
    assert e.inclusion[0].text == "Male or female, 30 to 75 years of age, inclusive, at Screening;"
    assert (e.minimum_age_years, e.maximum_age_years, e.sex) == (18, None, "all")
    assert study.design.masking == "NONE" and study.design.allocation is None
    assert len(study.outcomes.primary) == 7 and len(study.outcomes.secondary) == 4
    assert study.outcomes.primary[0].description == "Over a 26-week initial and 5year total follow up period:"
    assert study.outcomes.secondary[1].description == "Over a 52-week initial and 5-year total follow up period:"
    # Sweden has two blocks: one site; the second block's own wording is kept in the details.
    assert [site.facility for site in study.sites] == ["Spain - AEMPS", "Sweden - MPA"]
    details = study.extra[K.MEMBER_STATE_DETAILS]
    assert details.count("Sweden - MPA\n") == 2
    translations = study.extra[K.NATIONAL_LANGUAGE_TEXTS]
    assert translations.startswith("Spain - AEMPS (es)\nA.3 Full title of the trial: Estudio de fase 1/2")
    assert "E.3 Principal inclusion criteria: 1. Ser varón o mujer" in translations
    assert "F.4.2.2 In the whole clinical trial: 9" in details


def test_masitinib_trial(two: list[Study]) -> None:
    study = two[1]
    e = study.eligibility
    assert study.summary.phases == ("PHASE3",)
    # E.1.1 is empty in the French block: the condition comes from the next state that states it.
    assert study.summary.conditions[0] == "Alzheimer's disease"
    assert "Early onset Alzheimer's disease" in study.summary.conditions
    # Thirteen numbered inclusion items ("Other inclusion criteria" is a heading), 21 exclusion items.
    assert len(e.inclusion) == 13 and len(e.exclusion) == 21
    assert texts(e.inclusion[3].children) == [
        "A positive amyloid PET scan",
        "Alternatively, a-beta 1-42 <1000pg/ml AND p-tau >19pg/ml OR a p-tau/a-beta ratio > 0.024, as measured by "
        "a central laboratory according to the Elecsys assay for Cerebrospinal fluid (CSF) biomarkers;",
    ]
    assert len(study.outcomes.primary) == 2 and len(study.outcomes.secondary) == 8
    assert study.outcomes.secondary[0].measure == "Time to severe dementia (MMSE<10)"
    assert study.outcomes.primary[0].time_frame == "week 24"
    assert [s.country for s in study.sites] == ["France", "Spain", "Greece", "Poland", "Portugal", "Hungary"]
    assert study.design.number_of_arms == 2 and study.summary.enrollment == 600
    assert [i.name for i in study.summary.interventions] == ["Masitinib", "Masitinib", "Placebo", "Placebo"]


# --- a small hand-written download: identifiers, statuses that differ, children -------------------------


def test_ids_statuses_and_children_ages() -> None:
    [study] = read_file(FIXTURE)
    assert study.secondary_ids == ("PED-204", "ISRCTN12345678", "NCT04012345", "U1111-1234-5678", "123456")
    assert study.summary.overall_status_raw == "Completed (DE); Prematurely Ended (NL)"
    assert study.summary.overall_status == "COMPLETED"
    assert [s.status for s in study.sites] == ["COMPLETED", "TERMINATED"]
    e = study.eligibility
    assert (e.minimum_age_years, e.maximum_age_years) == (2, 17)
    assert study.extra[K.AGE_GROUPS] == "Children (2-11years): 40 subjects; Adolescents (12-17 years): 60 subjects"
    assert study.summary.collaborators == ("University Hospital Example",)
    assert study.extra[K.INVESTIGATOR_NETWORKS] == "European Paediatric Asthma Network, Netherlands"
    assert study.summary.interventions[0].name == "Xalair"
    assert [o.measure for o in study.outcomes.secondary] == ["Exacerbations", "Rescue medication use"]
    assert (
        "E.3 Principal inclusion criteria: 1. Age 6 to 17 years\n2. Asthma for at least 12 months"
        in (study.extra[K.MEMBER_STATE_DETAILS])
    )


def test_flattening_the_line_structured_download_keeps_the_facts(two: list[Study]) -> None:
    """The same download with its line breaks removed reads into the same trials, states and flags."""
    data = TWO_TRIALS.read_bytes().replace(b"\r", b"").replace(b"\n", b"")
    studies = parse_bytes(data, "flattened.txt")
    assert [s.id for s in studies] == [s.id for s in two]
    for got, want in zip(studies, two, strict=True):
        assert got.summary.official_title == want.summary.official_title
        assert got.summary.phases == want.summary.phases
        assert [s.facility for s in got.sites] == [s.facility for s in want.sites]
        assert got.eligibility.sex == want.eligibility.sex
        assert got.eligibility.minimum_age_years == want.eligibility.minimum_age_years
        assert euctr_text.FLAT_WARNING in got.source.warnings


# --- hostile shapes: bounded and linear -----------------------------------------------------------------

HEADER = b"This file contains full details on each clinical trial selected for download.\n\n"


def _block(number: str, state: str = "Spain - AEMPS", extra: bytes = b"") -> bytes:
    return (
        b"Summary\nEudraCT Number: " + number.encode() + b"\nNational Competent Authority: " + state.encode()
        + b"\nTrial Status: Ongoing\n\nA. Protocol Information\nA.1 Member State Concerned: " + state.encode()
        + b"\nA.2 EudraCT number: " + number.encode() + b"\nA.3 Full title of the trial: Trial " + number.encode()
        + b"\n" + extra + b"\nP. End of Trial\nP. End of Trial Status: Ongoing\n\n"
    )  # fmt: skip


def test_many_trials_stream_in_order() -> None:
    data = HEADER + b"".join(_block(f"2020-{i:06d}-10") for i in range(2000))
    doc = Document("many.txt", data)
    started = time.perf_counter()
    first = next(euctr_text.parse(doc))
    assert first.id == "2020-000000-10"
    assert len(list(euctr_text.parse(doc))) == 2000
    assert time.perf_counter() - started < 20


def test_blank_line_flood_and_a_megabyte_line() -> None:
    flood = b"\n" * 200_000 + b"E.3 Principal inclusion criteria: " + b"x" * 1_000_000 + b"\n"
    [study] = parse_bytes(HEADER + _block("2020-000001-10", extra=flood), "flood.txt")
    assert study.id == "2020-000001-10"
    assert len(study.eligibility.criteria_text or "") > 1_000_000


def test_many_repeated_fields_are_bounded() -> None:
    many = b"".join(b"B.1.1 Name of Sponsor: Sponsor %d\n" % i for i in range(100_000))
    started = time.perf_counter()
    [study] = parse_bytes(HEADER + _block("2020-000002-10", extra=many), "many.txt")
    assert len(study.summary.collaborators) <= 20_000
    assert any("collaborators" in w for w in study.source.warnings)
    assert time.perf_counter() - started < 30


def test_a_block_without_a_number_is_refused() -> None:
    data = HEADER + b"Summary\nTrial Status: Ongoing\n\nA. Protocol Information\nA.3 Full title of the trial: X\n"
    with pytest.raises(ParseError, match="no EudraCT number"):
        parse_bytes(data, "nonumber.txt")


def test_only_the_preamble_is_refused() -> None:
    with pytest.raises(ParseError, match="no study found"):
        parse_bytes(HEADER, "preamble.txt")


def test_criteria_lines_that_look_like_codes_stay_text() -> None:
    extra = b"E.3 Principal inclusion criteria: Part A:\nA.1 Adults\nB. Males: fertile\n"
    extra += b"E.4 Principal exclusion criteria: None\n"
    [study] = parse_bytes(HEADER + _block("2020-000003-10", extra=extra), "codes.txt")
    text = study.eligibility.criteria_text or ""
    assert "A.1 Adults" in text and "B. Males: fertile" in text


# --- mutations of the real files: studies or a ParseError, nothing else --------------------------------

ORIGINALS = [(p.name, p.read_bytes()) for p in (FLAT, FIXTURE)] + [(TWO_TRIALS.name, TWO_TRIALS.read_bytes()[:60_000])]


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


@MUTATION_PROFILE
@given(st.text(alphabet="ABDEFNP.0123456789 :\n\tYesNo-•abc", max_size=400))
def test_code_soup_never_breaks_the_reader(text: str) -> None:
    check_outcome(HEADER + text.encode(), "soup.txt")


def test_every_corpus_file_opens() -> None:
    for path in sorted(FOLDER.glob("*.txt")):
        studies = read_file(path)
        assert studies and all(re.fullmatch(r"\d{4}-\d{6}-\d{2}", s.id) for s in studies)
