"""What a worker process does: parse files into index documents (top-level functions, so spawn can import them)."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from typing import Any

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
    from viewer.core.formats import iter_records
    from viewer.core.loader import document
    from viewer.core.parsers.base import Record, bound, make_study
    from viewer.core.policy import BULK
    from viewer.core.search.schema import fields_doc, study_doc

    ids: list[str] = []
    docs: list[str] = []
    problem = None
    try:
        doc = document(data, name, BULK)
        for item in iter_records(doc):
            if isinstance(item, Record):
                notes = bound(doc, item.fields, item.warnings)
                if fits(item.fields):  # the model would take the dict as it is: read it without building one
                    ids.append(item.fields["id"])
                    docs.append(fields_doc(item.fields, key, path, member))
                    continue
                study = make_study(doc, item.format, item.index, item.fields, notes)  # its ParseError, as ever
            else:
                study = item
            ids.append(study.id)
            docs.append(study_doc(study, key, path, member))
    except ParseError as exc:
        problem = (exc.file, exc.reason)
    except Exception as exc:  # a bug in a parser: reported for this file, logged with its traceback
        logging.getLogger("viewer.search").error("internal error while indexing %s\n%s", name, traceback.format_exc())
        problem = (name, f"internal error while reading ({type(exc).__name__}: {exc}); this is a bug in the viewer")
    return Parsed(key, tuple(ids), tuple(docs), problem)


_SEXES = (None, "all", "female", "male")


def fits(fields: dict[str, Any]) -> bool:
    """Whether Study.model_validate would take a parser's bounded field dict without changing what the index
    reads. The parsers that give Records build every value with its model type (texts, tuples of texts,
    numbers, dicts of the nested models' keys); what the model itself checks or rewrites is checked here:
    the id (usable_id, which may normalize it) and sex (a Literal). Anything else: the model decides."""
    from viewer.core.model import usable_id

    nct = fields.get("id")
    if type(nct) is not str:
        return False
    try:
        if usable_id(nct) != nct:
            return False
    except ValueError:
        return False
    return fields["eligibility"]["sex"] in _SEXES


def warm_up() -> None:
    """Import the parsers once per worker, before the first file arrives; exit when the parent does."""
    import viewer.core.formats
    import viewer.core.search.schema  # noqa: F401

    exit_with_parent()


def exit_with_parent() -> None:
    """A worker whose parent was killed (the app, or `trialviewer index`, ended by SIGKILL or a crash) would
    wait for work forever: a thread waits on the parent's sentinel and ends the worker when it fires."""
    import multiprocessing
    import multiprocessing.connection
    import os
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
