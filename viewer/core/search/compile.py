"""A parsed query as tantivy Query objects: one to rank by, one per field to highlight with."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import tantivy
from tantivy import Occur, Query

from viewer.core.fields import FIELDS
from viewer.core.search import schema as s
from viewer.core.search.analyzer import fold
from viewer.core.search.query import Bool, Every, Leaf, Node, ParsedQuery

PREFIX_TERMS = 32
"""Prefix expansions ranked by BM25 and highlighted: the most frequent ones; every other expansion still matches."""
PHASE_ALIASES = {"0": "earlyphase1", "early1": "earlyphase1", "early": "earlyphase1", "i": "phase1", "ii": "phase2",
                 "iii": "phase3", "iv": "phase4", "notapplicable": "na"}  # fmt: skip
REGISTRY_ALIASES = {"ctgov": "clinicaltrialsgov", "nct": "clinicaltrialsgov", "ct": "clinicaltrialsgov",
                    "ctis": "euctis", "eudract": "euctr", "who": "whoictrp", "ictrp": "whoictrp",
                    "usdm": "cdiscusdm"}  # fmt: skip
SEX_ADMITS = {"female": ("female", "all"), "male": ("male", "all"), "all": ("all",)}
"""sex:female finds studies that admit women: those for women only and those for all."""

FILTER_NAMES = (*s.FILTERS, "age")
Vocabulary = Callable[[str], Mapping[str, str]]
"""A filter field -> {normalized value: the value as stored} over what the index holds."""


def norm(value: str) -> str:
    """A filter value as compared: folded, letters and digits only ("Not yet recruiting" -> "notyetrecruiting")."""
    return re.sub(r"[^a-z0-9]", "", fold(value))


def stored_values(key: str, typed: str, vocabulary: Mapping[str, str]) -> list[str]:
    """The stored values a typed filter value stands for: exact, then an alias, then every value it begins."""
    value = norm(typed)
    if not value:
        return []
    if key == "phase":
        value = PHASE_ALIASES.get(value, value)
        if value.isdigit():
            value = "phase" + value
    elif key == "registry":
        value = REGISTRY_ALIASES.get(value, value)
    elif key == "sex":
        return list(SEX_ADMITS.get(value, ()))
    if value in vocabulary:
        return [vocabulary[value]]
    return [stored for k, stored in vocabulary.items() if k.startswith(value)]


def age_range(typed: str) -> tuple[float, float] | None:
    """age:N (the study admits N years) or age:A-B (it admits someone between A and B)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?", typed)
    if not m:
        return None
    low = float(m.group(1))
    high = float(m.group(2)) if m.group(2) else low
    return (low, high) if low <= high else (high, low)


@dataclass
class Compiled:
    """The query to run, and what is needed to build per-field highlight queries on demand."""

    query: tantivy.Query
    leaves: tuple[Leaf, ...]
    """Positive leaves (what a snippet may highlight)."""
    highlight: dict[str, tantivy.Query | None] = field(default_factory=dict)


class Compiler:
    """Turns ParsedQuery trees into Query objects against one searcher (prefix expansions come from its terms)."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, vocabulary: Vocabulary,
                 expansions: dict[tuple[str, str], list[str]] | None = None,
                 whole: dict[str, tuple[str, ...] | None] | None = None) -> None:  # fmt: skip
        self.searcher = searcher
        self.schema = schema
        self.vocabulary = vocabulary
        self._expansions = {} if expansions is None else expansions
        """(field, prefix) -> its most frequent terms; shared across queries of one index generation."""
        self._whole = {} if whole is None else whole
        """Filter field -> Compiler.whole's answer; shared like the expansions."""

    def compile(self, parsed: ParsedQuery, filters: Mapping[str, Collection[str]] | None = None) -> Compiled:
        node = parsed.node
        wanted: dict[str, list[str]] = {k: list(v) for k, v in parsed.filters.items()}
        for key, values in (filters or {}).items():
            if values and key in FILTER_NAMES:  # other keys name nothing the index holds: ignored
                wanted.setdefault(key, []).extend(values)
        if node is None and not wanted:
            return Compiled(Query.empty_query(), ())
        query = self.node(node) if node is not None else Query.all_query()  # filters alone: every study they admit
        if parsed.id_alone:
            exact = Query.boost_query(Query.term_query(self.schema, s.KEY, parsed.id_alone), s.EXACT_ID_BOOST)
            query = Query.boolean_query([(Occur.Should, query), (Occur.Should, exact)])
        clauses = [(Occur.Must, query)]
        for key, values in wanted.items():
            clauses.extend(self.admitting(key, values))
        for key, values in parsed.excluded.items():
            clauses.append((Occur.MustNot, self.filter(key, list(values))))
        if len(clauses) > 1:
            query = Query.boolean_query(clauses)
        return Compiled(query, tuple(_positive_leaves(node)))

    def node(self, node: Node) -> tantivy.Query:
        if isinstance(node, Every):
            return Query.all_query()
        if isinstance(node, Leaf):
            return self.leaf(node)
        occur = Occur.Must if node.op == "and" else Occur.Should
        clauses = [(occur, self.node(p)) for p in node.positive]
        clauses += [(Occur.MustNot, self.node(n)) for n in node.negative]
        return Query.boolean_query(clauses)

    def leaf(self, leaf: Leaf) -> tantivy.Query:
        boosts = {f: s.SCOPED_BOOSTS.get(f, 1.0) for f in leaf.fields} if leaf.fields else s.UNSCOPED_BOOSTS
        parts = [Query.boost_query(self.in_field(f, leaf), boost) for f, boost in boosts.items()]
        return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, q) for q in parts])

    def in_field(self, name: str, leaf: Leaf, scored_only: bool = False) -> tantivy.Query:
        words: list[str | tuple[int, str]] = list(leaf.words)
        if not leaf.prefix:
            return (
                Query.term_query(self.schema, name, words[0])
                if len(words) == 1
                else Query.phrase_query(self.schema, name, words)
            )
        if len(words) > 1:
            return Query.phrase_prefix_query(self.schema, name, words)  # tantivy expands the last word to 50 terms
        # No single-word prefix query in tantivy: a fuzzy query of distance 0 with prefix=True matches every
        # term with the prefix (constant score, no highlights); the most frequent expansions are added as
        # scored term queries, for BM25 ranking and snippet highlights.
        scored = [Query.term_query(self.schema, name, term) for term in self.expansions(name, leaf.words[0])]
        if scored_only:
            return Query.boolean_query([(Occur.Should, q) for q in scored]) if scored else Query.empty_query()
        every = Query.const_score_query(
            Query.fuzzy_term_query(self.schema, name, leaf.words[0], distance=0, prefix=True), 0.0
        )
        return Query.boolean_query([(Occur.Should, every), *((Occur.Should, q) for q in scored)])

    def expansions(self, name: str, prefix: str) -> list[str]:
        key = (name, prefix)
        found = self._expansions.get(key)
        if found is None:
            found = [term for term, _ in self.searcher.terms_with_prefix(name, prefix, limit=PREFIX_TERMS)]
            self._expansions[key] = found
        return found

    def admitting(self, key: str, typed: list[str]) -> list[tuple[Occur, tantivy.Query]]:
        """The clauses that keep what filter `key` admits. As a rule, Must one of its values (scoring 0). But
        a filter most studies pass is cheaper said as MustNot what it leaves out: tantivy then skips a few
        studies instead of stepping through nearly all of them, and the same studies are admitted:
        - age:N, a whole N, is "ages_in:N" or "not ages_out:N", whichever names fewer studies (schema.AGES_IN);
        - a field holding one value per study (schema.SINGLE_VALUED), when every study holds one and the other
          values are a quarter as common or less (excluding a union of values costs more per study than
          intersecting with one), is "none of the other values": sex:female is "not male-only", and registry:ctgov
          over CT.gov records alone is no clause at all. Each study holds exactly one of the field's values,
          so it is either among the filter's or among the others."""
        if key == "age" and len(typed) == 1:
            found = age_range(typed[0])
            if found is not None and found[0] == found[1] and found[0].is_integer() and found[0] <= s.LAST_AGE:
                year = int(found[0])
                if self.searcher.doc_freq(s.AGES_OUT, year) < self.searcher.doc_freq(s.AGES_IN, year):
                    return [(Occur.MustNot, Query.term_query(self.schema, s.AGES_OUT, year))]
                return [(Occur.Must, Query.const_score_query(Query.term_query(self.schema, s.AGES_IN, year), 0.0))]
        if key in s.SINGLE_VALUED:
            vocabulary = self.vocabulary(key)
            values = {v for typed_value in typed for v in stored_values(key, typed_value, vocabulary)}
            df = self.searcher.doc_freq  # counts deleted studies too: a cost estimate, not a count
            cost = sum(df(key, v) for v in values)
            if values and 4 * sum(df(key, v) for v in vocabulary.values() if v not in values) < cost:
                every = self.whole(key)
                if every is not None:
                    return [(Occur.MustNot, Query.term_query(self.schema, key, v)) for v in every if v not in values]
        return [(Occur.Must, Query.const_score_query(self.filter(key, typed), 0.0))]

    def whole(self, key: str) -> tuple[str, ...] | None:
        """Every value filter field `key` holds, when every study holds one (deleted studies aside), else None:
        worked out once per index generation (a count over the index, then its terms)."""
        if key in self._whole:
            return self._whole[key]
        count = self.searcher.search(Query.exists_query(key), 1, count=True).count  # type: ignore[attr-defined]
        found = None
        if int(count) == self.searcher.num_docs:
            found = tuple(term for term, _ in self.searcher.terms_with_prefix(key, ""))
        self._whole[key] = found
        return found

    def filter(self, key: str, typed: list[str]) -> tantivy.Query:
        if key == "age":
            parts = []
            for value in typed:
                found = age_range(value)
                if found is None:
                    continue
                low, high = found
                parts.append(Query.boolean_query([
                    (Occur.Must, Query.range_query(self.schema, s.MIN_AGE, tantivy.FieldType.Float, upper_bound=high)),
                    (Occur.Must, Query.range_query(self.schema, s.MAX_AGE, tantivy.FieldType.Float, lower_bound=low)),
                ]))  # fmt: skip
        else:
            vocabulary = self.vocabulary(key)
            values = dict.fromkeys(v for typed_value in typed for v in stored_values(key, typed_value, vocabulary))
            # Term queries under a disjunction: several times faster than term_set_query on common values.
            parts = [Query.term_query(self.schema, key, v) for v in values]
        if not parts:
            return Query.empty_query()
        return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, q) for q in parts])

    def highlight(self, compiled: Compiled, name: str) -> tantivy.Query | None:
        """What to mark in field `name`: the positive leaves that search it, prefixes as their expansions."""
        if name in compiled.highlight:
            return compiled.highlight[name]
        parts = [self.in_field(name, leaf, scored_only=True) for leaf in compiled.leaves
                 if not leaf.fields or name in leaf.fields]  # fmt: skip
        query = None
        if parts:
            query = parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, q) for q in parts])
        compiled.highlight[name] = query
        return query


def _positive_leaves(node: Node | None) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Bool):
        return [leaf for p in node.positive for leaf in _positive_leaves(p)]
    return []


def searched_fields(leaves: tuple[Leaf, ...]) -> dict[str, tuple[set[str], tuple[str, ...]]]:
    """Per FIELDS name: the exact terms and the prefixes that may match there (to tell which fields matched)."""
    out: dict[str, tuple[set[str], tuple[str, ...]]] = {}
    for name in FIELDS:
        exact: set[str] = set()
        prefixes: list[str] = []
        for leaf in leaves:
            if leaf.fields and name not in leaf.fields:
                continue
            exact.update(leaf.words[:-1] if leaf.prefix else leaf.words)
            if leaf.prefix:
                prefixes.append(leaf.words[-1])
        if exact or prefixes:
            out[name] = (exact, tuple(prefixes))
    return out
