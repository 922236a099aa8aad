"""One-to-one alignment of two lists: exact matches first, then identity keys, then bounded similarity.

Linear passes do almost all the work on real records (two versions of a trial share most items word for
word); only what is left is scored, and the number of pairs scored is capped, so 1,000+ site lists stay
fast. Items out of their relative order are `moved`: those outside a longest increasing subsequence of
the matched pairs, so an inserted item shifts nothing and a swap moves one item, not all after it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz.fuzz import ratio, token_set_ratio

T = TypeVar("T")

THRESHOLD = 60.0
"""Least similarity (rapidfuzz ratio, 0-100) for two items to be one changed item rather than a removal
plus an addition."""
SUBSET_WEIGHT = 0.9
"""A text whose words all recur in the other (a criterion merged with the next, a sentence appended) scores
this fraction of rapidfuzz's token_set_ratio: enough to pair, less than a close rewording."""
SUBSET_MIN_WORDS = 4
MAX_PAIRS = 20_000
"""At most this many pairs are scored in one block; past it, each item is scored against a window of the
candidates nearest its own relative position."""


@dataclass(frozen=True, slots=True)
class Alignment(Generic[T]):
    """Index pairs (i in A, j in B) of matched items in B's order; unmatched indices; the moved pairs."""

    pairs: tuple[tuple[int, int], ...]
    removed: tuple[int, ...]
    added: tuple[int, ...]
    moved: frozenset[tuple[int, int]]


def align(
    a: Sequence[T],
    b: Sequence[T],
    *,
    exact: Callable[[T], Hashable],
    text: Callable[[T], str],
    keys: Sequence[Callable[[T], Hashable | None]] = (),
    block: Callable[[T], Hashable] | None = None,
    threshold: float = THRESHOLD,
) -> Alignment[T]:
    """Align `a` with `b`: equal `exact` signatures, then equal `keys` (in turn), then similar `text` within
    a `block` (two items of different blocks are never one changed item)."""
    match: dict[int, int] = {}
    free_a = list(range(len(a)))
    free_b = list(range(len(b)))
    # Equal items first (the models compare and hash by value, cheaply): two versions of a trial share most
    # items word for word, and only the rest pays for normalized keys and similarity. `exact` (the item as
    # the comparison sees it) pairs what differs only in case or spacing where no key does.
    for signature in (_itself, *(keys or (exact,))):
        if not free_a or not free_b:
            break
        free_a, free_b = _by_key(a, b, free_a, free_b, signature, match)
    if free_a and free_b:
        _by_similarity(a, b, free_a, free_b, text, block, threshold, match)
    pairs = tuple(sorted(((i, j) for i, j in match.items()), key=lambda p: p[1]))
    taken_b = set(match.values())
    return Alignment(
        pairs=pairs,
        removed=tuple(i for i in range(len(a)) if i not in match),
        added=tuple(j for j in range(len(b)) if j not in taken_b),
        moved=_moved(pairs),
    )


def _itself(item: object) -> Hashable:
    return item  # the items are immutable models or strings: hashable by value


def _by_key(
    a: Sequence[T],
    b: Sequence[T],
    free_a: list[int],
    free_b: list[int],
    key: Callable[[T], Hashable | None],
    match: dict[int, int],
) -> tuple[list[int], list[int]]:
    """Pair items with equal keys, the k-th of A with the k-th of B among equals; None never matches.

    The smaller side is indexed and the larger one looked up, stopping once the smaller side is used up.
    """
    small, large, small_free, large_free = (
        (b, a, free_b, free_a) if len(free_b) <= len(free_a) else (a, b, free_a, free_b)
    )
    waiting: dict[Hashable, list[int]] = {}
    for s in small_free:
        k = key(small[s])
        if k is not None:
            waiting.setdefault(k, []).append(s)
    left = sum(map(len, waiting.values()))
    cursor: dict[Hashable, int] = {}
    taken: set[int] = set()
    for g in large_free:
        if not left:
            break
        k = key(large[g])
        queue = waiting.get(k) if k is not None else None
        n = cursor.get(k, 0) if queue else 0
        if queue and n < len(queue):
            s = queue[n]
            if small is b:
                match[g] = s
            else:
                match[s] = g
            taken.add(s)
            cursor[k] = n + 1
            left -= 1
    matched_a = set(match)
    matched_b = set(match.values())
    return [i for i in free_a if i not in matched_a], [j for j in free_b if j not in matched_b]


def _by_similarity(
    a: Sequence[T],
    b: Sequence[T],
    free_a: list[int],
    free_b: list[int],
    text: Callable[[T], str],
    block: Callable[[T], Hashable] | None,
    threshold: float,
    match: dict[int, int],
) -> None:
    """Greedy: the most similar pair first; ties go to the pair nearer in relative position, then order."""
    na, nb = max(len(a), 1), max(len(b), 1)
    scored: list[tuple[float, float, int, int]] = []
    for group_a, group_b in _blocks(a, b, free_a, free_b, block):
        texts_a = {i: text(a[i]) for i in group_a}  # only items that have candidates are worded
        texts_b = {j: text(b[j]) for j in group_b}
        for i, j in _candidates(group_a, group_b, na, nb):
            score = similarity(texts_a[i], texts_b[j], threshold)
            if score:
                scored.append((-score, abs(i / na - j / nb), i, j))
    scored.sort()
    used_b: set[int] = set()
    for _, _, i, j in scored:
        if i not in match and j not in used_b:
            match[i] = j
            used_b.add(j)


def similarity(x: str, y: str, cutoff: float = 0.0) -> float:
    """0-100: the edit-distance ratio, or (for texts of some words) how far one's words lie within the other's."""
    score = ratio(x, y, score_cutoff=cutoff)
    if score or min(x.count(" "), y.count(" ")) + 1 < SUBSET_MIN_WORDS:
        return score
    subset = SUBSET_WEIGHT * token_set_ratio(x, y, score_cutoff=cutoff / SUBSET_WEIGHT if cutoff else 0)
    return subset if subset >= cutoff else 0.0


def _blocks(
    a: Sequence[T], b: Sequence[T], free_a: list[int], free_b: list[int], block: Callable[[T], Hashable] | None
) -> list[tuple[list[int], list[int]]]:
    """Items are only scored against items of their own block (sites: of the same city), if there are blocks."""
    if block is None:
        return [(free_a, free_b)]
    groups: dict[Hashable, tuple[list[int], list[int]]] = {}
    for i in free_a:
        groups.setdefault(block(a[i]), ([], []))[0].append(i)
    for j in free_b:
        groups.setdefault(block(b[j]), ([], []))[1].append(j)
    return [g for g in groups.values() if g[0] and g[1]]


def _candidates(group_a: list[int], group_b: list[int], na: int, nb: int) -> list[tuple[int, int]]:
    """Every pair of a group, or, past MAX_PAIRS, each A item with the B items nearest its relative place."""
    if len(group_a) * len(group_b) <= MAX_PAIRS:
        return [(i, j) for i in group_a for j in group_b]
    width = max(1, MAX_PAIRS // len(group_a))
    places = [j / nb for j in group_b]
    out: list[tuple[int, int]] = []
    for i in group_a:
        centre = bisect.bisect_left(places, i / na)
        start = max(0, min(centre - width // 2, len(group_b) - width))
        out += [(i, j) for j in group_b[start : start + width]]
    return out


def _moved(pairs: tuple[tuple[int, int], ...]) -> frozenset[tuple[int, int]]:
    """Pairs (in B's order) whose A index is outside one longest increasing run of A indices."""
    if len(pairs) < 2:
        return frozenset()
    seq = [i for i, _ in pairs]
    tails: list[int] = []  # tails[k]: the smallest A index ending an increasing run of length k+1
    tail_at: list[int] = []  # its position in seq
    back = [-1] * len(seq)
    for pos, value in enumerate(seq):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(pos)
        else:
            tails[k] = value
            tail_at[k] = pos
        back[pos] = tail_at[k - 1] if k else -1
    keep: set[int] = set()
    pos = tail_at[-1]
    while pos >= 0:
        keep.add(pos)
        pos = back[pos]
    return frozenset(pairs[p] for p in range(len(pairs)) if p not in keep)
