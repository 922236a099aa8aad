"""The index's fields: one text field per core/fields.py field, a catch-all, filter fields, bookkeeping."""

from __future__ import annotations

import json
import math
from operator import getitem
from typing import TYPE_CHECKING, Any

from viewer.core.fields import FIELDS, Get, fields_text, study_text
from viewer.core.search.analyzer import TOKENIZER, fold

if TYPE_CHECKING:
    import tantivy

    from viewer.core.model import Study

SCHEMA_VERSION = "3"
"""Bumped when the schema changes: an index of another version is rebuilt (its files re-indexed)."""
ALL = "all"
"""Every text field again, indexed only: unscoped words search it and the boosted fields (5 posting lists, not 11)."""
KEY = "key"
"""The study's ids (primary and secondary), folded, untokenized: `id:` lookups and the exact-id-first rule."""
SOURCE = "source"
"""The catalog key of the file (or zip member) the study came from: a batch is deleted or reconciled by it."""
PATH, MEMBER = "path", "member"
FILTERS = ("phase", "status", "sex", "registry", "country")
SINGLE_VALUED = ("status", "sex", "registry")
"""Filter fields with exactly one value per study, when the study states it (`_doc`); phase and country may
hold several."""
MIN_AGE, MAX_AGE = "min_age", "max_age"
NO_MIN_AGE, NO_MAX_AGE = 0.0, 200.0
"""Ages a record does not state, so an age filter is two plain comparisons."""
AGES_IN, AGES_OUT = "ages_in", "ages_out"
"""The whole years from 0 to LAST_AGE a study admits, and those it does not: age:N for such a year is
"ages_in:N" or "not ages_out:N", whichever names fewer studies (tantivy steps through them), where the two
age comparisons test every match of the words."""
LAST_AGE = 120

FIELD_NAMES = (*FIELDS, ALL, KEY, SOURCE, PATH, MEMBER, *FILTERS, MIN_AGE, MAX_AGE, AGES_IN, AGES_OUT)

UNSCOPED_BOOSTS = {ALL: 1.0, "id": 3.0, "title": 2.0, "conditions": 1.0, "interventions": 1.0}
"""Unscoped words: a title word scores all + title = 3, a condition 2, a body word 1 (the measured schema)."""
SCOPED_BOOSTS = {"id": 4.0, "title": 3.0, "conditions": 2.0, "interventions": 2.0, "sponsor": 1.5}
EXACT_ID_BOOST = 1000.0
"""An id typed alone outranks every text match."""


def build_schema() -> tantivy.Schema:
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field(ALL, tokenizer_name=TOKENIZER)
    builder.add_text_field(KEY, tokenizer_name="raw")
    builder.add_text_field(SOURCE, tokenizer_name="raw")
    builder.add_text_field(PATH, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(MEMBER, stored=True, tokenizer_name="raw", index_option="basic")
    for name in FILTERS:
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_float_field(MIN_AGE, indexed=True, fast=True)
    builder.add_float_field(MAX_AGE, indexed=True, fast=True)
    builder.add_unsigned_field(AGES_IN, indexed=True)
    builder.add_unsigned_field(AGES_OUT, indexed=True)
    return builder.build()


def study_doc(study: Study, source: str, path: str, member: str) -> str:
    """The study as the JSON document the index takes (built in a worker: one string is cheap to pickle)."""
    return _doc(study, getattr, study_text(study), source, path, member)


def fields_doc(fields: dict[str, Any], source: str, path: str, member: str) -> str:
    """study_doc of the Study a parser's bounded field dict validates into, without building it (the caller
    has checked that it validates: see worker.fits)."""
    return _doc(fields, getitem, fields_text(fields), source, path, member)


def _doc(study: Any, get: Get, text: dict[str, str], source: str, path: str, member: str) -> str:
    doc: dict[str, Any] = {name: value for name, value in text.items() if value}
    doc[ALL] = [value for value in text.values() if value]  # values, not one joined text: phrases stay in a field
    doc[KEY] = list(dict.fromkeys(fold(i) for i in (get(study, "id"), *get(study, "secondary_ids"))))
    doc[SOURCE] = source
    doc[PATH] = path
    if member:
        doc[MEMBER] = member
    s, e = get(study, "summary"), get(study, "eligibility")
    phases, status, sex = get(s, "phases"), get(s, "overall_status"), get(e, "sex")
    if phases:
        doc["phase"] = list(phases)
    if status:
        doc["status"] = status
    if sex:
        doc["sex"] = sex
    doc["registry"] = get(study, "registry")
    countries = text["countries"]
    if countries:
        doc["country"] = countries.split("\n")
    low, high = get(e, "minimum_age_years"), get(e, "maximum_age_years")
    doc[MIN_AGE] = NO_MIN_AGE if low is None else float(low)
    doc[MAX_AGE] = NO_MAX_AGE if high is None else float(high)
    inside, outside = ages_in(doc[MIN_AGE], doc[MAX_AGE]), ages_out(doc[MIN_AGE], doc[MAX_AGE])
    if inside:
        doc[AGES_IN] = inside
    if outside:
        doc[AGES_OUT] = outside
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def ages_in(low: float, high: float) -> list[int]:
    """The whole years 0..LAST_AGE in [low, high] (the study's AGES_IN)."""
    below, above = _whole_years(low, high)
    return list(range(below, above))


def ages_out(low: float, high: float) -> list[int]:
    """The whole years 0..LAST_AGE outside [low, high] (the study's AGES_OUT)."""
    below, above = _whole_years(low, high)
    return [*range(below), *range(above, LAST_AGE + 1)]


def _whole_years(low: float, high: float) -> tuple[int, int]:
    """[below, above): the whole years 0..LAST_AGE in [low, high]. y >= low is y >= ceil(low); y <= high is
    y < floor(high) + 1."""
    below = min(LAST_AGE + 1, max(0, math.ceil(low)))
    return below, max(below, min(LAST_AGE + 1, math.floor(high) + 1))
