"""What a worker process does: parse files into index documents (top-level functions, so spawn can import them)."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

Task = tuple[str, str, str, str, bytes]
"""(catalog key, name for messages, path, zip member or '', the bytes)."""


@dataclass(frozen=True)
class Parsed:
    """One file's studies as index documents (JSON strings: cheap to send back), or why it failed."""

    key: str
    ids: tuple[str, ...]
    docs: tuple[str, ...]
    problem: tuple[str, str] | None  # (file, reason): a ParseError rebuilt in the parent


def parse_tasks(tasks: list[Task]) -> list[Parsed]:
    """Parse each file; a bad file (or a bug met in it) is that file's problem, never the batch's."""
    return [parse_one(*task) for task in tasks]


def parse_one(key: str, name: str, path: str, member: str, data: bytes) -> Parsed:
    from viewer.core.errors import ParseError
    from viewer.core.loader import iter_bytes
    from viewer.core.policy import BULK
    from viewer.core.search.schema import study_doc

    ids: list[str] = []
    docs: list[str] = []
    problem = None
    try:
        for study in iter_bytes(data, name, BULK):
            ids.append(study.id)
            docs.append(study_doc(study, key, path, member))
    except ParseError as exc:
        problem = (exc.file, exc.reason)
    except Exception as exc:  # a bug in a parser: reported for this file, logged with its traceback
        logging.getLogger("viewer.search").error("internal error while indexing %s\n%s", name, traceback.format_exc())
        problem = (name, f"internal error while reading ({type(exc).__name__}: {exc}); this is a bug in the viewer")
    return Parsed(key, tuple(ids), tuple(docs), problem)


def warm_up() -> None:
    """Import the parsers once per worker, before the first file arrives."""
    import viewer.core.formats
    import viewer.core.search.schema  # noqa: F401
