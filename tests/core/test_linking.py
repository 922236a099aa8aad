"""The same trial across registries: linked by shared registry ids, never by a sponsor's protocol number."""

from __future__ import annotations

from viewer.core.linking import also_registered_as, canonical_id, link, study_key
from viewer.core.model import Source, Study


def _study(sid: str, registry: str, *others: str, sha: str | None = None) -> Study:
    source = Source(file=f"{sid}.json", format="test", sha256=sha or (sid.encode().hex() * 8)[:64].ljust(64, "0"))
    return Study(id=sid, registry=registry, secondary_ids=others, source=source)


def test_canonical_ids_compare_across_registries() -> None:
    assert canonical_id("EUCTR2015-001314-10-DE") == canonical_id("2015-001314-10-GB") == "2015-001314-10"
    assert canonical_id(" nct01234567 ") == "NCT01234567"
    assert canonical_id("KS 01") is None and canonical_id("03-144") is None and canonical_id("") is None


def test_studies_sharing_a_registry_id_are_one_trial() -> None:
    ctgov = _study("NCT01234567", "ClinicalTrials.gov", "2015-001314-10", "PROTO-1")
    euctr = _study("2015-001314-10", "EU CTR", "NCT01234567")
    ictrp = _study("EUCTR2015-001314-10-DE", "EU CTR")
    other = _study("NCT07654321", "ClinicalTrials.gov", "PROTO-1")  # the same sponsor number: not the same trial
    links = link([ctgov, euctr, ictrp, other])
    group = ["NCT01234567", "2015-001314-10", "EUCTR2015-001314-10-DE"]
    assert [s.id for s in links[study_key(ctgov)]] == group and links[study_key(ictrp)] is links[study_key(ctgov)]
    assert study_key(other) not in links
    assert also_registered_as(ctgov, links[study_key(ctgov)]) == [
        "2015-001314-10 (EU CTR)",
        "EUCTR2015-001314-10-DE (EU CTR)",
    ]


def test_links_are_transitive_and_linear() -> None:
    chain = [_study(f"NCT{i:08d}", "ClinicalTrials.gov", f"NCT{i + 1:08d}") for i in range(20_000)]
    links = link(chain)
    assert len(links[study_key(chain[0])]) == 20_000 and links[study_key(chain[-1])] is links[study_key(chain[0])]
