"""The same trial in several registries: studies linked by the registry ids they share.

An EU record lists its NCT number among its other ids, an ICTRP record its EudraCT number, a USDM protocol
its registry ids, a CTIS trial the EudraCT number it transitioned from. Only registry-shaped ids link
(an NCT number, a EudraCT or EU CT number, an ISRCTN...), never a sponsor's own protocol number, which two
unrelated sponsors may share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from viewer.core.normalize import registry_for_id

if TYPE_CHECKING:
    from viewer.core.model import Study

Key = tuple[str, int]
"""A study's identity in the library: (sha256 of its file, its record number)."""

_EUDRACT_IN = re.compile(r"(?:EUCTR)?((?:19|20)\d{2}-\d{6}-\d{2})(?:-[A-Z]{2,3})?$", re.IGNORECASE)


def canonical_id(identifier: str) -> str | None:
    """The id in a form that compares equal across registries, or None when it is not a registry id.

    "EUCTR2015-001314-10-DE", "2015-001314-10-GB" and "2015-001314-10" are one EudraCT number;
    "nct01234567" is NCT01234567.
    """
    text = " ".join(identifier.split()).strip().upper()
    if not text:
        return None
    if match := _EUDRACT_IN.match(text):
        return match.group(1)
    if registry_for_id(text) is None:
        return None
    return text.replace(" ", "")


def registry_ids(study: Study) -> set[str]:
    """Every registry id the study states for itself (its own and its secondary ids), canonical."""
    found = {canonical_id(i) for i in (study.id, *study.secondary_ids)}
    return {i for i in found if i}


def study_key(study: Study) -> Key:
    return (study.source.sha256, study.source.record)


def link(studies: Iterable[Study]) -> dict[Key, tuple[Study, ...]]:
    """For each study that shares a registry id with another, its whole group (itself included, in input
    order): every member of a group maps to the same tuple, so the result is linear in the studies.

    Studies are grouped through an index of ids, never compared pairwise. Two records of one trial from
    one registry (versions) are grouped too; the caller may tell them apart.
    """
    items = list(studies)
    by_id: dict[str, list[int]] = {}
    ids = [registry_ids(s) for s in items]
    for index, own in enumerate(ids):
        for identifier in own:
            by_id.setdefault(identifier, []).append(index)
    # Union-find over shared ids: A shares with B, B with C -> one trial.
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in by_id.values():
        first = root(members[0])
        for other in members[1:]:
            parent[root(other)] = first
    groups: dict[int, list[int]] = {}
    for index in range(len(items)):
        groups.setdefault(root(index), []).append(index)
    out: dict[Key, tuple[Study, ...]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        group = tuple(items[m] for m in members)
        for index in members:
            out[study_key(items[index])] = group
    return out


def also_registered_as(study: Study, others: Iterable[Study]) -> list[str]:
    """The ids under which the same trial is registered elsewhere ("Also registered as"), for display."""
    mine = canonical_id(study.id)
    seen: dict[str, None] = {}
    for other in others:
        if other is not study and canonical_id(other.id) != mine:
            seen.setdefault(f"{other.id} ({other.registry})", None)
    return list(seen)
