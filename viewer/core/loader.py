"""Opening paths: files, folders and zip archives, yielding studies or errors one file at a time."""

from __future__ import annotations

import lzma
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from viewer.core.document import MAX_FILE_BYTES, Document
from viewer.core.errors import ParseError
from viewer.core.formats import parse_document
from viewer.core.model import Study

MAX_ZIP_MEMBERS = 100_000
MAX_ZIP_TOTAL_BYTES = 4 * 1024 * 1024 * 1024


@dataclass
class LoadResult:
    """What one input file gave: its studies, or the error that stopped it."""

    name: str
    studies: list[Study] = field(default_factory=list)
    error: ParseError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_bytes(data: bytes, name: str) -> list[Study]:
    """Parse one file's bytes; raises ParseError naming `name` and the reason."""
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(name, f"file too large ({len(data) // 2**20} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB)")
    return parse_document(Document(name, data))


def read_file(path: str | os.PathLike[str]) -> list[Study]:
    """Parse one file from disk (zip archives excepted: use `load_paths`)."""
    name = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ParseError(name, "is a folder; open it as a folder")
        if not stat.S_ISREG(info.st_mode):
            # A device or named pipe would be read forever or block waiting for a writer.
            raise ParseError(name, "not a regular file (a device, pipe or socket)")
        if info.st_size > MAX_FILE_BYTES:
            raise ParseError(
                name, f"file too large ({info.st_size // 2**20} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB)"
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except ParseError:
        raise
    except OSError as exc:
        raise ParseError(name, f"cannot be read ({exc.strerror or exc})") from None
    return parse_bytes(data, name)


def expand_paths(paths: Iterable[str | os.PathLike[str]], skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Files named, and the files inside folders named (recursively, sorted, hidden ones skipped).

    Files in `skip` (an export being written into the folder being read, say) are left out.
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
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def load_paths(paths: Iterable[str | os.PathLike[str]], skip: Iterable[Path] = ()) -> Iterator[LoadResult]:
    """Open every file under `paths`, one result per file (per zip member); never raises ParseError."""
    for path in expand_paths(paths, skip):
        if path.suffix.lower() == ".zip" or _is_zip(path):
            yield from _load_zip(path)
            continue
        try:
            yield LoadResult(str(path), read_file(path))
        except ParseError as exc:
            yield LoadResult(str(path), error=exc)


def _is_zip(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _load_zip(path: Path) -> Iterator[LoadResult]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield LoadResult(str(path), error=ParseError(str(path), f"not a readable zip archive ({exc})"))
        return
    with archive:
        # Member names may use either separator (archives made on Windows); hidden files are skipped.
        members = [
            m for m in archive.infolist() if not m.is_dir() and not re.split(r"[\\/]", m.filename)[-1].startswith(".")
        ]
        if len(members) > MAX_ZIP_MEMBERS:
            yield LoadResult(str(path), error=ParseError(str(path), f"zip archive has too many files ({len(members)})"))
            return
        total = 0
        for member in sorted(members, key=lambda m: m.filename):
            name = f"{path}!{member.filename}"
            total += member.file_size
            if member.file_size > MAX_FILE_BYTES or total > MAX_ZIP_TOTAL_BYTES:
                yield LoadResult(name, error=ParseError(name, "zip member too large to open"))
                continue
            try:
                with archive.open(member) as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
                yield LoadResult(name, parse_bytes(data, name))
            except ParseError as exc:
                yield LoadResult(name, error=exc)
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, NotImplementedError,
                    zlib.error, lzma.LZMAError) as exc:  # fmt: skip
                yield LoadResult(name, error=ParseError(name, f"cannot be extracted ({exc})"))
            except MemoryError:
                # A damaged LZMA header can ask for a huge dictionary.
                yield LoadResult(name, error=ParseError(name, "cannot be extracted (damaged compressed data)"))
