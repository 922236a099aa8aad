"""Changes of scalar fields and of aligned lists of items, collected per section."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from viewer.core.diff.align import Alignment, align
from viewer.core.diff.model import Change, Kind
from viewer.core.diff.words import flat, norm, word_ops
from viewer.core.outline import Key

T = TypeVar("T")
Getter = Callable[[T], str | None]
Meaning = Callable[[T], Hashable]


@dataclass(frozen=True, slots=True)
class FieldSpec(Generic[T]):
    """One field of an item: its path name, its shown wording, and what it means (equal meaning: no change)."""

    name: str
    show: Getter[T]
    meaning: Meaning[T] | None = None


@dataclass(frozen=True)
class ListSpec(Generic[T]):
    """How the items of one list are aligned, named and compared."""

    exact: Callable[[T], Hashable]
    text: Callable[[T], str]
    show: Callable[[T], str]  # the item as one text (lines of its own for nested parts), already tidy
    fields: Sequence[FieldSpec[T]] = ()
    keys: Sequence[Callable[[T], Hashable | None]] = ()
    block: Callable[[T], Hashable] | None = None
    names: Callable[[Sequence[T]], list[str]] | None = None  # None: items are numbered (1-based)
    moves: bool = True
    nested: Callable[[Collector, T, T, str, Key, Key], None] | None = None


@dataclass
class Collector:
    """The changes found so far, per section, in the order they are found."""

    unchanged: bool = False
    sections: dict[str, list[Change]] = field(default_factory=dict)
    section: str = "summary"

    def emit(self, change: Change) -> None:
        if change.kind != "unchanged" or self.unchanged:
            self.sections.setdefault(self.section, []).append(change)

    def value(
        self,
        path: str,
        a: str | None,
        b: str | None,
        key_a: Key | None,
        key_b: Key | None,
        meaning_a: Hashable = None,
        meaning_b: Hashable = None,
        by_meaning: bool = False,
    ) -> None:
        """A scalar field: compared by `meaning_*` when `by_meaning`, else by its words (`norm`)."""
        fa, fb = flat(a), flat(b)
        same = meaning_a == meaning_b if by_meaning else norm(fa) == norm(fb)
        if same:
            if fa or fb:
                note = "same meaning" if fa != fb else ""
                self.emit(Change("unchanged", path, fa or None, fb or None, word_ops(fb, fb), key_a, key_b, note))
            return
        kind: Kind = "added" if not fa else "removed" if not fb else "changed"
        self.emit(Change(kind, path, fa or None, fb or None, word_ops(fa, fb), key_a, key_b))

    def items(
        self,
        path: str,
        a: Sequence[T],
        b: Sequence[T],
        spec: ListSpec[T],
        at: tuple[Key, Key],
        groups: tuple[Key, Key] | None = None,
        alignment: Alignment[T] | None = None,
    ) -> Alignment[T]:
        """An aligned list: each item added, removed, moved or unchanged, then its fields compared.

        `at` holds the outline key prefixes of A's and B's items (an item's key is prefix + (index,));
        `groups` the keys of the nodes an item the other side lacks is shown under (default: the prefixes).
        """
        if alignment is None:
            alignment = align(a, b, exact=spec.exact, text=spec.text, keys=spec.keys, block=spec.block)
        key_a, key_b = at
        group_a, group_b = groups or at
        names_a = spec.names(a) if spec.names else [str(i + 1) for i in range(len(a))]
        names_b = spec.names(b) if spec.names else [str(j + 1) for j in range(len(b))]
        removed, next_removed = alignment.removed, 0
        for i, j in alignment.pairs:
            moved = (i, j) in alignment.moved
            if not moved and not self.unchanged and spec.nested is None and a[i] is b[j]:
                continue  # the very same item: nothing to report, nothing to build
            if spec.moves and not moved:
                while next_removed < len(removed) and removed[next_removed] < i:
                    self._removed(path, names_a, key_a, group_b, spec, a, removed[next_removed])
                    next_removed += 1
            item_path = f"{path}[{names_b[j]}]"
            ka, kb = (*key_a, i), (*key_b, j)
            shown = spec.show(b[j]) if moved or self.unchanged else ""
            same = a[i] == b[j] or spec.exact(a[i]) == spec.exact(b[j])
            if moved and spec.moves:
                note = f"moved from {names_a[i]}" if spec.names is None else "moved"
                self.emit(Change("moved", item_path, spec.show(a[i]), shown, (("=", shown),), ka, kb, note))
            elif same and self.unchanged:
                self.emit(Change("unchanged", item_path, shown, shown, (("=", shown),), ka, kb))
            if not same:
                for f in spec.fields:
                    self.value(
                        f"{item_path}.{f.name}" if f.name else item_path,
                        f.show(a[i]),
                        f.show(b[j]),
                        ka,
                        kb,
                        f.meaning(a[i]) if f.meaning else None,
                        f.meaning(b[j]) if f.meaning else None,
                        by_meaning=f.meaning is not None,
                    )
            if spec.nested is not None:
                spec.nested(self, a[i], b[j], item_path, ka, kb)
        for i in removed[next_removed:]:
            self._removed(path, names_a, key_a, group_b, spec, a, i)
        for j in alignment.added:
            text = spec.show(b[j])
            self.emit(Change("added", f"{path}[{names_b[j]}]", None, text, (("+", text),), group_a, (*key_b, j)))
        return alignment

    def _removed(
        self, path: str, names: list[str], key: Key, group_b: Key, spec: ListSpec[T], a: Sequence[T], i: int
    ) -> None:
        text = spec.show(a[i])
        self.emit(Change("removed", f"{path}[{names[i]}]", text, None, (("-", text),), (*key, i), group_b))


def unique_names(base: Sequence[str], more: Sequence[str] | None = None) -> list[str]:
    """Readable names that tell items apart: the base name; where it repeats, with `more`; then "#n"."""
    names = list(base)
    if more is not None:
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        names = [f"{n}, {m}" if counts[n] > 1 and m else n for n, m in zip(names, more, strict=True)]
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            out.append(f"{name} #{seen[name]}")
        else:
            out.append(name)
    return out


def casefold(text: str | None) -> str:
    return norm(text)
