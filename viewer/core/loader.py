"""Opening paths: files, folders and zip archives, yielding studies or errors one file at a time.

Two ways in: `load_paths` gives one `LoadResult` per file (its studies in a list), for the viewer and the
export; `stream` gives each study as soon as it is parsed, for the indexer reading a 600,000-study dump.
What an input may cost is the caller's `Policy`. Only ParseError is caught here: any other exception is a
bug and propagates, for the caller to report as an internal error.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from viewer.core import ziparchive
from viewer.core.document import Document
from viewer.core.errors import InternalError, ParseError
from viewer.core.formats import iter_document
from viewer.core.model import Study
from viewer.core.policy import INTERACTIVE, Policy

# Documentation lying beside records in a folder (README.md, SOURCES.md, LICENSE) is not offered as a study.
DOC_SUFFIXES = (".md", ".rst", ".license", ".pdf", ".docx", ".doc", ".csv", ".py", ".pyc")
DOC_NAMES = re.compile(r"^(readme|license|licence|copying|sources|changelog|notice|authors)\b", re.IGNORECASE)
SORTED_MEMBERS = 100_000
"""Archives with up to this many members are opened in name order; larger ones in stored order (streamed)."""
_UNSAFE_MEMBER = re.compile(r"(^|[\\/])\.\.([\\/]|$)|^[\\/]|^[A-Za-z]:")


@dataclass
class LoadResult:
    """What one input file gave: its studies, or the error that stopped it (keeping what came before)."""

    name: str
    studies: list[Study] = field(default_factory=list)
    error: ParseError | InternalError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Source:
    """One input to parse: a file on disk or a member of a zip archive, read only when asked."""

    name: str
    size: int
    read: Callable[[], bytes]


def parse_bytes(data: bytes, name: str, policy: Policy = INTERACTIVE) -> list[Study]:
    """Parse one file's bytes; raises ParseError naming `name` and the reason."""
    return list(iter_bytes(data, name, policy))


def iter_bytes(data: bytes, name: str, policy: Policy = INTERACTIVE) -> Iterator[Study]:
    return iter_document(document(data, name, policy))


def document(data: bytes, name: str, policy: Policy = INTERACTIVE) -> Document:
    """One file's bytes as a Document; ParseError when they are past the policy's size."""
    if len(data) > policy.max_file_bytes:
        raise ParseError(name, _too_large(len(data), policy))
    return Document(name, data, policy=policy)


def _too_large(size: int, policy: Policy) -> str:
    return f"file too large ({size // 2**20} MiB; the limit is {policy.max_file_bytes // 2**20} MiB)"


def read_file(path: str | os.PathLike[str], policy: Policy = INTERACTIVE) -> list[Study]:
    """Parse one file from disk (zip archives excepted: use `load_paths`)."""
    name = str(path)
    return parse_bytes(_read(name, policy), name, policy)


def _read(name: str, policy: Policy) -> bytes:
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise ParseError(name, "is a folder; open it as a folder")
        if not stat.S_ISREG(info.st_mode):
            # A device or named pipe would be read forever or block waiting for a writer.
            raise ParseError(name, "not a regular file (a device, pipe or socket)")
        if info.st_size > policy.max_file_bytes:
            raise ParseError(name, _too_large(info.st_size, policy))
        with open(name, "rb") as handle:
            data = handle.read(policy.max_file_bytes + 1)
    except OSError as exc:
        raise ParseError(name, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > policy.max_file_bytes:
        raise ParseError(name, _too_large(len(data), policy))
    return data


def is_documentation(path: Path) -> bool:
    """A README, licence or notes file kept beside records: skipped when a folder is opened."""
    return path.suffix.lower() in DOC_SUFFIXES or bool(DOC_NAMES.match(path.name))


def expand_paths(paths: Iterable[str | os.PathLike[str]], skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Files named, and the files inside folders named (recursively, sorted; hidden and documentation
    files skipped). Files in `skip` (an export being written into the folder being read) are left out.
    """
    skipped = {p.resolve() for p in skip}
    for path in _expand(paths):
        if not skipped or path.resolve() not in skipped:
            yield path


def _expand(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
                for name in sorted(files):
                    child = Path(root) / name
                    if not name.startswith(".") and not is_documentation(child):
                        yield child
        else:
            yield path


def sources(path: Path, policy: Policy = INTERACTIVE) -> Iterator[Source | LoadResult]:
    """The inputs inside one path: the file itself, or each member of a zip archive.

    A member that cannot be opened at all (unsafe name, encrypted, a bomb) comes back as a LoadResult error.
    """
    if path.suffix.lower() == ".zip" or _is_zip(path):
        yield from _zip_sources(path, policy)
        return
    name = str(path)
    yield Source(name, file_size(path), lambda: _read(name, policy))


def load_paths(
    paths: Iterable[str | os.PathLike[str]],
    skip: Iterable[Path] = (),
    policy: Policy = INTERACTIVE,
    contain_bugs: bool = False,
) -> Iterator[LoadResult]:
    """Open every file under `paths`, one result per file (per zip member); never raises ParseError.

    With `contain_bugs` (the app and the CLI), a bug met in one file is logged with its traceback and
    reported as that file's InternalError, and the rest still opens; without it (the tests) it propagates.
    """
    for path in expand_paths(paths, skip):
        for source in sources(path, policy):
            if isinstance(source, LoadResult):
                yield source
                continue
            result = LoadResult(source.name)
            try:
                for study in iter_bytes(source.read(), source.name, policy):
                    result.studies.append(study)
            except ParseError as exc:
                result.error = exc
            except Exception as exc:
                if not contain_bugs:
                    raise
                result.error = internal_error(source.name, exc)
            yield result


def internal_error(name: str, exc: Exception) -> InternalError:
    """The bug as the user sees it, with its traceback written to the log."""
    import logging
    import traceback

    details = traceback.format_exc()
    logging.getLogger("viewer.loader").error("internal error while reading %s\n%s", name, details)
    return InternalError(name, exc, details)


def file_size(path: Path) -> int:
    """Its size in bytes (0 when it cannot be stat-ed: reading it will say why)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _is_zip(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _zip_sources(path: Path, policy: Policy) -> Iterator[Source | LoadResult]:
    """Members of an archive in directory order, each read on demand: never extracted, never all in memory."""
    name = str(path)
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - kept open while the members are read
    except OSError as exc:
        yield LoadResult(name, error=ParseError(name, f"cannot be read ({exc.strerror or exc})"))
        return
    with handle:
        try:
            where = ziparchive.directory(handle)
            if where.count > policy.max_zip_members:
                raise ziparchive.ZipError(f"zip archive has too many members ({where.count:,})")
            if ziparchive.overlaps(handle, where, policy.max_zip_members):
                raise ziparchive.ZipError("zip archive whose members overlap (a zip bomb); not opened")
            members: Iterable[ziparchive.Entry] = ziparchive.entries(handle, where, policy.max_zip_members)
            if where.count <= SORTED_MEMBERS:  # in name order, as a folder opens; a registry dump streams as stored
                members = sorted(members, key=lambda e: e.name)
            total = 0
            for entry in members:
                leaf = re.split(r"[\\/]", entry.name)[-1]
                if entry.is_dir or not leaf or leaf.startswith(".") or is_documentation(Path(leaf)):
                    continue
                member = f"{name}!{entry.name}"
                problem = _member_problem(entry, total, policy)
                if problem:
                    yield LoadResult(member, error=ParseError(member, problem))
                    continue
                total += entry.size
                position = handle.tell()  # reading a member moves the handle; the directory walk resumes here
                try:
                    data = ziparchive.read_member(handle, entry, policy.max_file_bytes)
                except ziparchive.ZipError as exc:
                    yield LoadResult(member, error=ParseError(member, f"cannot be extracted: {exc}"))
                    handle.seek(position)
                    continue
                handle.seek(position)
                yield Source(member, len(data), lambda data=data: data)  # type: ignore[misc]
        except ziparchive.ZipError as exc:
            yield LoadResult(name, error=ParseError(name, str(exc)))
        except OSError as exc:
            yield LoadResult(name, error=ParseError(name, f"cannot be read ({exc.strerror or exc})"))


def _member_problem(entry: ziparchive.Entry, total: int, policy: Policy) -> str | None:
    if _UNSAFE_MEMBER.search(entry.name):
        return "refused: its path is absolute or climbs out of the archive (..)"
    if entry.size > policy.max_file_bytes:
        return f"zip member too large to open ({entry.size // 2**20} MiB)"
    if total + entry.size > policy.max_zip_bytes:
        return f"the archive expands to more than {policy.max_zip_bytes // 2**30} GiB; the rest is not opened"
    if entry.size > 2**20 and entry.size > policy.max_zip_ratio * max(entry.compressed, 1):
        return f"refused: claims to expand {entry.size // max(entry.compressed, 1):,} times over (a zip bomb)"
    return None


def stream(paths: Iterable[str | os.PathLike[str]], policy: Policy = INTERACTIVE) -> Iterator[Study | ParseError]:
    """Every study under `paths` as soon as it is parsed, and a ParseError for each input that failed.

    Memory is one input at a time (one zip member, one file), whatever the number of inputs.
    """
    for path in expand_paths(paths):
        for source in sources(path, policy):
            if isinstance(source, LoadResult):
                if isinstance(source.error, ParseError):
                    yield source.error
                continue
            try:
                yield from iter_bytes(source.read(), source.name, policy)
            except ParseError as exc:
                yield exc
