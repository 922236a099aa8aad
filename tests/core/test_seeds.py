"""Golden tests: every field of both seed documents, pinned."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, SEEDS
from viewer.core.loader import read_file

GOLDEN = sorted((DATA / "golden").glob("*.json"))


@pytest.mark.parametrize("golden", GOLDEN, ids=[g.stem for g in GOLDEN])
def test_seed_matches_golden(golden) -> None:  # type: ignore[no-untyped-def]
    [study] = read_file(SEEDS / f"{golden.stem}.txt")
    got = study.model_dump(mode="json")
    assert got["source"].pop("file").endswith(f"{golden.stem}.txt")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for section in expected:
        assert got[section] == expected[section], section
    assert got.keys() == expected.keys()


def test_both_seeds_have_goldens() -> None:
    assert {g.stem for g in GOLDEN} == {p.stem for p in SEEDS.glob("*.txt")}


def test_ctgov_page_seed_key_facts() -> None:
    [study] = read_file(SEEDS / "000_9a8944e657c20510.txt")
    assert study.id == "NCT01165008"
    assert study.source.format == "ctgov-page-text"
    assert study.summary.conditions == ("Polymyositis", "Dermatomyositis", "Inclusion Body Myositis")
    assert study.summary.phases == ("PHASE2", "PHASE3")
    assert study.summary.overall_status == "COMPLETED"
    assert study.summary.start_date == "2003-09"
    assert (study.eligibility.minimum_age_years, study.eligibility.maximum_age_years) == (18, 80)
    assert study.eligibility.sex == "all" and study.eligibility.healthy_volunteers is False
    assert len(study.eligibility.inclusion) == 3
    assert len(study.eligibility.exclusion) == 6
    assert study.eligibility.exclusion[2].text == "documented HIV infection"
    [site] = study.sites
    assert (site.facility, site.city, site.zip, site.country) == (
        "Karolinska University Hospital",
        "Stockholm",
        "17176",
        "Sweden",
    )
    assert study.secondary_ids == ("KS 01", "03-144")


def test_medpath_seed_key_facts() -> None:
    [study] = read_file(SEEDS / "004_5c3f0f274010b228.txt")
    assert study.id == "2024-516057-42-00"
    assert study.registry == "EU CTIS"
    assert study.summary.overall_status == "NOT_YET_RECRUITING"
    assert study.summary.overall_status_raw == "Authorised, recruitment pending"
    assert study.summary.phases == ("PHASE2",)
    assert study.summary.enrollment == 48
    assert study.eligibility.sex is None
    assert len(study.eligibility.inclusion) == 5
    assert study.eligibility.inclusion[1].children[0].text == "dermatomyositis,"
    assert len(study.eligibility.exclusion) == 5
    assert len(study.eligibility.exclusion[4].children[3].children) == 3
    assert len(study.outcomes.primary) == 1 and len(study.outcomes.secondary) == 5
    [site] = study.sites
    [contact] = site.contacts
    assert (contact.name, contact.phone, contact.email) == (
        "Joost Raaphorst",
        "0205663443",
        "j.raaphorst@amsterdamumc.nl",
    )
