"""The query language: parsed once into a small tree (words, phrases, prefixes, AND/OR/NOT, scopes) plus filters.

`a b` is AND, `OR` binds looser than AND, `NOT x` and `-x` exclude, `"a b"` is a phrase, `pre*` a prefix,
parentheses group, `title:x` scopes a word, phrase or group to fields, `phase:2` filters. Operators are
upper case (`or` is a word). Filters apply to the whole query: AND across keys, OR within a key.
Text that does not parse (a lone operator, an unclosed quote or parenthesis) is answered as its plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from viewer.core.search.analyzer import words

SCOPES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title",),
    "condition": ("conditions",),
    "conditions": ("conditions",),
    "intervention": ("interventions",),
    "interventions": ("interventions",),
    "summary": ("summary",),
    "eligibility": ("inclusion", "exclusion"),
    "inclusion": ("inclusion",),
    "exclusion": ("exclusion",),
    "outcome": ("outcomes",),
    "outcomes": ("outcomes",),
    "site": ("sites",),
    "sites": ("sites",),
    "sponsor": ("sponsor",),
}
"""Scope words (as typed, folded) -> the FIELDS they search."""
FILTER_WORDS = {"phase": "phase", "status": "status", "sex": "sex", "gender": "sex", "age": "age",
                "registry": "registry", "country": "country", "countries": "country"}  # fmt: skip
"""Filter words -> filter keys (FILTER_KEYS and "age")."""
OPERATORS = ("AND", "OR", "NOT")
_KNOWN = {*SCOPES, *FILTER_WORDS}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) |
        (?P<neg>-)(?=[^\s)-]) |
        (?P<scope>[^\W\d_][\w-]*):(?=[^\s)]) |
        "(?P<phrase>[^"]*)"(?P<pstar>\*)? |
        (?P<quote>") |
        (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)
_WORD = re.compile(r'\s*(?P<word>[^\s()"]+)')


@dataclass(frozen=True)
class Leaf:
    """Words to find: one is a term, more a phrase (in order); the last one a prefix when `prefix`.

    `fields` empty means unscoped (the catch-all and the boosted fields).
    """

    words: tuple[str, ...]
    fields: tuple[str, ...] = ()
    prefix: bool = False
    phrase: bool = False


@dataclass(frozen=True)
class Every:
    """Every study (what `NOT x` alone, or a query of filters only, starts from)."""


@dataclass(frozen=True)
class Bool:
    op: str  # "and" | "or"
    positive: tuple[Node, ...]
    negative: tuple[Node, ...] = ()


Node = Leaf | Every | Bool


@dataclass(frozen=True)
class ParsedQuery:
    """What a query text asks: the tree, its filters, and whether it had to be read as plain words."""

    text: str
    node: Node | None  # None: nothing to search (empty text, or only separators)
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plain_words: bool = False

    @property
    def terms(self) -> tuple[str, ...]:
        """Positive terms, folded; a prefix term ends with "*"; phrase words one by one (for highlighting)."""
        return tuple(dict.fromkeys(_terms(self.node))) if self.node is not None else ()

    @property
    def id_alone(self) -> str | None:
        """The folded text when the query is one unscoped word or phrase that may be an id (has a digit)."""
        node = self.node
        if isinstance(node, Leaf) and not node.fields and not node.prefix and not self.filters:
            raw = self.text.strip().strip('"').strip()
            if raw and any(c.isdigit() for c in raw) and len(raw.split()) == 1:
                from viewer.core.search.analyzer import fold

                return fold(raw)
        return None


def _terms(node: Node | None) -> list[str]:
    if isinstance(node, Leaf):
        return [*node.words[:-1], node.words[-1] + "*" if node.prefix else node.words[-1]]
    if isinstance(node, Bool):
        return [t for p in node.positive for t in _terms(p)]
    return []


class _Unparsable(ValueError):
    pass


def parse_query(text: str) -> ParsedQuery:
    """Parse `text`; never raises. Unparsable text comes back as its plain words (`plain_words` True)."""
    try:
        return _Parser(text).parse()
    except (_Unparsable, RecursionError):
        pass
    leaves = [Leaf((w,)) for w in words(text)]
    node: Node | None = None
    if leaves:
        node = leaves[0] if len(leaves) == 1 else Bool("and", tuple(leaves))
    return ParsedQuery(text, node, plain_words=True)


class _Parser:
    MAX_DEPTH = 32

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, re.Match[str]]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or not m.lastgroup:
                break  # trailing blanks
            if m.lastgroup == "quote":
                raise _Unparsable("unclosed quote")
            kind = m.lastgroup
            if kind == "scope" and m.group("scope").casefold() not in _KNOWN:
                # Not a scope we know ("10:30", "covid-19:x"): the whole token is plain text.
                m = _WORD.match(text, m.start("scope"))
                assert m is not None
                kind = "word"
            self.tokens.append((kind, m))
            pos = m.end()
        self.pos = 0
        self.depth = 0
        self.filters: dict[str, list[str]] = {}
        self.excluded: dict[str, list[str]] = {}

    def parse(self) -> ParsedQuery:
        node = self.disjunction(negated=False) if self.tokens else None
        if self.pos != len(self.tokens):
            raise _Unparsable(f"unexpected {self.tokens[self.pos][1].group(0).strip()!r}")
        filters = {k: tuple(dict.fromkeys(v)) for k, v in self.filters.items()}
        excluded = {k: tuple(dict.fromkeys(v)) for k, v in self.excluded.items()}
        if node is None and (filters or excluded):
            node = Every()
        return ParsedQuery(self.text, node, filters, excluded)

    def peek(self) -> tuple[str | None, str]:
        if self.pos >= len(self.tokens):
            return None, ""
        kind, m = self.tokens[self.pos]
        return kind, m.group(kind) or ""

    def is_operator(self, *names: str) -> bool:
        kind, value = self.peek()
        return kind == "word" and value in names

    def at_end_of_group(self) -> bool:
        return self.peek()[0] in (None, "close") or self.is_operator("AND", "OR")

    def disjunction(self, negated: bool) -> Node | None:
        parts = [self.conjunction(negated)]
        while self.is_operator("OR"):
            self.pos += 1
            if self.at_end_of_group():
                raise _Unparsable("OR needs something after it")
            parts.append(self.conjunction(negated))
        # A filter on one side of OR (`x OR phase:2`) applies to the whole query; the rest is what is searched.
        kept = tuple(p for p in parts if p is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Bool("or", kept)

    def conjunction(self, negated: bool) -> Node | None:
        positive: list[Node] = []
        negative: list[Node] = []
        if self.at_end_of_group():
            raise _Unparsable("nothing to search")
        while self.peek()[0] not in (None, "close") and not self.is_operator("OR"):
            if self.is_operator("AND"):
                self.pos += 1
                if self.at_end_of_group():
                    raise _Unparsable("AND needs something after it")
                continue
            if self.is_operator("NOT") or self.peek()[0] == "neg":
                self.pos += 1
                if self.at_end_of_group() or self.is_operator("NOT"):
                    raise _Unparsable("NOT needs something after it")
                node = self.primary(not negated)
                if node is not None:
                    negative.append(node)
            else:
                node = self.primary(negated)
                if node is not None:
                    positive.append(node)
        if not positive and not negative:
            return None  # only filters (or only separators)
        if not positive:
            positive.append(Every())
        if len(positive) == 1 and not negative:
            return positive[0]
        return Bool("and", tuple(positive), tuple(negative))

    def primary(self, negated: bool) -> Node | None:
        kind, value = self.peek()
        self.pos += 1
        if kind == "scope":
            name = value.casefold()
            if name in FILTER_WORDS:
                self.filter(FILTER_WORDS[name], negated)
                return None
            return self.scoped(SCOPES[name], negated)
        if kind == "open":
            self.depth += 1
            if self.depth > self.MAX_DEPTH:
                raise _Unparsable("nested too deeply")
            node = self.disjunction(negated)
            if self.peek()[0] != "close":
                raise _Unparsable("missing )")
            self.pos += 1
            self.depth -= 1
            return node
        if kind == "phrase":
            return _leaf(value, (), self.tokens[self.pos - 1][1].group("pstar") is not None, phrase=True)
        if kind == "word":
            return _word(value, ())
        raise _Unparsable(f"unexpected {value or 'end'}")

    def scoped(self, fields: tuple[str, ...], negated: bool) -> Node | None:
        kind, value = self.peek()
        if kind == "phrase":
            self.pos += 1
            return _leaf(value, fields, self.tokens[self.pos - 1][1].group("pstar") is not None, phrase=True)
        if kind == "word" and value not in OPERATORS:
            self.pos += 1
            return _word(value, fields)
        if kind == "open":
            node = self.primary(negated)
            return _rescope(node, fields) if node is not None else None
        raise _Unparsable("a scope needs a word, a phrase or ( ) after it")

    def filter(self, key: str, negated: bool) -> None:
        kind, value = self.peek()
        if kind not in ("word", "phrase"):
            raise _Unparsable("a filter needs a value")
        self.pos += 1
        target = self.excluded if negated else self.filters
        values = [value] if kind == "phrase" else [v for v in value.split(",") if v]
        target.setdefault(key, []).extend(values)


def _word(value: str, fields: tuple[str, ...]) -> Node | None:
    stem = value.rstrip("*")
    return _leaf(stem, fields, prefix=len(stem) < len(value), phrase=False)


def _leaf(text: str, fields: tuple[str, ...], prefix: bool, phrase: bool) -> Node | None:
    found = tuple(words(text))
    if not found:
        return None  # only separators ("-", "&"): nothing to match
    return Leaf(found, fields, prefix=prefix, phrase=phrase or len(found) > 1)


def _rescope(node: Node, fields: tuple[str, ...]) -> Node:
    if isinstance(node, Leaf):
        return Leaf(node.words, node.fields or fields, node.prefix, node.phrase)
    if isinstance(node, Bool):
        return Bool(node.op, tuple(_rescope(n, fields) for n in node.positive),
                    tuple(_rescope(n, fields) for n in node.negative))  # fmt: skip
    return node
