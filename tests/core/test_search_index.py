"""Known answers on the corpus and the seeds: each operator, scope and filter, ranking, snippets, facets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SEEDS
from viewer.core.search import FILTER_KEYS, Hit, SearchIndex, load_hit, matched
from viewer.core.search.bare import bare_answer, prepare


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    found = SearchIndex.open(Path(tmp_path_factory.mktemp("corpus-index")))
    report = found.add_paths([CORPUS, SEEDS], workers=0)
    assert report.problems == () and report.studies_added == found.study_count() > 500
    yield found
    found.close()


def ids(index: SearchIndex, text: str, limit: int = 1000, **kwargs: object) -> list[str]:
    return [h.id for h in index.search(text, limit=limit, **kwargs).hits]  # type: ignore[arg-type]


def every(index: SearchIndex, text: str) -> list[Hit]:
    result = index.search(text, limit=2000)
    assert result.total == len(result.hits) > 0, text
    return list(result.hits)


def test_a_rare_word_finds_its_study(index: SearchIndex) -> None:
    assert ids(index, "anakinra") == ["NCT01165008"]
    assert ids(index, "myositis")[:2] == ["NCT01165008", "2024-516057-42-00"]


def test_an_id_typed_alone_comes_first(index: SearchIndex) -> None:
    for text in ("NCT01165008", "nct01165008", "2024-516057-42-00", "NCT00101400"):
        hits = index.search(text).hits
        assert hits[0].id.casefold() == text.casefold(), text
        assert hits[0].score > 100 * (hits[1].score if len(hits) > 1 else 1)
    assert ids(index, "id:NCT00101400") == ["NCT00101400"]


def test_a_title_hit_outranks_body_hits(index: SearchIndex) -> None:
    hits = index.search("remdesivir").hits
    assert hits[0].id == "NCT04431453" and "title" in hits[0].fields
    assert "title" not in hits[1].fields


def test_case_and_diacritics_do_not_matter(index: SearchIndex) -> None:
    found = ids(index, "sjogren")
    assert found and ids(index, "SJÖGREN") == found == ids(index, "Sjögren")
    for hit in index.search("sjogren", limit=50).hits:  # the field is found though its text says "Sjögren"
        assert hit.fields and hit.snippet_field in hit.fields, hit.id


def test_words_are_anded(index: SearchIndex) -> None:
    both = set(ids(index, "breast cancer"))
    assert both and both <= set(ids(index, "breast")) & set(ids(index, "cancer"))
    assert both == set(ids(index, "breast AND cancer"))


def test_or(index: SearchIndex) -> None:
    assert set(ids(index, "anakinra OR sorafenib")) == {"NCT01165008", "NCT00101400"}


def test_not_and_minus_and_and_not(index: SearchIndex) -> None:
    expected = [i for i in ids(index, "myositis") if i != "NCT01165008"]
    assert ids(index, "myositis NOT anakinra") == expected
    assert ids(index, "myositis -anakinra") == expected
    assert ids(index, "myositis AND NOT anakinra") == expected
    assert "NCT01165008" not in ids(index, "NOT anakinra")
    assert index.search("NOT anakinra").total == index.study_count() - 1


def test_parentheses(index: SearchIndex) -> None:
    grouped = set(ids(index, "(asthma OR copd) NOT smoking"))
    assert grouped == (set(ids(index, "asthma")) | set(ids(index, "copd"))) - set(ids(index, "smoking"))
    assert grouped


def test_phrases_need_the_words_together(index: SearchIndex) -> None:
    phrase = set(ids(index, '"heart failure"'))
    assert phrase and phrase < set(ids(index, "heart failure"))
    assert "NCT02970669" in phrase


def test_prefix(index: SearchIndex) -> None:
    prefixed = set(ids(index, "pregnan*"))
    assert set(ids(index, "pregnancy")) | set(ids(index, "pregnant")) <= prefixed
    assert set(ids(index, "myosit*")) >= set(ids(index, "myositis"))
    assert any("<b>" in h.snippet for h in index.search("pregnan*").hits)


@pytest.mark.parametrize(("text", "field"), [
    ("title:anakinra", "title"), ("condition:\"heart failure\"", "conditions"),
    ("intervention:sorafenib", "interventions"),
    ("inclusion:pregnant", "inclusion"), ("exclusion:pregnant", "exclusion"), ("outcome:mortality", "outcomes"),
    ("site:boston", "sites"), ("sponsor:pfizer", "sponsor"), ("id:NCT00101400", "id"),
])  # fmt: skip
def test_each_scope_matches_in_its_field_only(index: SearchIndex, text: str, field: str) -> None:
    for hit in every(index, text):
        assert hit.fields == (field,), (text, hit.id, hit.fields)
        assert hit.snippet_field == field and "<b>" in hit.snippet


def test_scope_examples(index: SearchIndex) -> None:
    assert "NCT00513591" in ids(index, "myositis") and "NCT00513591" not in ids(index, "title:myositis")
    assert ids(index, "intervention:sorafenib") == ["NCT00101400"]
    assert "NCT01780454" in ids(index, "site:boston")
    eligibility = set(ids(index, "eligibility:pregnant"))
    assert eligibility == set(ids(index, "inclusion:pregnant")) | set(ids(index, "exclusion:pregnant"))


def test_country(index: SearchIndex) -> None:
    hits = every(index, "country:japan")
    assert all("Japan" in h.countries for h in hits)
    assert len(hits) == index.search("", filters={"country": ["Japan"]}).total


@pytest.mark.parametrize(("text", "check"), [
    ("phase:early1", lambda h: "EARLY_PHASE1" in h.phases),
    ("phase:2", lambda h: "PHASE2" in h.phases),
    ("phase:ii phase:iii", lambda h: {"PHASE2", "PHASE3"} & set(h.phases)),
    ("status:withdrawn", lambda h: h.status == "WITHDRAWN"),
    ('status:"not yet recruiting"', lambda h: h.status == "NOT_YET_RECRUITING"),
    ("registry:euctr", lambda h: h.registry == "EU CTR"),
    ("registry:ctis", lambda h: h.registry == "EU CTIS"),
    ("registry:ctgov", lambda h: h.registry == "ClinicalTrials.gov"),
    ("sex:male", lambda h: h.sex in ("male", "all")),
    ("sex:female", lambda h: h.sex in ("female", "all")),
    ("-status:completed", lambda h: h.status != "COMPLETED"),
])  # fmt: skip
def test_each_filter(index: SearchIndex, text: str, check: object) -> None:
    hits = every(index, text)
    assert all(check(h) for h in hits), text  # type: ignore[operator]
    assert len(hits) < index.study_count()


def test_age_filter_admits_the_age(index: SearchIndex) -> None:
    hits = every(index, "age:2")
    assert len(hits) < index.study_count()
    for hit in hits[:40]:
        e = load_hit(hit).eligibility
        assert (e.minimum_age_years or 0) <= 2 <= (e.maximum_age_years if e.maximum_age_years is not None else 200)
    assert set(ids(index, "age:1-3")) >= set(ids(index, "age:2"))
    assert index.search("age:banana").total == 0


def test_filters_argument_means_the_same_as_the_text(index: SearchIndex) -> None:
    assert ids(index, "covid phase:2 status:completed") == ids(
        index, "covid", filters={"phase": ["PHASE2"], "status": ["COMPLETED"]}
    )
    either = set(ids(index, "covid", filters={"phase": ["PHASE2", "PHASE3"]}))
    assert either == set(ids(index, "covid phase:2")) | set(ids(index, "covid phase:3"))


def test_facets_count_the_whole_result_set(index: SearchIndex) -> None:
    result = index.search("covid", limit=5, facets=True)
    assert set(result.facets) == set(FILTER_KEYS)
    for key in ("phase", "status", "registry", "country"):
        pairs = result.facets[key]
        assert pairs and [n for _, n in pairs] == sorted((n for _, n in pairs), reverse=True)
        for value, count in pairs[:3]:
            assert index.search("covid", filters={key: [value]}).total == count, (key, value)
    for value, count in result.facets["sex"]:
        assert index.search("covid", filters={"sex": [value]}).total == count


def test_facets_are_counted_only_when_asked(index: SearchIndex) -> None:
    plain, counted = index.search("covid", limit=5), index.search("covid", limit=5, facets=True)
    assert plain.facets == {} and counted.facets
    assert [h.id for h in plain.hits] == [h.id for h in counted.hits] and plain.total == counted.total


def test_a_limit_of_0_counts_without_hits(index: SearchIndex) -> None:
    result = index.search("covid", limit=0)
    assert result.hits == () and result.total == index.search("covid", limit=5).total > 0


def test_the_bare_baseline_agrees_with_the_full_path(index: SearchIndex) -> None:
    for text in ("covid", "patients", '"heart failure"', "pregnan*", "title:covid", "covid phase:2", "NOT covid",
                 "(asthma OR copd) NOT smoking", "sjogren", "phase:3"):  # fmt: skip
        full = index.search(text, limit=20)
        bare = bare_answer(index, text, limit=20)
        assert [h.id for h in bare] == [h.id for h in full.hits], text
        assert [h.score for h in bare] == pytest.approx([h.score for h in full.hits]), text
    assert any("<b>" in h.snippet for h in bare_answer(index, "patients"))
    assert prepare(index, "phase:3").field is None and prepare(index, "title:covid").field == "title"


@pytest.mark.parametrize("text", ["covid", "patients vaccine", "pregnan*", "title:covid OR condition:asthma",
                                  "(asthma OR copd) NOT smoking", "myosit* phase:2", "sjogren"])  # fmt: skip
def test_fields_from_the_engine_agree_with_the_text(index: SearchIndex, text: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    engine = index.search(text, limit=50).hits
    monkeypatch.setattr(matched, "SLACK", 0)  # the engine's answer is then always cut short: every hit by text
    by_text = index.search(text, limit=50).hits
    assert engine and [h.fields for h in engine] == [h.fields for h in by_text]


def test_a_phrase_matches_the_fields_holding_the_phrase(index: SearchIndex) -> None:
    hits = every(index, '"heart failure"')
    for hit in hits:
        assert hit.fields and hit.snippet_field in hit.fields
    for hit in every(index, 'condition:"heart failure"'):
        assert hit.fields == ("conditions",)


def test_snippets_are_escaped_html_with_marks(index: SearchIndex) -> None:
    for hit in index.search("patient", limit=50).hits:
        assert "<b>" in hit.snippet
        assert "<" not in re.sub(r"</?b>", "", hit.snippet)
        assert "".join(text for text, _ in hit.snippet_runs).lower().count("patient") >= 1
        assert any(marked and text.lower().startswith("patient") for text, marked in hit.snippet_runs)
        assert Path(hit.file).is_absolute() and Path(hit.file).exists()


def test_zero_hits_suggest_close_terms(index: SearchIndex) -> None:
    result = index.search("anakinre")
    assert result.total == 0 and result.suggestions[0] == "anakinra"
    assert "diabetes" in index.search("diabetis").suggestions
    assert index.search("anakinra").suggestions == ()


def test_paging(index: SearchIndex) -> None:
    four = ids(index, "covid", limit=4)
    assert ids(index, "covid", limit=2, offset=2) == four[2:]


def test_load_hit_reads_the_study_back(index: SearchIndex) -> None:
    hit = index.search("anakinra").hits[0]
    study = load_hit(hit)
    assert study.id == "NCT01165008" and "Anakinra" in study.title


@pytest.mark.parametrize(
    "text", ["anakinra", "sjogren", "remdesivir", "pregnan*", "title:randomized", "exclusion:pregnant",
             "site:boston", "myositis OR lupus", "covid NOT vaccine", "cancer phase:3", '"informed consent"'],
)  # fmt: skip
def test_without_matched_fields_the_answer_is_the_same_but_for_them(index: SearchIndex, text: str) -> None:
    """search(fields=False), the GUI's as-you-type answer: same hits, scores and total, no `Hit.fields`, and a
    snippet from the first field tantivy's highlighter marks (the full answer's, but for a phrase, whose
    words may be marked in a field that holds them apart)."""
    full, lean = index.search(text, limit=50), index.search(text, limit=50, fields=False)
    assert full.total == lean.total > 0 and [(h.id, h.score) for h in lean.hits] == [(h.id, h.score) for h in full.hits]
    for a, b in zip(full.hits, lean.hits, strict=True):
        assert b.fields == () and a.fields, (text, a.id)
        if '"' in text:
            assert ("<b>" in b.snippet) == ("<b>" in a.snippet), (text, a.id)
        else:
            assert (b.snippet, b.snippet_field) == (a.snippet, a.snippet_field), (text, a.id)


@pytest.mark.parametrize("text", ["anakinra", "sjogren", "remdesivir", "exclusion:pregnant", "site:boston", "lupus"])
def test_an_opened_hit_finds_its_fields_in_its_study_as_the_index_does(index: SearchIndex, text: str) -> None:
    from viewer.core.highlight import fields_holding

    result = index.search(text, limit=10)
    scoped = {"exclusion:pregnant": ("exclusion",), "site:boston": ("sites",)}
    assert result.hits and result.scopes == scoped.get(text, matched.MATCH_ORDER)
    for hit in result.hits:
        assert fields_holding(load_hit(hit), result.terms, result.scopes) == hit.fields, (text, hit.id)
