"""The query language: what each operator parses to, plain-words fallback, and a fuzz that never raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEEDS
from viewer.core.search import SearchIndex, SearchResult, fold, parse_query
from viewer.core.search.query import Bool, Every, Leaf


def test_words_are_anded_and_or_binds_looser() -> None:
    node = parse_query("breast cancer OR asthma").node
    assert node == Bool("or", (Bool("and", (Leaf(("breast",)), Leaf(("cancer",)))), Leaf(("asthma",))))


def test_phrases_prefixes_negation_and_groups() -> None:
    parsed = parse_query('"Heart Failure" pregnan* -smoking NOT (copd OR asthma)')
    assert parsed.node == Bool(
        "and",
        (Leaf(("heart", "failure"), phrase=True), Leaf(("pregnan",), prefix=True)),
        (Leaf(("smoking",)), Bool("or", (Leaf(("copd",)), Leaf(("asthma",))))),
    )
    assert parsed.terms == ("heart", "failure", "pregnan*")
    assert not parsed.plain_words


def test_scopes_apply_to_words_phrases_and_groups() -> None:
    assert parse_query("title:Diabetes").node == Leaf(("diabetes",), ("title",))
    assert parse_query('condition:"heart failure"').node == Leaf(("heart", "failure"), ("conditions",), phrase=True)
    assert parse_query("eligibility:(pregnant OR lactating)").node == Bool(
        "or", (Leaf(("pregnant",), ("inclusion", "exclusion")), Leaf(("lactating",), ("inclusion", "exclusion")))
    )
    for scope, field in [("intervention", "interventions"), ("inclusion", "inclusion"), ("exclusion", "exclusion"),
                         ("outcome", "outcomes"), ("site", "sites"), ("sponsor", "sponsor"), ("id", "id")]:  # fmt: skip
        assert parse_query(f"{scope}:x1").node == Leaf(("x1",), (field,))


def test_filters_are_collected_for_the_whole_query() -> None:
    parsed = parse_query("cancer phase:2,3 -status:completed sex:female age:45 registry:ctgov country:France")
    assert parsed.node == Leaf(("cancer",))
    assert parsed.filters == {"phase": ("2", "3"), "sex": ("female",), "age": ("45",), "registry": ("ctgov",),
                              "country": ("France",)}  # fmt: skip
    assert parsed.excluded == {"status": ("completed",)}
    assert parse_query("phase:3").node == Every()


def test_not_alone_means_everything_but() -> None:
    assert parse_query("NOT smoking").node == Bool("and", (Every(),), (Leaf(("smoking",)),))
    assert parse_query("-smoking").node == parse_query("NOT smoking").node


def test_unknown_scopes_and_lower_case_operators_are_words() -> None:
    assert parse_query("10:30").node == Leaf(("10", "30"), phrase=True)
    assert parse_query("cancer or asthma").node == Bool("and", (Leaf(("cancer",)), Leaf(("or",)), Leaf(("asthma",))))


@pytest.mark.parametrize("text", ["a OR", "AND b", "(a b", "a)", '"open', "NOT", "a AND AND b", "()", "title:(",
                                  "x (OR y)"])  # fmt: skip
def test_unparsable_text_is_read_as_plain_words(text: str) -> None:
    parsed = parse_query(text)
    assert parsed.plain_words
    assert all(isinstance(leaf, Leaf) and not leaf.fields for leaf in _leaves(parsed.node))


def test_fold_matches_the_analyzer() -> None:
    assert fold("Sjögren's CAFÉ") == "sjogren's cafe"
    assert parse_query("SJÖGREN").terms == ("sjogren",)


def test_id_alone_is_recognised() -> None:
    assert parse_query("NCT01165008").id_alone == "nct01165008"
    assert parse_query(" 2024-516057-42-00 ").id_alone == "2024-516057-42-00"
    assert parse_query("cancer").id_alone is None
    assert parse_query("NCT01165008 cancer").id_alone is None


def _leaves(node: object) -> list[object]:
    if isinstance(node, Bool):
        return [leaf for part in (*node.positive, *node.negative) for leaf in _leaves(part)]
    return [node] if node is not None else []


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    index = SearchIndex.open(Path(tmp_path_factory.mktemp("fuzz-index")))
    index.add_paths([SEEDS], workers=0)
    return index


PIECES = st.sampled_from([
    "AND", "OR", "NOT", "-", "(", ")", '"', "*", ":", "title:", "phase:", "age:", "age:1-x", "status:", "id:",
    "eligibility:", "country:", " ", "  ", "myositis", "anakinra", "NCT01165008", "é", "ß", "中文", "\u0301", "\x00",
    "\n", "\t", "🙂", "sex:female", "registry:", "a*b", "-(", "\\", "'", "[", "]", "{", "}", "~", "^",
    "2024-516057-42-00",
])  # fmt: skip
QUERIES = st.one_of(st.lists(PIECES, max_size=14).map("".join), st.lists(PIECES, max_size=10).map(" ".join),
                    st.text(max_size=40))  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERIES)
def test_no_query_raises(seeds_index: SearchIndex, text: str) -> None:
    result = seeds_index.search(text, limit=5)
    assert isinstance(result, SearchResult) and result.query == text
    assert result.total >= len(result.hits)
    for hit in result.hits:
        assert hit.snippet.count("<b>") == hit.snippet.count("</b>")
