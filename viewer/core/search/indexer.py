"""Adding and removing files: plan what changed, parse in worker processes, commit in atomic batches."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import secrets
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from viewer.core import ziparchive
from viewer.core.errors import ParseError
from viewer.core.loader import LoadResult, expand_paths, file_size, sources
from viewer.core.policy import BULK
from viewer.core.search import schema as s
from viewer.core.search.catalog import Catalog, NewFile, Row
from viewer.core.search.results import IndexProgress, IndexReport
from viewer.core.search.worker import Parsed, Task, parse_tasks, warm_up

if TYPE_CHECKING:
    import tantivy

BATCH_STUDIES = 100_000
FIRST_BATCH_SECONDS = 2.0
BATCH_SECONDS = 60.0
"""A batch commits after BATCH_STUDIES studies or its time, whichever comes first. The first batch commits
after FIRST_BATCH_SECONDS (the first results are searchable at once); each later one may take twice as
long as the one before, up to BATCH_SECONDS. Each commit costs an fsync and a new segment, which tantivy
later merges: at registry scale, small segments cost more merging than they save (bench/SEARCH_RESULTS.md). What
is committed survives a kill; a kill loses at most the batch in progress."""
CHUNK_FILES = 48
CHUNK_BYTES = 4 * 2**20
"""Files sent to a worker at a time: enough to make the round trip cheap, few enough to keep memory small."""
IN_FLIGHT_PER_WORKER = 4
PROGRESS_SECONDS = 0.1


@dataclass
class _Job:
    """Files of one chunk, parsed (or being parsed), with what the catalog needs to record them."""

    files: list[NewFile]
    result: Future[list[Parsed]] | list[Parsed]
    bytes: int


@dataclass
class _Done:
    """A zip whose members have all been planned: its own row, and the member rows it no longer holds."""

    container: NewFile
    gone: list[Row]


@dataclass
class _Batch:
    seconds: float = FIRST_BATCH_SECONDS
    """How long this batch may collect before it commits."""
    new: list[NewFile] = field(default_factory=list)
    doomed: list[Row] = field(default_factory=list)
    studies: int = 0
    started: float = field(default_factory=time.monotonic)


class Indexer:
    """One add_paths or remove_paths run, holding the index's only writer."""

    def __init__(self, index: tantivy.Index, writer: tantivy.IndexWriter, catalog: Catalog,
                 on_commit: Callable[[], None], batch_studies: int = BATCH_STUDIES) -> None:  # fmt: skip
        self.batch_studies = max(1, batch_studies)
        self.index = index
        self.writer = writer
        self.catalog = catalog
        self.on_commit = on_commit
        self.batch = _Batch()
        self.added = self.removed = self.files_indexed = self.skipped = 0
        self.problems: list[ParseError] = []

    # --- committing -------------------------------------------------------------------------------------

    def commit(self) -> None:
        """Record the batch as pending, commit tantivy, then settle the catalog: the batch is all or nothing."""
        batch = self.batch
        if not batch.new and not batch.doomed:
            batch.started = time.monotonic()
            return
        self.batch = _Batch(min(BATCH_SECONDS, batch.seconds * 2))
        with self.catalog.transaction() as db:
            self.catalog.mark(db, batch.new, [r.id for r in batch.doomed])
        for row in batch.doomed:
            self.writer.delete_documents_by_term(s.SOURCE, row.key)
        opstamp = self.writer.commit()
        with self.catalog.transaction() as db:
            self.catalog.settle(db, opstamp)
        self.removed += sum(r.studies for r in batch.doomed)
        self.on_commit()

    def doom(self, rows: Iterable[Row]) -> None:
        self.batch.doomed.extend(rows)

    # --- removing ---------------------------------------------------------------------------------------

    def remove(self, paths: Iterable[str | os.PathLike[str]]) -> int:
        for raw in paths:
            path = os.path.abspath(os.fspath(raw))
            self.doom(self.catalog.rows("(path = ? OR substr(path, 1, ?) = ?) AND state = 'complete'",
                                        (path, len(path) + 1, path.rstrip(os.sep) + os.sep)))  # fmt: skip
        self.commit()
        return self.removed

    # --- adding -----------------------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | os.PathLike[str]],
        workers: int | None,
        progress: Callable[[IndexProgress], None] | None,
        cancel: threading.Event | None,
    ) -> IndexReport:
        start = time.monotonic()
        roots = [os.path.abspath(os.fspath(p)) for p in paths]
        files = list(expand_paths(roots))
        sizes = [file_size(f) for f in files]
        units = [_members(f) for f in files]
        count = workers if workers is not None else (os.cpu_count() or 1)
        meter = _Meter(progress, sum(units), sum(sizes), start)
        pool = None
        if count > 0:
            pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up)
        cancelled = False
        try:
            queue: deque[_Job | _Done] = deque()
            limit = max(1, count) * IN_FLIGHT_PER_WORKER
            for item in self.plan(files, sizes, units, pool, meter):
                queue.append(item)
                while len(queue) > limit or (queue and _ready(queue[0])):
                    self.take(queue.popleft(), meter)
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
            while queue:
                self.take(queue.popleft(), meter)
            if not cancelled:
                self.doom(self.vanished(roots, files))
            self.commit()
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        meter.report(force=True)
        return IndexReport(self.added, self.removed, self.files_indexed, self.skipped, tuple(self.problems),
                           cancelled, time.monotonic() - start)  # fmt: skip

    def take(self, item: _Job | _Done, meter: _Meter) -> None:
        """Add one parsed chunk (or a finished zip) to the batch, committing when the batch is full."""
        if isinstance(item, _Done):
            self.batch.new.append(item.container)
            self.doom(item.gone)
        else:
            results = item.result if isinstance(item.result, list) else item.result.result()
            for new, parsed in zip(item.files, results, strict=True):
                for doc in parsed.docs:
                    self.writer.add_json(doc)
                problem = None
                if parsed.problem is not None:
                    error = ParseError(*parsed.problem)
                    self.problems.append(error)
                    problem = str(error)
                self.batch.new.append(NewFile(new.key, new.path, new.member, new.kind, new.size, new.mtime_ns,
                                              new.sha256, parsed.ids, problem))  # fmt: skip
                self.batch.studies += len(parsed.ids)
                self.added += len(parsed.ids)
                self.files_indexed += 1
                meter.studies += len(parsed.ids)
                self.commit_when_full()
            meter.bytes_done += item.bytes
            meter.files_done += len(item.files)
            meter.report()
        self.commit_when_full()

    def commit_when_full(self) -> None:
        batch = self.batch
        if batch.studies >= self.batch_studies or time.monotonic() - batch.started >= batch.seconds:
            self.commit()

    def plan(self, files: list[Path], sizes: list[int], units: list[int], pool: ProcessPoolExecutor | None,
             meter: _Meter) -> Iterator[_Job | _Done]:  # fmt: skip
        """Walk the inputs in order: skip what is unchanged, chunk what must be parsed."""
        chunk: list[Task] = []
        chunk_files: list[NewFile] = []
        chunk_bytes = 0

        def flush() -> _Job | None:
            nonlocal chunk, chunk_files, chunk_bytes
            if not chunk:
                return None
            job = _Job(chunk_files, pool.submit(parse_tasks, chunk) if pool else parse_tasks(chunk), chunk_bytes)
            chunk, chunk_files, chunk_bytes = [], [], 0
            return job

        for path, size, unit in zip(files, sizes, units, strict=True):
            name = str(path)
            meter.current = name
            share = size / max(unit, 1)  # a zip's bytes, shared out over its members for the progress
            for event in self.plan_file(path, unit, meter):
                if isinstance(event, _Done):
                    job = flush()
                    if job:
                        yield job
                    yield event
                    continue
                new, data = event
                chunk.append((new.key, (new.member and f"{name}!{new.member}") or name, name, new.member, data))
                chunk_files.append(new)
                chunk_bytes += round(share) if new.kind == "member" else new.size
                if len(chunk) >= CHUNK_FILES or chunk_bytes >= CHUNK_BYTES:
                    job = flush()
                    if job:
                        yield job
        job = flush()
        if job:
            yield job

    def plan_file(self, path: Path, unit: int, meter: _Meter) -> Iterator[tuple[NewFile, bytes] | _Done]:
        name = str(path)
        try:
            info = os.stat(path)
        except OSError as exc:
            self.problems.append(ParseError(name, f"cannot be read ({exc.strerror or exc})"))
            return
        if not stat.S_ISREG(info.st_mode):
            self.problems.append(ParseError(name, "not a regular file (a device, pipe or socket)"))
            return
        old = self.catalog.of_path(name)
        container = [r for r in old if r.member == ""]
        is_zip = path.suffix.lower() == ".zip" or _starts_like_zip(path)
        if (
            container
            and container[0].size == info.st_size
            and container[0].mtime_ns == info.st_mtime_ns
            and (container[0].kind == ("zip" if is_zip else "file"))
        ):
            self.skip(container[0], unit, meter)
            return
        if is_zip:
            yield from self.plan_zip(path, info, old, info.st_size / max(unit, 1), meter)
            return
        try:
            with open(path, "rb") as handle:
                data = handle.read(BULK.max_file_bytes + 1)
        except OSError as exc:
            self.problems.append(ParseError(name, f"cannot be read ({exc.strerror or exc})"))
            return
        digest = hashlib.sha256(data).hexdigest()
        if container and container[0].kind == "file" and container[0].sha256 == digest:
            self.catalog.touch(container[0].id, info.st_size, info.st_mtime_ns)
            self.skip(container[0], 1, meter)
            return
        self.doom(old)
        new = NewFile(_key(), name, "", "file", info.st_size, info.st_mtime_ns, digest, (), None)
        yield new, data

    def plan_zip(self, path: Path, info: os.stat_result, old: list[Row], share: float,
                 meter: _Meter) -> Iterator[tuple[NewFile, bytes] | _Done]:  # fmt: skip
        name = str(path)
        members = {r.member: r for r in old if r.member}
        seen: set[str] = set()
        problems: list[str] = []
        for source in sources(path, BULK):
            if isinstance(source, LoadResult):
                if source.error is not None:
                    error = ParseError(source.error.file, source.error.reason)
                    self.problems.append(error)
                    problems.append(str(error))
                continue
            member = source.name[len(name) + 1 :]
            meter.current = source.name
            try:
                data = source.read()
            except ParseError as exc:
                self.problems.append(exc)
                problems.append(str(exc))
                continue
            digest = hashlib.sha256(data).hexdigest()
            seen.add(member)
            previous = members.get(member)
            if previous is not None and previous.sha256 == digest:
                meter.files_done += 1
                meter.bytes_done += round(share)
                meter.report()
                continue
            if previous is not None:
                self.doom([previous])
            yield NewFile(_key(), name, member, "member", len(data), 0, digest, (), None), data
        gone = [r for r in old if r.member == "" or r.member not in seen]
        problem = "\n".join(problems[:100]) or None
        yield _Done(NewFile(_key(), name, "", "zip", info.st_size, info.st_mtime_ns, None, (), problem), gone)

    def skip(self, row: Row, unit: int, meter: _Meter) -> None:
        self.skipped += 1
        meter.files_done += unit
        meter.bytes_done += row.size
        if row.problem:
            for line in row.problem.splitlines():
                file, _, reason = line.partition(": ")
                self.problems.append(ParseError(file, reason))

    def vanished(self, roots: list[str], files: list[Path]) -> list[Row]:
        """Rows of files under a folder being indexed that are no longer there."""
        present = {str(f) for f in files}
        gone: list[Row] = []
        for root in roots:
            if not os.path.isdir(root):
                continue
            prefix = root.rstrip(os.sep) + os.sep
            rows = self.catalog.rows("substr(path, 1, ?) = ? AND state = 'complete'", (len(prefix), prefix))
            gone += [r for r in rows if r.path not in present and not os.path.exists(r.path)]
        return gone


class _Meter:
    """Progress as the caller sees it, reported at most every PROGRESS_SECONDS."""

    def __init__(self, callback: Callable[[IndexProgress], None] | None, files_total: int, bytes_total: int,
                 start: float) -> None:  # fmt: skip
        self.callback = callback
        self.files_total = files_total
        self.bytes_total = bytes_total
        self.start = start
        self.files_done = self.studies = self.bytes_done = 0
        self.current = ""
        self.last = 0.0

    def report(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.callback is None or (not force and now - self.last < PROGRESS_SECONDS):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        eta = None
        if self.bytes_done and self.bytes_total:
            eta = max(0.0, elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done)
        self.callback(
            IndexProgress(
                files_done=min(self.files_done, self.files_total),
                files_total=self.files_total,
                studies=self.studies,
                bytes_done=min(self.bytes_done, self.bytes_total),
                bytes_total=self.bytes_total,
                rate=self.studies / elapsed,
                eta_s=eta,
                current=self.current,
            )
        )


def _ready(item: _Job | _Done) -> bool:
    return isinstance(item, _Done) or isinstance(item.result, list) or item.result.done()


def _key() -> str:
    return secrets.token_hex(8)


def _members(path: Path) -> int:
    """How many inputs a path holds for the progress: a zip's directory entries, else 1."""
    if path.suffix.lower() != ".zip" and not _starts_like_zip(path):
        return 1
    try:
        with open(path, "rb") as handle:
            return max(1, ziparchive.directory(handle).count)
    except (OSError, ziparchive.ZipError):
        return 1


def _starts_like_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False
