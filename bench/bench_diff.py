"""Diff speed against difflib over the same text, in the same run: `python bench/bench_diff.py [--runs N]`.

Cases: the two largest studies of the corpus (one diffed against the other), two versions of the largest one
(its 1,218 sites shuffled and 5% of them edited, removed or added), and two synthetic 1,000-site studies built
from its real sites (A: sites 1-1,000; B: sites 219-1,218 in another order, so 218 are new). Each line gives
the median of `--runs` runs of `viewer.core.diff.diff` next to `difflib.SequenceMatcher(...).get_opcodes()`
over the same two studies' flattened text (`viewer.core.fields.study_text`, line by line), and the ratio.
`--libraries` also measures the candidate libraries for the word diff and the similarity on the corpus's
archive version pairs (what docs/compare.md reports).
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from viewer.core.diff import diff  # noqa: E402
from viewer.core.fields import study_text  # noqa: E402
from viewer.core.loader import load_paths  # noqa: E402
from viewer.core.model import Study  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
AIM_MS = 100.0
"""The issue's aim: the two largest studies of the corpus diffed in well under 100 ms."""


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def flat_lines(study: Study) -> list[str]:
    return "\n".join(study_text(study).values()).split("\n")


def difflib_baseline(a: Study, b: Study) -> Callable[[], object]:
    la, lb = flat_lines(a), flat_lines(b)
    return lambda: difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes()


def corpus_studies() -> list[Study]:
    return [s for result in load_paths([CORPUS]) if result.ok for s in result.studies]


def size(study: Study) -> int:
    return len(study.model_dump_json())


def edited_version(study: Study, seed: int = 1) -> Study:
    """The study's sites shuffled, 5% edited, 2% removed and 2% added (renamed copies in a new city)."""
    rng = random.Random(seed)
    sites = list(study.sites)
    rng.shuffle(sites)
    n = len(sites)
    for k in rng.sample(range(n), n // 20):
        sites[k] = sites[k].model_copy(update={"status": "COMPLETED" if sites[k].status != "COMPLETED" else None})
    removed = [sites.pop(rng.randrange(len(sites))) for _ in range(n // 50)]
    sites += [s.model_copy(update={"facility": f"{s.facility} Annex", "city": "Springfield"}) for s in removed]
    return study.model_copy(update={"sites": tuple(sites)})


def synthetic_pair(study: Study) -> tuple[Study, Study]:
    sites = list(study.sites)
    later = sites[len(sites) - 1000 :]
    random.Random(2).shuffle(later)
    return (study.model_copy(update={"id": "SYNTH-A", "sites": tuple(sites[:1000])}),
            study.model_copy(update={"id": "SYNTH-B", "sites": tuple(later)}))  # fmt: skip


def cases(studies: list[Study]) -> list[tuple[str, Study, Study]]:
    largest, second = sorted(studies, key=size, reverse=True)[:2]
    a, b = synthetic_pair(largest)
    return [
        (f"two largest ({largest.id} {len(largest.sites)} sites vs {second.id})", largest, second),
        (f"{largest.id} vs an edited version", largest, edited_version(largest)),
        ("two synthetic 1,000-site studies", a, b),
    ]


def libraries(studies: list[Study], runs: int) -> None:
    """The word diff and the similarity, each by the libraries considered, on the archive version pairs."""
    from rapidfuzz.distance import Indel
    from rapidfuzz.fuzz import ratio

    from viewer.core.diff.words import tokens

    archive = CORPUS / "B_ctgov_legacy_xml" / "archive_schema_2005-2014"
    by_file = {s.source.file: s for s in studies}
    texts: list[tuple[str, str]] = []
    for old in sorted(archive.glob("*.xml")):
        new = CORPUS / "B_ctgov_legacy_xml" / f"fabianvf__{old.name.split('__')[1].split('_')[0]}.xml"
        a, b = by_file.get(str(old)), by_file.get(str(new))
        if a and b:
            texts += [(x.summary.brief_summary or "", y.summary.brief_summary or "") for x, y in [(a, b)]]
            texts += [(x.text, y.text) for x, y in zip(a.eligibility.inclusion, b.eligibility.inclusion, strict=False)]
    pairs = [(tokens(" ".join(x.split())), tokens(" ".join(y.split()))) for x, y in texts]
    print(f"\nword diff of {len(pairs)} text pairs (archive versions; summaries and criteria), median of {runs}:")
    candidates: dict[str, Callable[[], object]] = {
        "rapidfuzz Indel.opcodes": lambda: [Indel.opcodes(x, y) for x, y in pairs],
        "difflib SequenceMatcher": lambda: [
            difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes() for x, y in pairs
        ],
    }
    try:
        import diff_match_patch

        dmp = diff_match_patch.diff_match_patch()
        joined = [(" ".join(x.split()), " ".join(y.split())) for x, y in texts]

        def dmp_words() -> object:
            out = []
            for x, y in joined:
                chars_x, chars_y, table = dmp.diff_linesToChars(x.replace(" ", "\n"), y.replace(" ", "\n"))
                diffs = dmp.diff_main(chars_x, chars_y, False)
                dmp.diff_charsToLines(diffs, table)
                out.append(diffs)
            return out

        candidates["diff-match-patch (word mode)"] = dmp_words
    except ImportError:
        print("  (diff-match-patch not installed: pip install diff-match-patch)")
    for name, work in candidates.items():
        print(f"  {name:<30} {median_ms(work, runs):8.2f} ms")
    flat = [(" ".join(x.split()).casefold(), " ".join(y.split()).casefold()) for x, y in texts]
    print(f"similarity of the same {len(flat)} pairs:")
    for name, score in (("rapidfuzz fuzz.ratio", lambda: [ratio(x, y) for x, y in flat]),
                        ("difflib SequenceMatcher.ratio", lambda: [difflib.SequenceMatcher(None, x, y).ratio()
                                                                   for x, y in flat])):  # fmt: skip
        print(f"  {name:<30} {median_ms(score, runs):8.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="timed runs per case (after one warm-up)")
    parser.add_argument("--libraries", action="store_true", help="also measure the word-diff and similarity libraries")
    args = parser.parse_args(argv)
    studies = corpus_studies()
    print(f"corpus {CORPUS}: {len(studies)} studies; median of {args.runs} runs; Python {sys.version.split()[0]}")
    print(f"{'case':<58} {'difflib ms':>10} {'diff ms':>9} {'ratio':>7}  changes")
    for label, a, b in cases(studies):
        base = median_ms(difflib_baseline(a, b), args.runs)
        ours = median_ms(lambda a=a, b=b: diff(a, b), args.runs)  # type: ignore[misc]
        changes = len(diff(a, b).changes())
        print(f"{label:<58} {base:>10.2f} {ours:>9.2f} {ours / base:>6.2f}x  {changes}")
    largest = cases(studies)[0]
    ours = median_ms(lambda: diff(largest[1], largest[2]), args.runs)
    print(f"aim: the two largest studies in well under {AIM_MS:g} ms; measured {ours:.1f} ms")
    if args.libraries:
        libraries(studies, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
