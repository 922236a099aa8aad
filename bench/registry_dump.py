"""A registry-sized CT.gov API v2 dump from the real corpus: `python bench/registry_dump.py --studies N`.

The registry's full download (`ctg-studies.json.zip`) is one `NCTxxxxxxxx.json` per study in one zip. This
writes the same shape: each study a deep copy of one of the corpus's real API v2 records (the protocol
section parsed again from its JSON) with its wording mixed with a second record's (sentences, criteria,
outcomes, sites, interventions, conditions), Zipf-drawn synthetic words and drug-like names inserted, now
and then a typo, a fresh NCT id and org study id, and varied status, phase, sex and ages. The results
section is kept for `results_fraction` of the studies (as stored in the base record: it is not searched,
only parsed), dropped from the rest. Generation is streamed: worker processes build and deflate batches
of studies, the parent writes them to the zip in order, so memory stays bounded at any size. Dumps are
cached under the work folder, keyed by their parameters, with a JSON file of their sizes beside them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import struct
import sys
import time
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registry_data as data

GENERATOR_VERSION = 1
"""Bump when the output changes: it is part of the cache key."""
WORK = Path(os.environ.get("BENCH_WORK", "/work/tmp-bench"))
BATCH = 250
"""Studies per worker task: large enough to amortize pickling, small enough to keep memory flat."""
TEXT_SAMPLE = 20
"""Every TEXT_SAMPLE-th study is also parsed by the viewer to measure its searched text (extrapolated)."""
PHASES = ((["PHASE2"], 30), (["PHASE1"], 20), (["PHASE3"], 15), (["NA"], 15), (["PHASE4"], 8),
          (["PHASE1", "PHASE2"], 6), (["PHASE2", "PHASE3"], 4), (["EARLY_PHASE1"], 2))  # fmt: skip
SEXES = (("ALL", 85), ("FEMALE", 10), ("MALE", 5))
FACILITY_KINDS = ("Medical Center", "Hospital", "University Hospital", "Clinic", "Research Institute",
                  "Cancer Center", "Clinical Research Site")  # fmt: skip
BULLET = re.compile(r"^\s*(?:[*\-•]|\d+[.)])\s+")
AGE = re.compile(r"^(\d+(?:\.\d+)?)\s+(\w+)$")


# --- the base records -------------------------------------------------------------------------------------


class Base:
    """One real API v2 record, split into the units other studies borrow."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.protocol_json = json.dumps(record["protocolSection"], ensure_ascii=False)
        # Sections other than the protocol are copied as they are: serialized once, spliced into the output.
        self.rest = {k: json.dumps(v, ensure_ascii=False) for k, v in record.items() if k != "protocolSection"}
        self.has_results = "resultsSection" in record
        p = record["protocolSection"]
        desc = p.get("descriptionModule", {})
        self.sentences = data._sentences(desc.get("briefSummary"), desc.get("detailedDescription"))
        text = p.get("eligibilityModule", {}).get("eligibilityCriteria", "")
        self.inclusion, self.exclusion = [], []
        excluding = False
        for line in text.splitlines():
            if "exclusion" in line.lower() and not BULLET.match(line):
                excluding = True
            elif BULLET.match(line):
                (self.exclusion if excluding else self.inclusion).append(line)
        outcomes = p.get("outcomesModule", {})
        self.outcomes = {k: outcomes.get(k, []) for k in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")}
        self.locations = p.get("contactsLocationsModule", {}).get("locations", [])
        self.interventions = p.get("armsInterventionsModule", {}).get("interventions", [])
        conditions = p.get("conditionsModule", {})
        self.conditions = conditions.get("conditions", [])
        self.keywords = conditions.get("keywords", [])
        self.sponsor = p.get("sponsorCollaboratorsModule", {}).get("leadSponsor")


@cache
def bases() -> tuple[Base, ...]:
    """The corpus's real API v2 studies, each once (page files repeat some single-study files)."""
    unique: dict[str, dict[str, Any]] = {}
    for record in data.v2_records():
        unique.setdefault(record["protocolSection"]["identificationModule"]["nctId"], record)
    return tuple(Base(r) for r in unique.values())


# --- one study --------------------------------------------------------------------------------------------


def _vary_some(items: list[str], rng: random.Random, times: int, words: int = 1) -> None:
    for _ in range(times if items else 0):
        at = rng.randrange(len(items))
        items[at] = data.vary(items[at], rng, words)


def _mix_dicts(own: list[Any], donor: list[Any], rng: random.Random) -> list[Any]:
    """40% of the items taken from the donor, and up to two more of its items appended."""
    return data._mix(own, donor, rng) if own or donor else []


def _criteria(text: str, own: Base, donor: Base, rng: random.Random) -> str:
    """The criteria text with 40% of its bullets swapped for the donor's (same section), two varied."""
    out, excluding = [], False
    for line in text.splitlines():
        if "exclusion" in line.lower() and not BULLET.match(line):
            excluding = True
        pool = donor.exclusion if excluding else donor.inclusion
        if BULLET.match(line) and pool and rng.random() < 0.4:
            line = rng.choice(pool)
        out.append(line)
    bullets = [i for i, line in enumerate(out) if BULLET.match(line)] or list(range(len(out)))
    for _ in range(2 if bullets else 0):
        at = rng.choice(bullets)
        out[at] = data.vary(out[at], rng, 1 + int(rng.random() < 0.5))
    return "\n".join(out)


def _age(text: str | None, rng: random.Random) -> str | None:
    m = AGE.match(text or "")
    if not m or rng.random() < 0.7:
        return text
    value = max(0, int(float(m.group(1))) + rng.choice((-6, -2, -1, 1, 2, 5, 10)))
    return f"{value} {m.group(2)}"


def _site(location: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    if rng.random() >= 0.2:
        return location
    # A new facility name: registries have far more sites than the corpus does.
    name = f"{data.token(data.zipf_rank(rng)).capitalize()} {rng.choice(FACILITY_KINDS)}"
    return {**location, "facility": name}


def study_json(i: int, seed: int, results_fraction: float) -> bytes:
    """The API v2 JSON of study `i`: the same bytes for the same (i, seed, results_fraction)."""
    all_bases = bases()
    rng = random.Random(seed * 1_000_003 + i)
    own = all_bases[rng.randrange(len(all_bases))]
    donor = all_bases[rng.randrange(len(all_bases))]
    p = json.loads(own.protocol_json)  # a deep copy of the protocol section
    ident = p.setdefault("identificationModule", {})
    ident["nctId"] = data.nct_id(i)
    org = ident.get("orgStudyIdInfo")
    if org and org.get("id"):
        org["id"] = f"{org['id']}-{i:06d}"  # org study ids are unique in a registry too
    for key in ("briefTitle", "officialTitle"):
        if ident.get(key):
            ident[key] = data.vary(ident[key], rng, 1)
    desc = p.get("descriptionModule")
    if desc and own.sentences:
        sentences = data._mix(own.sentences, donor.sentences, rng)
        _vary_some(sentences, rng, 2, 1 + int(rng.random() < 0.5))
        cut = max(1, len(sentences) // 3)
        desc["briefSummary"] = " ".join(sentences[:cut])
        if desc.get("detailedDescription") or len(sentences) > cut:
            desc["detailedDescription"] = " ".join(sentences[cut:])
    cond = p.get("conditionsModule")
    if cond is not None:
        cond["conditions"] = _mix_dicts(own.conditions, donor.conditions, rng)
        _vary_some(cond["conditions"], rng, 1)
        if own.keywords or donor.keywords:
            cond["keywords"] = _mix_dicts(own.keywords, donor.keywords, rng)
    elig = p.get("eligibilityModule")
    if elig:
        if elig.get("eligibilityCriteria"):
            elig["eligibilityCriteria"] = _criteria(elig["eligibilityCriteria"], own, donor, rng)
        for key in ("minimumAge", "maximumAge"):
            if elig.get(key):
                elig[key] = _age(elig[key], rng)
        if rng.random() < 0.15:
            elig["sex"] = rng.choices(*zip(*SEXES, strict=True))[0]
    outcomes = p.get("outcomesModule")
    if outcomes:
        for key, theirs in donor.outcomes.items():
            if outcomes.get(key):
                outcomes[key] = _mix_dicts(outcomes[key], theirs, rng)
    arms = p.get("armsInterventionsModule")
    if arms and arms.get("interventions"):
        interventions = _mix_dicts(arms["interventions"], donor.interventions, rng)
        at = rng.randrange(len(interventions))
        interventions[at] = {**interventions[at], "name": data.vary(interventions[at].get("name") or "", rng, 1)}
        arms["interventions"] = interventions
    sites = p.get("contactsLocationsModule")
    if sites and sites.get("locations"):
        sites["locations"] = [_site(x, rng) for x in _mix_dicts(sites["locations"], donor.locations, rng)]
    sponsor = p.get("sponsorCollaboratorsModule")
    if sponsor and donor.sponsor and rng.random() < 0.3:
        sponsor["leadSponsor"] = donor.sponsor
    status = p.get("statusModule")
    if status and rng.random() < 0.5:
        status["overallStatus"] = rng.choices(*zip(*data.STATUSES, strict=True))[0]
    design = p.get("designModule")
    if design and design.get("phases") and rng.random() < 0.4:
        design["phases"] = rng.choices(*zip(*PHASES, strict=True))[0]
    # The results section: kept for results_fraction of all studies, drawn among the bases that have one.
    share = sum(b.has_results for b in all_bases) / len(all_bases)
    keep_results = own.has_results and rng.random() < results_fraction / share
    rest = dict(own.rest)
    if not keep_results:
        rest.pop("resultsSection", None)
    if "hasResults" in rest:
        rest["hasResults"] = "true" if keep_results else "false"
    parts = [f'"protocolSection": {json.dumps(p, ensure_ascii=False)}', *(f'"{k}": {v}' for k, v in rest.items())]
    return ("{" + ", ".join(parts) + "}").encode()


# --- the zip ----------------------------------------------------------------------------------------------

Member = tuple[str, bytes, int, int]  # name, deflated bytes, crc32, uncompressed size
DOS_TIME, DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1  # every member dated 2026-01-01 00:00: stable bytes


class ZipWriter:
    """A minimal zip64 writer for members deflated elsewhere (zipfile cannot take precompressed data)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.central: list[bytes] = []
        self.offset = 0

    def add(self, name: str, deflated: bytes, crc: int, size: int) -> None:
        raw_name = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, DOS_TIME, DOS_DATE, crc, len(deflated), size,
                             len(raw_name), 0)  # fmt: skip
        self.handle.write(header + raw_name)
        self.handle.write(deflated)
        extra = b""
        offset = self.offset
        if offset >= 0xFFFFFFFF:
            extra, offset = struct.pack("<HHQ", 1, 8, offset), 0xFFFFFFFF
        version = 45 if extra else 20
        entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, version, 0, 8, DOS_TIME, DOS_DATE, crc,
                            len(deflated), size, len(raw_name), len(extra), 0, 0, 0, 0o644 << 16, offset)  # fmt: skip
        self.central.append(entry + raw_name + extra)
        self.offset += len(header) + len(raw_name) + len(deflated)

    def close(self) -> None:
        start, count = self.offset, len(self.central)
        for entry in self.central:
            self.handle.write(entry)
        size = sum(len(e) for e in self.central)
        end = start + size
        self.handle.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, start))
        self.handle.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        self.handle.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                      min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0))  # fmt: skip


def _batch(task: tuple[int, int, int, float]) -> tuple[list[Member], int, int, int]:
    """Studies [start, stop) built and deflated; with the raw bytes, and the searched text of the sampled ones."""
    start, stop, seed, results_fraction = task
    from viewer.core.fields import study_text
    from viewer.core.loader import parse_bytes

    members, raw, text, sampled = [], 0, 0, 0
    for i in range(start, stop):
        body = study_json(i, seed, results_fraction)
        raw += len(body)
        name = f"{data.nct_id(i)}.json"
        if i % TEXT_SAMPLE == 0:
            for study in parse_bytes(body, name):
                text += sum(len(v.encode()) for v in study_text(study).values())
            sampled += 1
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        members.append((name, deflate.compress(body) + deflate.flush(), zlib.crc32(body), len(body)))
    return members, raw, text, sampled


def _tasks(n: int, seed: int, results_fraction: float) -> Iterator[tuple[int, int, int, float]]:
    for start in range(0, n, BATCH):
        yield start, min(n, start + BATCH), seed, results_fraction


def dump_path(n: int, seed: int = 1, results_fraction: float = 0.25) -> Path:
    return WORK / "dumps" / f"ctg-v2-n{n}-seed{seed}-results{results_fraction:g}-g{GENERATOR_VERSION}.zip"


def ensure_dump(n: int, seed: int = 1, results_fraction: float = 0.25, workers: int | None = None,
                log: Any = print) -> tuple[Path, dict[str, Any]]:  # fmt: skip
    """The cached dump for these parameters (written first when absent) and its sizes."""
    path = dump_path(n, seed, results_fraction)
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists():
        info: dict[str, Any] = json.loads(info_path.read_text())
        log(f"dump: reusing {path} ({info['zip_bytes'] / 1e9:.2f} GB)")
        return path, info
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    workers = workers or os.cpu_count() or 1
    raw = text = sampled = 0
    start = time.perf_counter()
    log(f"dump: writing {n:,} studies to {path} with {workers} worker processes ...")
    with open(partial, "wb") as handle, multiprocessing.get_context("fork").Pool(workers) as pool:
        writer = ZipWriter(handle)
        done = 0
        for members, b_raw, b_text, b_sampled in pool.imap(_batch, _tasks(n, seed, results_fraction)):
            for member in members:
                writer.add(*member)
            raw, text, sampled, done = raw + b_raw, text + b_text, sampled + b_sampled, done + len(members)
            if done % 50_000 < BATCH:
                rate = done / (time.perf_counter() - start)
                log(f"dump: {done:,} studies, {rate:,.0f}/s, {raw / 1e9:.2f} GB raw, ETA {(n - done) / rate:.0f} s")
        writer.close()
    seconds = time.perf_counter() - start
    os.replace(partial, path)
    info = {"studies": n, "seed": seed, "results_fraction": results_fraction, "generator": GENERATOR_VERSION,
            "zip_bytes": path.stat().st_size, "raw_json_bytes": raw, "searched_text_bytes": round(text / sampled * n),
            "searched_text_sampled": sampled, "seconds": seconds, "studies_per_s": n / seconds}  # fmt: skip
    info_path.write_text(json.dumps(info, indent=1))
    log(f"dump: {n:,} studies in {seconds:.0f} s ({n / seconds:,.0f}/s); zip {info['zip_bytes'] / 1e9:.2f} GB, "
        f"raw JSON {raw / 1e9:.2f} GB, searched text ~{info['searched_text_bytes'] / 1e9:.2f} GB")  # fmt: skip
    return path, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--studies", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results-fraction", type=float, default=0.25)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    ensure_dump(args.studies, args.seed, args.results_fraction, args.workers)


if __name__ == "__main__":
    main()
