"""Reading a hit's study back from its file (or just its member of a zip)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from viewer.core.errors import ParseError

if TYPE_CHECKING:
    from viewer.core.model import Study
    from viewer.core.search.results import Hit


def load_hit(hit: Hit) -> Study:
    """The study `hit` names, parsed from its file now; ParseError when the file is gone or no longer holds it."""
    from viewer.core import ziparchive
    from viewer.core.loader import iter_bytes, read_file
    from viewer.core.policy import BULK

    if hit.member is None:
        studies = read_file(hit.file)
        name = hit.file
    else:
        name = f"{hit.file}!{hit.member}"
        try:
            with open(hit.file, "rb") as handle:
                where = ziparchive.directory(handle)
                entry = next((e for e in ziparchive.entries(handle, where, BULK.max_zip_members)
                              if e.name == hit.member), None)  # fmt: skip
                if entry is None:
                    raise ParseError(name, "no longer in the archive")
                data = ziparchive.read_member(handle, entry, BULK.max_file_bytes)
        except OSError as exc:
            raise ParseError(hit.file, f"cannot be read ({exc.strerror or exc})") from None
        except ziparchive.ZipError as exc:
            raise ParseError(name, f"cannot be extracted: {exc}") from None
        studies = list(iter_bytes(data, name, BULK))
    for study in studies:
        if study.id == hit.id:
            return study
    raise ParseError(name, f"no longer holds study {hit.id} (it changed since it was indexed)")


__all__ = ["load_hit"]
