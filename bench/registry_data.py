"""Registry-sized synthetic studies made from the real corpus: `python bench/registry_data.py [--studies N]`."""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import sys
import time
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from viewer.core.loader import load_paths  # noqa: E402
from viewer.core.model import Criterion, Study  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
V2_FOLDER = CORPUS / "A_ctgov_api_v2_json"
XML_FOLDER = CORPUS / "B_ctgov_legacy_xml"
TEXT_FIELDS = ("id", "title", "conditions", "interventions", "summary", "inclusion", "exclusion",
               "outcomes", "sites", "countries", "sponsor")  # fmt: skip
MIXED = ("summary", "inclusion", "exclusion", "outcomes", "sites", "interventions")
"""Fields whose units are drawn partly from other base studies: wording varies, vocabulary grows."""
STATUSES = (("COMPLETED", 55), ("UNKNOWN", 12), ("RECRUITING", 10), ("TERMINATED", 6), ("ACTIVE_NOT_RECRUITING", 4),
            ("NOT_YET_RECRUITING", 3), ("WITHDRAWN", 3), ("ENROLLING_BY_INVITATION", 1))  # fmt: skip
SYLLABLES = tuple(c + v for c in "bcdfgklmnprstvz" for v in "aeiou")  # 75 syllables
DRUG_SUFFIXES = (
    "mab",
    "zumab",
    "tinib",
    "ciclib",
    "vir",
    "stat",
    "pril",
    "sartan",
    "olol",
    "azole",
    "parin",
    "gliptin",
)
ZIPF_TAIL = 0.3
"""P(rank > x) = x ** -ZIPF_TAIL: a heavy tail, so each new batch of studies brings unseen tokens (Heaps' law)."""
SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z0-9(])")

Units = dict[str, list[str]]


def _criteria(items: tuple[Criterion, ...]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.append(item.text)
        out.extend(_criteria(item.children))
    return out


def _sentences(*texts: str | None) -> list[str]:
    return [s for t in texts if t for s in SENTENCE.split(t) if s.strip()]


def units(study: Study) -> Units:
    """A study's searchable text as lists of units (titles, sentences, criteria, names) per field."""
    s, e = study.summary, study.eligibility
    outcomes = [*study.outcomes.primary, *study.outcomes.secondary, *study.outcomes.other]
    return {
        "title": [t for t in (s.brief_title, s.official_title, s.acronym) if t],
        "conditions": [*s.conditions, *s.keywords],
        "interventions": [x for i in s.interventions for x in (i.name, *i.other_names, i.description) if x],
        "summary": _sentences(s.brief_summary, s.detailed_description),
        "inclusion": _criteria(e.inclusion) or _sentences(e.criteria_text),
        "exclusion": _criteria(e.exclusion),
        "outcomes": [x for o in outcomes for x in (o.measure, o.time_frame, o.description) if x],
        "sites": list(dict.fromkeys(" ".join(x for x in (t.facility, t.city, t.state) if x) for t in study.sites)),
        "countries": list(dict.fromkeys(t.country for t in study.sites if t.country)),
        "sponsor": [x for x in (s.sponsor, *s.collaborators) if x],
    }


@cache
def base_studies() -> tuple[tuple[Units, dict[str, Any]], ...]:
    """The real studies of the corpus (API v2 JSON and legacy XML), as units plus filter values."""
    found = []
    for result in load_paths([V2_FOLDER, XML_FOLDER]):
        for study in result.studies:
            e = study.eligibility
            values = {"phase": list(study.summary.phases), "status": study.summary.overall_status or "UNKNOWN",
                      "sex": e.sex or "all", "min_age": e.minimum_age_years, "max_age": e.maximum_age_years,
                      "registry": study.registry}  # fmt: skip
            found.append((units(study), values))
    if not found:
        raise SystemExit(f"no studies under {V2_FOLDER} or {XML_FOLDER}")
    return tuple(found)


def token(rank: int) -> str:
    """The synthetic word of a Zipf rank: distinct for every rank, pronounceable, stable across runs."""
    n, out = rank + len(SYLLABLES), []
    while n:
        n, digit = divmod(n, len(SYLLABLES))
        out.append(SYLLABLES[digit])
    return "".join(out)


def drug(rank: int) -> str:
    """A drug-like name (`Kabotinib`) or a code (`KA-1043`), one per rank."""
    word = token(rank)
    if rank % 4 == 3:
        return f"{word[:2].upper()}-{1000 + rank % 9000}"
    return (word + DRUG_SUFFIXES[rank % len(DRUG_SUFFIXES)]).capitalize()


def zipf_rank(rng: random.Random) -> int:
    return int((1.0 - rng.random()) ** (-1.0 / ZIPF_TAIL))


def nct_id(i: int) -> str:
    # 7919 is prime and does not divide 90,000,000: a bijection on the first 90 million indices.
    return f"NCT{10_000_000 + (i * 7919 + 4_000_000) % 90_000_000:08d}"


def vary(text: str, rng: random.Random, words: int) -> str:
    """Insert `words` Zipf-drawn tokens or drug names at word boundaries, and now and then a typo."""
    for _ in range(words):
        at = text.find(" ", rng.randrange(len(text) + 1))
        rank = zipf_rank(rng)
        word = drug(rank) if rng.random() < 0.3 else token(rank)
        text = f"{text} {word}" if at < 0 else f"{text[:at]} {word}{text[at:]}"
    if rng.random() < 0.05 and len(text) > 8:
        # A typo: two neighbouring letters swapped, as a real registry's free text has them.
        at = rng.randrange(len(text) - 1)
        text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text


def _mix(own: list[str], donor: list[str], rng: random.Random) -> list[str]:
    if not donor:
        return own[:]
    mixed = [rng.choice(donor) if rng.random() < 0.4 else unit for unit in own]
    mixed.extend(rng.sample(donor, min(len(donor), rng.randrange(3))))
    return mixed


def _age(value: float | None, rng: random.Random) -> float | None:
    if value is None or rng.random() < 0.7:
        return value
    return max(0.0, round(value + rng.choice((-6, -2, -1, 1, 2, 5, 10)), 1))


def studies(n: int = 600_000, seed: int = 1) -> Iterator[dict[str, Any]]:
    """`n` synthetic studies as plain dicts (text per field, filter values); the same for the same seed."""
    bases = base_studies()
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        own, values = bases[rng.randrange(len(bases))]
        donor = bases[rng.randrange(len(bases))][0]
        study: dict[str, Any] = {"id": nct_id(i)}
        for field in TEXT_FIELDS[1:]:
            parts = _mix(own[field], donor[field], rng) if field in MIXED else own[field][:]
            if parts and field in ("title", "summary", "inclusion", "exclusion", "interventions", "conditions"):
                for _ in range(1 + (field == "summary") + (field == "inclusion")):
                    at = rng.randrange(len(parts))
                    parts[at] = vary(parts[at], rng, 1 + int(rng.random() < 0.5))
            study[field] = "\n".join(parts)
        status = values["status"] if rng.random() < 0.5 else rng.choices(*zip(*STATUSES, strict=True))[0]
        study.update(values, status=status, min_age=_age(values["min_age"], rng), max_age=_age(values["max_age"], rng))
        yield study


def raw_text_bytes(study: dict[str, Any]) -> int:
    return sum(len(study[f].encode()) for f in TEXT_FIELDS)


def v2_records() -> list[dict[str, Any]]:
    """The corpus's real API v2 study records (single-study files and the studies of page files)."""
    records: list[dict[str, Any]] = []
    for path in sorted(V2_FOLDER.glob("*.json")):
        data = json.loads(path.read_bytes())
        records.extend(r for r in data.get("studies", [data]) if "protocolSection" in r)
    return records


def write_v2_zip(path: str | Path, n: int, seed: int = 1) -> None:
    """Write `n` one-study API v2 JSON files (`NCT….json`) into a zip, the registry's full-download shape."""
    bases = v2_records()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(n):
            rng = random.Random(seed * 1_000_003 + i)
            record = copy.deepcopy(bases[rng.randrange(len(bases))])
            donor = bases[rng.randrange(len(bases))]["protocolSection"]
            protocol = record["protocolSection"]
            ident = protocol.setdefault("identificationModule", {})
            ident["nctId"] = nct_id(i)
            for key in ("briefTitle", "officialTitle"):
                if ident.get(key):
                    ident[key] = vary(ident[key], rng, 1)
            summary = protocol.get("descriptionModule", {})
            if summary.get("briefSummary"):
                theirs = donor.get("descriptionModule", {}).get("briefSummary", "")
                summary["briefSummary"] = vary(summary["briefSummary"] + (" " + theirs if rng.random() < 0.3 else ""),
                                               rng, 2)  # fmt: skip
            criteria = protocol.get("eligibilityModule", {})
            if criteria.get("eligibilityCriteria"):
                criteria["eligibilityCriteria"] = vary(criteria["eligibilityCriteria"], rng, 2)
            archive.writestr(f"{ident['nctId']}.json", json.dumps(record, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{len(base_studies())} base studies from the corpus")
    seen: set[str] = set()
    total = 0
    checkpoints = {10**k for k in range(2, 8)} | {args.studies}
    start = time.perf_counter()
    for i, study in enumerate(studies(args.studies, args.seed), 1):
        total += raw_text_bytes(study)
        seen.update(re.findall(r"\w+", " ".join(study[f] for f in TEXT_FIELDS).lower()))
        if i in checkpoints:
            print(f"{i:>9,} studies  {total / i:7,.0f} text bytes/study  {len(seen):>9,} distinct words")
    print(f"{args.studies / (time.perf_counter() - start):,.0f} studies/s (with the word counting)")


if __name__ == "__main__":
    main()
