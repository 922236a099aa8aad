"""Copy new files of ../shared/corpus and ../shared/seeds into tests/, unchanged; report any that differ."""

from __future__ import annotations

import filecmp
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def sync(source: Path, target: Path) -> int:
    """Copy files missing from `target`; return how many existing copies differ from their source."""
    differing = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        copy = target / path.relative_to(source)
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
            print(f"added {copy.relative_to(ROOT)}")
        elif not filecmp.cmp(path, copy, shallow=False):
            differing += 1
            print(f"DIFFERS {copy.relative_to(ROOT)}", file=sys.stderr)
    return differing


def main() -> int:
    if not SHARED.is_dir():
        print(f"{SHARED} not found: nothing to sync", file=sys.stderr)
        return 2
    bad = sync(SHARED / "corpus", ROOT / "tests" / "corpus") + sync(SHARED / "seeds", ROOT / "tests" / "seeds")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
