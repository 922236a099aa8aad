"""What a comparison of two studies is made of: typed, immutable changes grouped by section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from viewer.core.diff.words import Words

if TYPE_CHECKING:
    from viewer.core.model import Study
    from viewer.core.outline import Key, Node

Kind = Literal["added", "removed", "changed", "moved", "unchanged"]
KINDS: tuple[Kind, ...] = ("added", "removed", "changed", "moved")
"""The kinds that are differences (and are counted); "unchanged" rows appear only when asked for."""
SECTIONS = ("summary", "eligibility", "outcomes", "sites", "other")
Relation = Literal["versions", "comparison"]
MARKERS: dict[Kind, str] = {"added": "+", "removed": "-", "changed": "~", "moved": ">", "unchanged": " "}
"""The gutter sign of each kind: the cue that does not depend on colour."""


@dataclass(frozen=True, slots=True)
class Change:
    """One difference (or, when asked for, one unchanged item) at a readable `path`.

    `a` and `b` are the values as each record words them (None where that side has nothing); `words` the
    word-level edits from `a` to `b`. `key_a` and `key_b` are the outline keys of the item in each study's
    protocol tree (for an item one side lacks, the key of the group it would be in).
    """

    kind: Kind
    path: str
    a: str | None
    b: str | None
    words: Words
    key_a: Key | None = None
    key_b: Key | None = None
    note: str = ""  # ours, for people: "moved from 5 to 2", "same meaning: 18 years"

    @property
    def marker(self) -> str:
        return MARKERS[self.kind]


@dataclass(frozen=True, slots=True)
class Version:
    """How a side is named in a report: its study and where it came from, with the record's own date."""

    id: str
    title: str
    file: str
    sha256: str
    record: int
    date: str | None
    date_label: str | None  # what the date is: "last update posted", "status verified"


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of `diff(a, b)`: every section's changes in a fixed order, and both studies."""

    a: Study
    b: Study
    relation: Relation
    version_a: Version
    version_b: Version
    sections: tuple[tuple[str, tuple[Change, ...]], ...]

    def section(self, name: str) -> tuple[Change, ...]:
        return dict(self.sections)[name]

    def changes(self) -> tuple[Change, ...]:
        """Every difference, in section order (unchanged rows left out)."""
        return tuple(c for _, changes in self.sections for c in changes if c.kind != "unchanged")

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name, changes in self.sections:
            row: dict[str, int] = dict.fromkeys(KINDS, 0)
            for change in changes:
                if change.kind != "unchanged":
                    row[change.kind] += 1
            out[name] = row
        return out

    @property
    def same(self) -> bool:
        return not self.changes()


def nearest_node(root: Node, key: Key | None) -> Node:
    """The node of `root`'s tree with this key, or its nearest ancestor that the tree shows.

    A change's key for the side that lacks the item names the group it would be in, which that study's
    tree may not show (no "Inclusion" group when it has no inclusion criteria): the section then.
    """
    if key is None:
        return root
    index = {node.key: node for node in root.walk()}
    for end in range(len(key), 0, -1):
        node = index.get(key[:end])
        if node is not None:
            return node
    return root
