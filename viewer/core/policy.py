"""Limits on what one input may cost: chosen by the caller (the GUI opening a zip, an indexer reading a
whole registry dump), enforced by the loader and the study builder, never by a parser on its own."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Policy:
    """How much one file (or archive) may hold before the rest is refused or cut, with a warning."""

    max_file_bytes: int = 256 * MiB
    """A file or zip member larger than this is refused."""
    max_zip_members: int = 100_000
    """An archive with more members is refused before any member is read."""
    max_zip_bytes: int = 4 * GiB
    """Total bytes an archive may expand to; members past it are refused."""
    max_zip_ratio: int = 1_000
    """A member claiming to expand more than this many times over (and past 1 MiB) is refused: a zip bomb."""
    max_list_items: int = 20_000
    """Items kept per list of a study (sites, contacts, criteria, outcomes); the rest are cut with a warning."""
    max_text_chars: int = 2_000_000
    """Characters kept per text field of a study; a longer text is cut with a warning."""
    max_studies: int = 1_000_000
    """Studies read from one file (an ICTRP export, an API page)."""


INTERACTIVE = Policy()
"""The desktop viewer opening what the user picked."""

BULK = Policy(max_zip_members=2_000_000, max_zip_bytes=256 * GiB)
"""The indexer reading a whole registry dump (about 600,000 one-study files in one zip)."""
