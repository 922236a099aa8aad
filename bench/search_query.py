"""One query syntax for both engines: parsed once, compiled to an FTS5 MATCH string or a tantivy Query."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOKEN = re.compile(r'\s*(?:(?P<field>[a-z_]+):|(?P<open>\()|(?P<close>\))|"(?P<phrase>[^"]*)"(?P<pstar>\*)?'
                   r'|(?P<neg>-)(?=\S)|(?P<word>[^\s()"]+))')  # fmt: skip
PREFIX_TERMS = 32
"""Prefix expansions scored by BM25 (and highlighted): the most frequent ones; the rest still match."""


@dataclass(frozen=True)
class Leaf:
    """Words (one: a term; more: a phrase), the last a prefix when `prefix`; in `field` or in all fields."""

    field: str | None
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Bool:
    op: str  # "and" | "or"
    positive: tuple[Node, ...]
    negative: tuple[Node, ...] = ()


Node = Leaf | Bool


def parse(text: str, fields: tuple[str, ...]) -> Node:
    """`a b` is AND, `OR` binds looser than AND, `NOT x` / `-x` exclude, `field:x`, `"a b"`, `pre*`, parentheses."""
    tokens = [(m.lastgroup, m) for m in TOKEN.finditer(text) if m.lastgroup]
    pos = 0

    def peek() -> tuple[str | None, Any]:
        return tokens[pos] if pos < len(tokens) else (None, None)

    def word_is(value: str) -> bool:
        kind, m = peek()
        return kind == "word" and m.group("word") == value

    def disjunction() -> Node:
        nonlocal pos
        parts = [conjunction()]
        while word_is("OR"):
            pos += 1
            parts.append(conjunction())
        return parts[0] if len(parts) == 1 else Bool("or", tuple(parts))

    def conjunction() -> Node:
        nonlocal pos
        positive: list[Node] = []
        negative: list[Node] = []
        while peek()[0] not in (None, "close") and not word_is("OR"):
            if word_is("AND"):
                pos += 1
                continue
            if word_is("NOT") or peek()[0] == "neg":
                pos += 1
                negative.append(primary(None))
            else:
                positive.append(primary(None))
        if not positive:
            raise ValueError(f"nothing to match in {text!r} (NOT needs something beside it)")
        return positive[0] if len(positive) == 1 and not negative else Bool("and", tuple(positive), tuple(negative))

    def primary(field: str | None) -> Node:
        nonlocal pos
        kind, m = peek()
        pos += 1
        if kind == "field":
            if m.group("field") not in fields:
                raise ValueError(f"unknown field {m.group('field')!r}")
            return primary(m.group("field"))
        if kind == "open":
            node = disjunction()
            if peek()[0] != "close":
                raise ValueError(f"missing ) in {text!r}")
            pos += 1
            return node
        if kind == "phrase":
            return Leaf(field, m.group("phrase"), bool(m.group("pstar")))
        if kind == "word":
            word = m.group("word")
            return Leaf(field, word.rstrip("*"), word.endswith("*"))
        raise ValueError(f"unexpected {m.group(0) if m else 'end'} in {text!r}")

    node = disjunction()
    if pos != len(tokens):
        raise ValueError(f"unexpected {tokens[pos][1].group(0)!r} in {text!r}")
    return node


def words(node: Node, analyze: Callable[[str], list[str]]) -> tuple[str, ...]:
    """The analyzed words of the positive leaves (prefixes as their stems): what a snippet may highlight."""
    if isinstance(node, Leaf):
        return tuple(analyze(node.text))
    return tuple(w for p in node.positive for w in words(p, analyze))


def to_fts5(node: Node) -> str:
    """An FTS5 MATCH expression; every string quoted, so user words are never FTS5 keywords."""
    if isinstance(node, Leaf):
        quoted = '"' + node.text.replace('"', '""') + '"' + (" *" if node.prefix else "")
        return f"{node.field} : {quoted}" if node.field else quoted
    joined = f" {node.op.upper()} ".join(to_fts5(p) for p in node.positive)
    for negative in node.negative:
        joined = f"({joined}) NOT {to_fts5(negative)}"  # FTS5's NOT is binary: "a NOT b".
    return f"({joined})"


def to_tantivy(node: Node, t: Any, searcher: Any, schema: Any, analyze: Callable[[str], list[str]],
               boosts: dict[str, float]) -> Any:  # fmt: skip
    """A tantivy Query: each leaf a disjunction over the fields (boosted), BM25-scored."""
    if isinstance(node, Bool):
        occur = t.Occur.Must if node.op == "and" else t.Occur.Should
        clauses = [(occur, to_tantivy(p, t, searcher, schema, analyze, boosts)) for p in node.positive]
        clauses += [(t.Occur.MustNot, to_tantivy(n, t, searcher, schema, analyze, boosts)) for n in node.negative]
        return t.Query.boolean_query(clauses)
    words = analyze(node.text)
    if not words:
        return t.Query.empty_query()
    per_field = []
    for field in [node.field] if node.field else list(boosts):
        per_field.append(
            t.Query.boost_query(_leaf(field, words, node.prefix, t, searcher, schema), boosts.get(field, 1.0))
        )
    return per_field[0] if len(per_field) == 1 else t.Query.boolean_query([(t.Occur.Should, q) for q in per_field])


def _leaf(field: str, words: list[str], prefix: bool, t: Any, searcher: Any, schema: Any) -> Any:
    Q = t.Query
    if not prefix:
        return Q.term_query(schema, field, words[0]) if len(words) == 1 else Q.phrase_query(schema, field, words)
    if len(words) > 1:
        return Q.phrase_prefix_query(schema, field, words)  # tantivy expands the last word to 50 terms
    # The query parser has no single-word prefix; a fuzzy query of distance 0 with prefix=True matches
    # every term with the prefix (constant score, no highlights), so the most frequent expansions are
    # added as scored term queries: BM25 ranking and snippet highlights for them.
    expansions = sorted(searcher.terms_with_prefix(field, words[0]), key=lambda tf: -tf[1])[:PREFIX_TERMS]
    every = Q.const_score_query(Q.fuzzy_term_query(schema, field, words[0], distance=0, prefix=True), 0.0)
    return Q.boolean_query([(t.Occur.Should, every)] + [(t.Occur.Should, Q.term_query(schema, field, term))
                                                        for term, _ in expansions])  # fmt: skip
