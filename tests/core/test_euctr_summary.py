"""EU Clinical Trials Register summary downloads: the corpus file (line breaks lost), several records, mutations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS, DATA
from tests.core.test_properties import MUTATION_PROFILE, check_outcome
from viewer.core import extra_keys as K
from viewer.core.document import Document
from viewer.core.formats import detect
from viewer.core.loader import parse_bytes, read_file
from viewer.core.parsers import euctr_summary

SUMMARY = CORPUS / "D_euctr_text" / "eudract-py__one_study_summary.txt"
THREE = DATA / "euctr_summary" / "three_trials.txt"


def test_detected() -> None:
    for path in (SUMMARY, THREE):
        assert detect(Document(path.name, path.read_bytes())).name == euctr_summary.NAME


def test_corpus_summary_read_at_its_labels() -> None:
    [study] = read_file(SUMMARY)
    s = study.summary
    assert study.id == "2015-001314-10" and study.registry == "EU CTR"
    assert study.secondary_ids == ("EFC14280",)
    assert s.sponsor == "SANOFI-AVENTIS RECHERCHE ET DEVELOPPEMENT"
    assert s.official_title is not None and s.official_title.startswith("A Randomized, Double-blind, 52-week")
    assert s.start_date == "2016-11-29"
    assert s.conditions == ("Bilateral nasal polyposis", "Nasal polyps")
    assert (s.overall_status_raw, s.overall_status) == ("Completed", "COMPLETED")
    assert [(site.country, site.status) for site in study.sites] == [
        ("Sweden", "COMPLETED"), ("Portugal", "COMPLETED"), ("Spain", "COMPLETED"), ("Belgium", "COMPLETED"),
    ]  # fmt: skip
    e = study.eligibility
    assert (e.minimum_age_years, e.maximum_age_years, e.sex) == (18, None, "all")
    assert study.extra[K.AGE_GROUPS] == "Adults, Elderly"
    assert study.extra[K.RECORD_URL].endswith("eudract_number:2015-001314-10")
    assert study.source.warnings  # the lost line breaks are said


def test_several_records_with_their_states() -> None:
    first, second, third = read_file(THREE)
    assert [first.id, second.id, third.id] == ["2014-001354-42", "2020-001234-56", "2010-020000-01"]
    assert first.summary.overall_status_raw == "GB - no longer in EU/EEA (GB); Completed (SE, DK)"
    assert first.summary.overall_status == "COMPLETED"
    assert [s.status for s in first.sites] == ["UNKNOWN", "COMPLETED", "COMPLETED"]
    assert first.extra[K.TRIAL_RESULTS] == "View results"
    assert second.summary.overall_status == "RECRUITING"
    assert [s.facility for s in second.sites] == ["France", "Germany", "Outside EU/EEA"]
    assert second.eligibility.sex == "female"
    assert second.eligibility.minimum_age_years is not None and second.eligibility.minimum_age_years < 0.1
    assert second.eligibility.maximum_age_years == 11
    assert third.summary.overall_status == "TERMINATED" and third.sites[0].status == "UNKNOWN"
    assert third.secondary_ids == () and third.eligibility.maximum_age_years == 64
    assert not first.source.warnings


def test_flattened_records_read_the_same() -> None:
    flat = THREE.read_bytes().replace(b"\n", b"")
    assert [s.id for s in parse_bytes(flat, "flat.txt")] == [s.id for s in read_file(THREE)]


@MUTATION_PROFILE
@given(st.binary(max_size=64), st.integers(0, 2000), st.sampled_from([SUMMARY, THREE]))
def test_mutations_give_studies_or_a_parse_error(junk: bytes, at: int, path: object) -> None:
    data = bytearray(path.read_bytes())  # type: ignore[attr-defined]
    data[at:at] = junk
    check_outcome(bytes(data), "summary.txt")
