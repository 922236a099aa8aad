"""Registry-dump-like inputs for the search tests, made from the corpus's real CT.gov API v2 records."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import CORPUS

V2 = CORPUS / "A_ctgov_api_v2_json"


def v2_studies() -> list[dict[str, Any]]:
    """Every single-study API v2 record of the corpus (studies pages split), as parsed JSON."""
    found: list[dict[str, Any]] = []
    for path in sorted(V2.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "protocolSection" in data:
            found.append(data)
        elif isinstance(data, dict):
            found += [s for s in data.get("studies", []) if isinstance(s, dict) and "protocolSection" in s]
    return found


def with_id(study: dict[str, Any], nct: str) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(study))
    copy["protocolSection"]["identificationModule"]["nctId"] = nct
    return copy


def dump_zip(path: Path, count: int, first: int = 90_000_000, pages: int = 0) -> list[str]:
    """A zip of `count` one-study files (ctg-studies/NCTxxxxxxxx.json, fresh ids), plus `pages` multi-study
    files of three studies each; returns every id it holds."""
    bases = v2_studies()
    ids = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            nct = f"NCT{first + i:08d}"
            archive.writestr(f"ctg-studies/{nct}.json", json.dumps(with_id(bases[i % len(bases)], nct)))
            ids.append(nct)
        for p in range(pages):
            three = [f"NCT{first + count + 3 * p + k:08d}" for k in range(3)]
            studies = [with_id(bases[(p + k) % len(bases)], nct) for k, nct in enumerate(three)]
            archive.writestr(f"pages/page_{p:04d}.json", json.dumps({"studies": studies}))
            ids += three
    return ids
