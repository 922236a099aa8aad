"""`diff(a, b)`: two studies compared section by section, by meaning, item with aligned item."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace

from viewer.core import extra_keys as X
from viewer.core.diff.align import Alignment, align
from viewer.core.diff.items import Collector, FieldSpec, ListSpec, unique_names
from viewer.core.diff.model import SECTIONS, Change, Comparison, Relation, Version
from viewer.core.diff.words import flat, norm
from viewer.core.fields import criteria_lines, site_line
from viewer.core.model import Arm, Contact, Criterion, Intervention, Outcome, Reference, Site, Study
from viewer.core.outline import Key, contact_name, humanize, site_name

# Extra facts that are only another view of something compared item by item, or of the copy rather
# than the trial (when and where the file was downloaded): comparing them again would report one edit twice.
_DERIVED_EXTRA = {X.COUNTRIES, X.REMOVED_COUNTRIES, X.AGE_GROUPS, X.STUDY_TYPE_AS_REGISTERED, X.DOWNLOADED,
                  X.RECORD_URL}  # fmt: skip
_NO_LIMIT = {"", "n/a", "na", "none", "no limit", "not applicable"}
OUTCOME_GROUPS = (("primary", "Primary"), ("secondary", "Secondary"), ("other", "Other"))


def diff(a: Study, b: Study, *, unchanged: bool = False) -> Comparison:
    """Compare `a` with `b`; with `unchanged`, items and fields that did not change are listed too."""
    out = Collector(unchanged=unchanged)
    out.section = "summary"
    _summary(out, a, b)
    out.section = "eligibility"
    _eligibility(out, a, b)
    out.section = "outcomes"
    _outcomes(out, a, b)
    out.section = "sites"
    out.items("sites", a.sites, b.sites, SITES, at=(("sites",), ("sites",)))
    out.section = "other"
    _other(out, a, b)
    sections = tuple((name, tuple(out.sections.get(name, ()))) for name in SECTIONS)
    return Comparison(a, b, relation(a, b), version(a), version(b), sections)


def relation(a: Study, b: Study) -> Relation:
    """Two records of one trial (same id, or one's id among the other's ids) are versions."""
    ida, idb = norm(a.id), norm(b.id)
    if ida == idb or ida in map(norm, b.secondary_ids) or idb in map(norm, a.secondary_ids):
        return "versions"
    return "comparison"


def version(study: Study) -> Version:
    """The side as reports name it, dated by the record itself where it says when it was last changed."""
    s, extra = study.summary, study.extra
    date, label = next(
        (
            (value, label)
            for label, value in (
                ("last update posted", s.last_update_posted),
                ("last update submitted", extra.get(X.LAST_UPDATE_SUBMITTED)),
                ("status verified", extra.get(X.STATUS_VERIFIED)),
                ("first posted", s.first_posted),
            )
            if value
        ),
        (None, None),
    )
    src = study.source
    return Version(study.id, study.title, src.file, src.sha256, src.record, date, label)


# --- summary ------------------------------------------------------------------------------------------

_SUMMARY_TEXT = ("brief_title", "official_title", "acronym", "why_stopped", "sponsor")
_SUMMARY_LATE = ("enrollment_type", "start_date", "primary_completion_date", "completion_date", "first_posted",
                 "last_update_posted", "brief_summary", "detailed_description")  # fmt: skip


def _summary(out: Collector, a: Study, b: Study) -> None:
    sa, sb = a.summary, b.summary
    key: Key = ("summary",)
    out.value("id", a.id, b.id, key, key)
    out.value("registry", a.registry, b.registry, key, key)
    out.items("secondary_ids", a.secondary_ids, b.secondary_ids, STRINGS, at=(key, key))
    for name in _SUMMARY_TEXT[:3]:
        out.value(f"summary.{name}", getattr(sa, name), getattr(sb, name), key, key)
    out.value(
        "summary.overall_status", _status_words(sa.overall_status, sa.overall_status_raw),
        _status_words(sb.overall_status, sb.overall_status_raw), key, key,
        sa.overall_status or norm(sa.overall_status_raw), sb.overall_status or norm(sb.overall_status_raw),
        by_meaning=True,
    )  # fmt: skip
    for name in _SUMMARY_TEXT[3:4]:
        out.value(f"summary.{name}", getattr(sa, name), getattr(sb, name), key, key)
    out.value("summary.phases", _phases(sa.phases), _phases(sb.phases), key, key,
              frozenset(sa.phases), frozenset(sb.phases), by_meaning=True)  # fmt: skip
    out.value("summary.study_type", humanize(sa.study_type) or None, humanize(sb.study_type) or None, key, key)
    out.value("summary.sponsor", sa.sponsor, sb.sponsor, key, key)
    for name in ("collaborators", "conditions", "keywords"):
        out.items(f"summary.{name}", getattr(sa, name), getattr(sb, name), STRINGS, at=(key, key))
    group: Key = ("summary", "interventions")
    out.items("summary.interventions", sa.interventions, sb.interventions, _interventions(a, b), at=(group, group),
              groups=(group if sa.interventions else ("arms",), group if sb.interventions else ("arms",)),
              alignment=_intervention_alignment(a, b))  # fmt: skip
    out.value("summary.enrollment", _str(sa.enrollment), _str(sb.enrollment), key, key)
    for name in _SUMMARY_LATE:
        k: Key = ("summary", "detailed_description") if name == "detailed_description" else key
        shown_a, shown_b = getattr(sa, name), getattr(sb, name)
        if name == "enrollment_type":
            shown_a, shown_b = humanize(shown_a) or None, humanize(shown_b) or None
        out.value(f"summary.{name}", shown_a, shown_b, k, k)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _status_words(code: str | None, raw: str | None) -> str | None:
    """The registry's wording, unless it is only the code itself ("COMPLETED"): then the code in words."""
    if code and norm(raw).replace(" ", "_") in ("", code.casefold()):
        return humanize(code)
    return flat(raw) or humanize(code) or None


def _phases(codes: tuple[str, ...]) -> str | None:
    return ", ".join(humanize(p) for p in codes) or None


STRINGS: ListSpec[str] = ListSpec(
    exact=norm,
    text=norm,
    show=flat,
    fields=(FieldSpec("", flat),),
    names=lambda xs: unique_names([flat(x) for x in xs]),
    moves=False,
)
"""Plain lists of names (conditions, keywords, ids): their order means nothing, so nothing is `moved`."""


def _intervention_alignment(a: Study, b: Study) -> Alignment[Intervention]:
    return align(a.summary.interventions, b.summary.interventions, exact=_intervention_exact,
                 text=lambda x: norm(x.name), keys=(lambda x: norm(x.name),))  # fmt: skip


def _intervention_exact(x: Intervention) -> Hashable:
    return (x.type, norm(x.name), norm(x.description), frozenset(map(norm, x.other_names)),
            frozenset(map(norm, x.arm_labels)))  # fmt: skip


def _interventions(a: Study, b: Study) -> ListSpec[Intervention]:
    arms = _arm_identities(a, b)
    return ListSpec(
        exact=_intervention_exact,
        text=lambda x: norm(x.name),
        show=_intervention_words,
        keys=(lambda x: norm(x.name),),
        names=lambda xs: unique_names([flat(x.name) for x in xs]),
        fields=(
            FieldSpec("type", lambda x: humanize(x.type) or None),
            FieldSpec("name", lambda x: x.name),
            FieldSpec("description", lambda x: x.description),
            FieldSpec(
                "other_names",
                lambda x: "; ".join(map(flat, x.other_names)) or None,
                lambda x: frozenset(map(norm, x.other_names)),
            ),
            # An arm renamed is one change (of the arm), not one more here: labels compared through the arms' alignment.
            FieldSpec(
                "arm_labels",
                lambda x: "; ".join(map(flat, x.arm_labels)) or None,
                lambda x: frozenset(arms(label) for label in x.arm_labels),
            ),
        ),
    )


def _intervention_words(x: Intervention) -> str:
    return f"{humanize(x.type)}: {flat(x.name)}" if x.type else flat(x.name)


def _identities(names_a: Sequence[str], names_b: Sequence[str], alignment: Alignment[object]) -> dict[str, str]:
    """Names of A's and B's items -> one identity per aligned pair (so a renamed item still matches)."""
    ids: dict[str, str] = {}
    for i, j in alignment.pairs:
        ids[f"a:{norm(names_a[i])}"] = ids[f"b:{norm(names_b[j])}"] = f"pair:{j}"
    return ids


def _arm_identities(a: Study, b: Study) -> _Lookup:
    alignment = align(a.arms, b.arms, exact=_arm_exact, text=lambda x: norm(x.label),
                      keys=(lambda x: norm(x.label),))  # fmt: skip
    ids = _identities([x.label for x in a.arms], [x.label for x in b.arms], alignment)  # type: ignore[arg-type]
    return _Lookup(ids)


class _Lookup:
    """A label of either side -> its identity; one call site per side, told apart by the object passed."""

    def __init__(self, ids: dict[str, str]) -> None:
        self._ids = ids

    def __call__(self, name: str) -> str:
        key = norm(name)
        return self._ids.get(f"a:{key}") or self._ids.get(f"b:{key}") or key


# --- eligibility --------------------------------------------------------------------------------------


def _age_words(raw: str | None, years: float | None) -> str | None:
    text = flat(raw)
    if text.casefold() in _NO_LIMIT:
        return f"{years:g} years" if years is not None else None
    return text


def _age_meaning(raw: str | None, years: float | None) -> Hashable:
    if years is not None:
        return round(years, 4)
    text = norm(raw)
    return None if text in _NO_LIMIT else text


def _criterion_lines(c: Criterion) -> str:
    return "\n".join(criteria_lines((c,)))


def _criteria_nested(out: Collector, a: Criterion, b: Criterion, path: str, ka: Key, kb: Key) -> None:
    if a.children or b.children:
        out.items(path, a.children, b.children, CRITERIA, at=((*ka, "children"), (*kb, "children")), groups=(ka, kb))


CRITERIA: ListSpec[Criterion] = ListSpec(
    exact=lambda c: norm(c.text),
    text=lambda c: norm(c.text),
    show=_criterion_lines,
    keys=(lambda c: norm(c.text),),
    fields=(FieldSpec("", lambda c: c.text),),
    nested=None,  # set below: it refers to CRITERIA itself
)
CRITERIA = replace(CRITERIA, nested=_criteria_nested)


def _eligibility(out: Collector, a: Study, b: Study) -> None:
    ea, eb = a.eligibility, b.eligibility
    for name in ("minimum", "maximum"):
        raw_a, years_a = getattr(ea, f"{name}_age_raw"), getattr(ea, f"{name}_age_years")
        raw_b, years_b = getattr(eb, f"{name}_age_raw"), getattr(eb, f"{name}_age_years")
        out.value(f"eligibility.{name}_age", _age_words(raw_a, years_a), _age_words(raw_b, years_b),
                  ("eligibility", "age"), ("eligibility", "age"), _age_meaning(raw_a, years_a),
                  _age_meaning(raw_b, years_b), by_meaning=True)  # fmt: skip
    out.value("eligibility.sex", humanize(ea.sex) or None, humanize(eb.sex) or None,
              ("eligibility", "sex"), ("eligibility", "sex"))  # fmt: skip
    hv: Key = ("eligibility", "healthy_volunteers")
    out.value("eligibility.healthy_volunteers", _yes_no(ea.healthy_volunteers), _yes_no(eb.healthy_volunteers), hv, hv)
    if ea.inclusion or ea.exclusion or eb.inclusion or eb.exclusion:
        # Compared item by item; the criteria text is only another view of the same items.
        start = len(out.sections.get("eligibility", []))
        for name in ("inclusion", "exclusion"):
            group: Key = ("eligibility", name)
            out.items(f"eligibility.{name}", getattr(ea, name), getattr(eb, name), CRITERIA, at=(group, group),
                      groups=(group if getattr(ea, name) else ("eligibility",),
                              group if getattr(eb, name) else ("eligibility",)))  # fmt: skip
        _moves_across(out, "eligibility", start, lambda path: path.split("[", 1)[0])
    else:
        out.value("eligibility.criteria_text", ea.criteria_text, eb.criteria_text, ("eligibility",), ("eligibility",))
    pop: Key = ("eligibility", "study_population")
    out.value("eligibility.study_population", ea.study_population, eb.study_population, pop, pop)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def _moves_across(out: Collector, section: str, start: int, family_of: Callable[[str], str]) -> None:
    """An item removed in one place and added word for word in another of the same family is `moved`."""
    changes = out.sections.get(section, [])
    tail = changes[start:]
    added: dict[tuple[str, str], list[int]] = {}
    for k, c in enumerate(tail):
        if c.kind == "added":
            added.setdefault((family_of(c.path), norm(c.b)), []).append(k)
    drop: set[int] = set()
    for k, c in enumerate(tail):
        if c.kind != "removed":
            continue
        waiting = added.get((family_of(c.path), norm(c.a)))
        if waiting:
            m = waiting.pop(0)
            target = tail[m]
            tail[m] = Change("moved", target.path, c.a, target.b, (("=", target.b or ""),), c.key_a, target.key_b,
                             f"moved from {c.path}")  # fmt: skip
            drop.add(k)
    changes[start:] = [c for k, c in enumerate(tail) if k not in drop]


# --- outcomes -----------------------------------------------------------------------------------------


def _outcome_words(o: Outcome) -> str:
    lines = [flat(o.measure)]
    if o.time_frame:
        lines.append(f"Time frame: {flat(o.time_frame)}")
    if o.description:
        lines.append(flat(o.description))
    return "\n".join(lines)


OUTCOMES: ListSpec[Outcome] = ListSpec(
    exact=lambda o: (norm(o.measure), norm(o.time_frame), norm(o.description)),
    text=lambda o: norm(o.measure),
    show=_outcome_words,
    keys=(
        lambda o: norm(o.measure),
        lambda o: (norm(o.time_frame), norm(o.description)) if o.time_frame or o.description else None,
    ),
    fields=(
        FieldSpec("measure", lambda o: o.measure),
        FieldSpec("time_frame", lambda o: o.time_frame),
        FieldSpec("description", lambda o: o.description),
    ),
)


def _outcomes(out: Collector, a: Study, b: Study) -> None:
    start = len(out.sections.get("outcomes", []))
    for name, _label in OUTCOME_GROUPS:
        items_a, items_b = getattr(a.outcomes, name), getattr(b.outcomes, name)
        group: Key = ("outcomes", name)
        out.items(f"outcomes.{name}", items_a, items_b, OUTCOMES, at=(group, group),
                  groups=(group if items_a else ("outcomes",), group if items_b else ("outcomes",)))  # fmt: skip
    _moves_across(out, "outcomes", start, lambda path: "outcomes")


# --- sites --------------------------------------------------------------------------------------------


def _contact_words(c: Contact) -> str:
    parts = [contact_name(c)]
    if c.role:
        parts[0] += f" ({humanize(c.role)})"
    parts += [x for x in (c.affiliation, c.phone, c.email) if x and x != contact_name(c)]
    return " · ".join(flat(p) for p in parts)


def _contact_exact(c: Contact) -> Hashable:
    return (norm(c.name), c.role, norm(c.phone), norm(c.email), norm(c.affiliation))


CONTACTS: ListSpec[Contact] = ListSpec(
    exact=_contact_exact,
    text=lambda c: norm(contact_name(c)),
    show=_contact_words,
    keys=(lambda c: norm(c.name) or None, lambda c: norm(c.email) or None),
    names=lambda cs: unique_names([flat(contact_name(c)) for c in cs]),
    fields=(
        FieldSpec("name", lambda c: c.name),
        FieldSpec("role", lambda c: humanize(c.role) or None, lambda c: c.role),
        FieldSpec("phone", lambda c: c.phone),
        FieldSpec("email", lambda c: c.email, lambda c: norm(c.email)),
        FieldSpec("affiliation", lambda c: c.affiliation),
    ),
)


def _site_exact(s: Site) -> Hashable:
    return (norm(s.facility), norm(s.city), norm(s.state), norm(s.zip), norm(s.country), s.status,
            tuple(_contact_exact(c) for c in s.contacts))  # fmt: skip


def _site_contacts(out: Collector, a: Site, b: Site, path: str, ka: Key, kb: Key) -> None:
    if a.contacts != b.contacts or out.unchanged:
        out.items(f"{path}.contacts", a.contacts, b.contacts, CONTACTS, at=((*ka, "contacts"), (*kb, "contacts")),
                  groups=(ka, kb))  # fmt: skip


SITES: ListSpec[Site] = ListSpec(
    exact=_site_exact,
    text=lambda s: norm(site_line(s)),
    show=lambda s: site_line(s) or site_name(s),  # the parsers keep these fields on one line
    keys=(
        lambda s: (norm(s.facility), norm(s.city), norm(s.country)) if s.facility else None,
        lambda s: (norm(s.facility), norm(s.country)) if s.facility else None,
    ),
    block=lambda s: (norm(s.country), norm(s.city)),  # a site in another city is another site
    names=lambda ss: unique_names([flat(site_name(s)) for s in ss], [flat(s.city) for s in ss]),
    fields=(
        FieldSpec("facility", lambda s: s.facility),
        FieldSpec("city", lambda s: s.city),
        FieldSpec("state", lambda s: s.state),
        FieldSpec("zip", lambda s: s.zip),
        FieldSpec("country", lambda s: s.country),
        FieldSpec("status", lambda s: humanize(s.status) or None, lambda s: s.status),
    ),
    nested=_site_contacts,
)


# --- other --------------------------------------------------------------------------------------------

_DESIGN = (
    "allocation", "intervention_model", "intervention_model_description", "primary_purpose", "masking",
    "masking_description", "who_masked", "observational_model", "time_perspective", "number_of_arms",
)  # fmt: skip


def _arm_exact(x: Arm) -> Hashable:
    return (norm(x.label), x.type, norm(x.description), tuple(map(norm, x.interventions)))


def _interventions_of_arm(study_a: Study, study_b: Study) -> _Lookup:
    """Arm entries ("Drug: Aspirin") -> the identity of the intervention they name, through the alignment."""
    ia, ib = study_a.summary.interventions, study_b.summary.interventions
    alignment = _intervention_alignment(study_a, study_b)
    ids = _identities([x.name for x in ia], [x.name for x in ib], alignment)  # type: ignore[arg-type]
    return _Lookup(ids)


def _arm_entry(entry: str) -> str:
    """ "Drug: Aspirin" -> "Aspirin" (the type prefix is the intervention's type, compared there)."""
    head, sep, tail = entry.partition(": ")
    return tail if sep and len(head) < 40 else entry


def _arms(a: Study, b: Study) -> ListSpec[Arm]:
    interventions = _interventions_of_arm(a, b)
    return ListSpec(
        exact=_arm_exact,
        text=lambda x: norm(x.label),
        show=lambda x: f"{flat(x.label)} ({humanize(x.type)})" if x.type else flat(x.label),
        keys=(lambda x: norm(x.label),),
        names=lambda xs: unique_names([flat(x.label) for x in xs]),
        fields=(
            FieldSpec("label", lambda x: x.label),
            FieldSpec("type", lambda x: humanize(x.type) or None, lambda x: x.type),
            FieldSpec("description", lambda x: x.description),
            FieldSpec(
                "interventions",
                lambda x: "; ".join(map(flat, x.interventions)) or None,
                lambda x: frozenset(interventions(_arm_entry(e)) for e in x.interventions),
            ),
        ),
    )


def _reference_words(r: Reference) -> str:
    return " · ".join(flat(x) for x in (r.citation, f"PMID {r.pmid}" if r.pmid else None, r.url) if x) or "Reference"


REFERENCES: ListSpec[Reference] = ListSpec(
    exact=lambda r: (norm(r.citation), r.pmid, r.type, norm(r.url)),
    text=lambda r: norm(r.citation or r.url),
    show=_reference_words,
    keys=(lambda r: r.pmid or None, lambda r: norm(r.url) or None, lambda r: norm(r.citation) or None),
    names=lambda rs: unique_names([f"PMID {r.pmid}" if r.pmid else str(k + 1) for k, r in enumerate(rs)]),
    fields=(
        FieldSpec("citation", lambda r: r.citation),
        FieldSpec("pmid", lambda r: r.pmid),
        FieldSpec("type", lambda r: humanize(r.type) or None, lambda r: r.type),
        FieldSpec("url", lambda r: r.url),
    ),
)


def _other(out: Collector, a: Study, b: Study) -> None:
    da, db = a.design, b.design
    design: Key = ("design",)
    for name in _DESIGN:
        if name == "number_of_arms" and (a.arms or b.arms):
            continue  # another view of the arms, compared one by one
        va, vb = getattr(da, name), getattr(db, name)
        if name == "who_masked":
            out.value("design.who_masked", ", ".join(map(humanize, va)) or None, ", ".join(map(humanize, vb)) or None,
                      design, design, frozenset(va), frozenset(vb), by_meaning=True)  # fmt: skip
        elif name in ("intervention_model_description", "masking_description", "number_of_arms"):
            out.value(f"design.{name}", _str(va), _str(vb), design, design)
        else:
            out.value(f"design.{name}", humanize(va) or None, humanize(vb) or None, design, design, va, vb,
                      by_meaning=True)  # fmt: skip
    out.items("arms", a.arms, b.arms, _arms(a, b), at=(("arms",), ("arms",)))
    out.items("contacts", a.contacts, b.contacts, CONTACTS, at=(("contacts",), ("contacts",)))
    off: Key = ("officials",)
    groups = (off if a.officials else ("contacts",), off if b.officials else ("contacts",))
    out.items("officials", a.officials, b.officials, CONTACTS, at=(off, off), groups=groups)
    out.items("references", a.references, b.references, REFERENCES, at=(("references",), ("references",)))
    skip = set(_DERIVED_EXTRA)
    if a.secondary_ids or b.secondary_ids:
        skip.add(X.SECONDARY_IDS)
    extra: Key = ("extra",)
    for name in dict.fromkeys([*a.extra, *b.extra]):
        if name not in skip:
            out.value(f"extra[{name}]", a.extra.get(name), b.extra.get(name), extra, extra)
