"""Filters said as what they leave out (age:N as ages_in/ages_out, one-value fields as "none of the other values")
admit exactly what the plain filter admits."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tantivy import Occur, Query

from tests.conftest import CORPUS
from viewer.core.search import SearchIndex
from viewer.core.search.query import parse_query
from viewer.core.search.schema import LAST_AGE, NO_MAX_AGE, NO_MIN_AGE, ages_in, ages_out

CTGOV = CORPUS / "A_ctgov_api_v2_json"
NO_SEX = CORPUS / "F_usdm_json" / "DDF-RA_early-IG__CDISC_Pilot_Study.json"
"""A USDM protocol that states no sex: once it is indexed, not every study holds a sex value."""
CASES = [
    ("", {"sex": ["female"]}),
    ("", {"sex": ["male"]}),
    ("", {"sex": ["all"]}),
    ("", {"registry": ["ctgov"]}),
    ("", {"status": ["completed"]}),
    ("", {"status": ["completed", "recruiting", "terminated", "unknown"]}),
    ("", {"status": ["recruiting"], "sex": ["male"]}),
    ("cancer", {"sex": ["male"]}),
    ("patients", {"sex": ["female"], "registry": ["ctgov"]}),
    ("study", {"status": ["completed", "terminated", "withdrawn", "active"]}),
    ("trial", {"phase": ["2"], "sex": ["male"]}),
    ("NOT cancer", {"status": ["completed", "recruiting", "active not recruiting"]}),
    ("", {"age": ["25"]}),
    ("", {"age": ["0"]}),
    ("", {"age": ["17"]}),
    ("", {"age": ["18"]}),
    ("", {"age": ["65"]}),
    ("", {"age": ["66"]}),
    ("", {"age": ["120"]}),
    ("", {"age": ["121"]}),
    ("", {"age": ["17.5"]}),
    ("", {"age": ["8", "70"]}),
    ("cancer", {"age": ["70"], "sex": ["male"]}),
]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    folder = tmp_path / "records"
    shutil.copytree(CTGOV, folder)
    with SearchIndex.open(tmp_path / "index") as found:
        found.add_paths([folder], workers=0)
        yield found


def plain(index: SearchIndex, text: str, filters: dict[str, list[str]]) -> tuple[int, set[str]]:
    """The answer with every filter as Must one of its values (Compiler.filter), the form it replaces."""
    compiler = index.compiler()
    query = compiler.compile(parse_query(text)).query if text else Query.all_query()
    clauses = [(Occur.Must, query)]
    clauses += [(Occur.Must, Query.const_score_query(compiler.filter(k, v), 0.0)) for k, v in filters.items()]
    found = compiler.searcher.search(Query.boolean_query(clauses), 10_000, count=True)
    return found.count, {(compiler.searcher.doc(a).get_first("id") or "").split("\n")[0] for _, a in found.hits}


def answer(index: SearchIndex, text: str, filters: dict[str, list[str]]) -> tuple[int, set[str]]:
    result = index.search(text, limit=10_000, filters=filters, fields=False)
    return result.total, {hit.id for hit in result.hits}


def test_the_record_set_holds_one_value_of_each_field_everywhere(index: SearchIndex) -> None:
    """Else the other form is never taken and the tests below would test nothing new."""
    compiler = index.compiler()
    assert compiler.whole("sex") and compiler.whole("status") and compiler.whole("registry") == ("ClinicalTrials.gov",)
    assert compiler.admitting("registry", ["ctgov"]) == []  # every study: no clause at all
    male = compiler.admitting("sex", ["male"])
    assert male and {occur for occur, _ in male} == {Occur.MustNot}
    assert compiler.admitting("status", ["recruiting"])[0][0] == Occur.Must  # the rarer side stays as it was
    searcher = compiler.searcher
    forms = {}
    for year in range(LAST_AGE + 1):
        ((occur, _),) = compiler.admitting("age", [str(year)])
        assert (occur == Occur.MustNot) == (searcher.doc_freq("ages_out", year) < searcher.doc_freq("ages_in", year))
        forms[occur] = year
    assert set(forms) == {Occur.Must, Occur.MustNot}, forms  # both forms are taken for some age
    assert [occur for occur, _ in compiler.admitting("age", ["25.5"])] == [Occur.Must]


def test_ages_in_and_out_are_the_whole_years_in_and_outside_the_range() -> None:
    assert ages_in(18, 65) == list(range(18, 66)) and ages_in(17.5, 17.9) == [] and ages_in(0, 0) == [0]
    assert ages_out(18, 65) == [*range(18), *range(66, LAST_AGE + 1)]
    assert ages_out(NO_MIN_AGE, NO_MAX_AGE) == []
    assert ages_out(0.5, NO_MAX_AGE) == [0]
    assert ages_out(17.5, 17.9) == list(range(LAST_AGE + 1))  # no whole year inside
    assert ages_out(130, NO_MAX_AGE) == list(range(LAST_AGE + 1))
    assert ages_out(0, 0) == list(range(1, LAST_AGE + 1))
    for low in (0, 1.5, 17, 18, 64.9, 121):
        for high in (0, 2, 17.99, 65, 120, 200):
            assert ages_out(low, high) == [y for y in range(LAST_AGE + 1) if not low <= y <= high], (low, high)
            assert ages_in(low, high) == [y for y in range(LAST_AGE + 1) if low <= y <= high], (low, high)


@pytest.mark.parametrize(("text", "filters"), CASES, ids=lambda c: str(c))
def test_same_studies_as_the_plain_filter(index: SearchIndex, text: str, filters: dict[str, list[str]]) -> None:
    total, ids = answer(index, text, filters)
    assert (total, ids) == plain(index, text, filters)
    if text == "" and filters == {"registry": ["ctgov"]}:
        assert total == index.study_count()


def test_a_study_without_a_value_is_not_admitted(index: SearchIndex, tmp_path: Path) -> None:
    before = {key: answer(index, "", {"sex": [key]}) for key in ("female", "male")}
    added = tmp_path / "records" / NO_SEX.name
    shutil.copy(NO_SEX, added)
    index.add_paths([tmp_path / "records"], workers=0)
    assert index.compiler().whole("sex") is None  # a new generation, counted again
    for key in ("female", "male"):
        assert answer(index, "", {"sex": [key]}) == before[key] == plain(index, "", {"sex": [key]})
    assert "H2Q-MC-LZZT" not in answer(index, "", {"sex": ["female"]})[1]
    for text, filters in CASES:
        assert answer(index, text, filters) == plain(index, text, filters), (text, filters)


def test_removed_studies_leave_the_answers_exact(index: SearchIndex, tmp_path: Path) -> None:
    victim = sorted((tmp_path / "records").iterdir())[0]
    victim.unlink()
    index.add_paths([tmp_path / "records"], workers=0)  # the vanished file's studies are deleted
    for text, filters in CASES:
        assert answer(index, text, filters) == plain(index, text, filters), (text, filters)
