"""SearchIndex: the tantivy index and its catalog in one folder, opened safely, searched from any thread."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from viewer.core.search import schema as s
from viewer.core.search.analyzer import register
from viewer.core.search.catalog import Catalog, CatalogError
from viewer.core.search.compile import SEX_ADMITS, Compiled, Compiler, norm, searched_fields
from viewer.core.search.indexer import BATCH_STUDIES, Indexer
from viewer.core.search.integrity import SegmentDamaged, verify
from viewer.core.search.matched import fields_matched
from viewer.core.search.query import ParsedQuery, parse_query
from viewer.core.search.results import Hit, IndexProgress, IndexReport, SearchResult
from viewer.core.search.snippets import (
    FALLBACK,
    MATCH_ORDER,
    SNIPPET_CHARS,
    SNIPPET_ORDER,
    Matcher,
    head,
    holds,
    matchers,
    runs_of,
    to_html,
)
from viewer.core.search.suggest import suggest

if TYPE_CHECKING:
    import tantivy

FILTER_KEYS = s.FILTERS
FACET_SIZES = {"phase": 20, "status": 30, "sex": 5, "registry": 50, "country": 300}
WRITER_HEAP_PER_THREAD = 400_000_000
"""tantivy's indexing memory per thread, used as documents arrive (a segment is written when it is full).
Measured at 600,000 studies (bench/SEARCH_RESULTS.md): 256 MB builds faster (1,218 against 1,105 studies/s)
but leaves 12 segments instead of 6, and searching them maps more of the index (313 against 265 MB)."""
EXPANSIONS_KEPT = 10_000
"""Prefixes whose expansions are kept per index generation (typing a prefix asks for each of its beginnings)."""
TANTIVY = "tantivy"
"""The tantivy index lives in this sub-folder; the catalog beside it."""
log = logging.getLogger("viewer.search")


class IndexBusyError(Exception):
    """Another process is writing to this index (one writer at a time)."""


class SearchIndex:
    """One index folder: `open` it, `search` it from any thread, `add_paths` from one thread at a time."""

    def __init__(self, folder: Path, index: tantivy.Index, catalog: Catalog, reset_reason: str | None,
                 lost_files: tuple[Path, ...]) -> None:  # fmt: skip
        self.folder = folder
        self.reset_reason = reset_reason
        self.lost_files = lost_files
        self._index = index
        self._catalog = catalog
        self._schema = index.schema
        self._write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._generation = 0
        self._vocabularies: dict[tuple[int, str], dict[str, str]] = {}
        self._expansions: dict[tuple[str, str], list[str]] = {}
        """Prefix expansions of the current generation (Compiler.expansions), shared by every query."""
        self._whole: dict[str, tuple[str, ...] | None] = {}
        """The values of the filter fields every study of the current generation holds (Compiler.whole)."""
        self._meta_stamp = self._stamp()

    # --- opening ----------------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path | None = None) -> SearchIndex:
        """Open (or create) the index in `folder` (default: the user's data folder).

        A damaged index or catalog is removed and recreated empty; `reset_reason` then says what was wrong
        and `lost_files` lists the files that had been indexed (when the catalog could still say).
        """
        if folder is None:
            from viewer.core.paths import index_dir

            folder = index_dir()
        folder = Path(folder).absolute()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            index, catalog = _open_parts(folder)
            try:
                _reconcile(folder, index, catalog)
            except _Damaged as damage:
                damage.lost = tuple(Path(p) for p in catalog.complete_paths())
                catalog.close()
                raise
            return cls(folder, index, catalog, None, ())
        except _Damaged as damage:
            what = " ".join(str(damage).split())  # one line, whatever SQLite or tantivy said
            reason = f"the search index in {folder} was damaged ({what}); it was removed and recreated empty"
            log.warning("%s", reason)
            _clear(folder)
            index, catalog = _open_parts(folder)
            return cls(folder, index, catalog, reason, damage.lost)

    def close(self) -> None:
        with self._write_lock:
            self._catalog.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- what is indexed --------------------------------------------------------------------------------

    def indexed_files(self) -> list[Path]:
        return [Path(p) for p in self._catalog.complete_paths()]

    def study_count(self) -> int:
        return int(self._index.searcher().num_docs)

    # --- writing ----------------------------------------------------------------------------------------

    def add_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        workers: int | None = None,
        progress: Callable[[IndexProgress], None] | None = None,
        cancel: threading.Event | None = None,
        batch_studies: int = BATCH_STUDIES,
    ) -> IndexReport:
        """Index files, folders and zips (see SEARCH_API.md): unchanged files are skipped without parsing, a
        changed file replaces its studies; each batch commits atomically; `cancel` stops after the current batch.
        A batch commits after `batch_studies` studies or its time (2 s for the first, doubling to a minute).
        """
        with self._write_lock:
            writer = self._writer()
            try:
                indexer = Indexer(self._index, writer, self._catalog, self._committed, batch_studies)
                return indexer.add(paths, workers, progress, cancel)
            finally:
                self._release(writer)

    def remove_paths(self, paths: Iterable[str | os.PathLike[str]]) -> int:
        """Forget files (or every file under a folder); returns the number of studies removed."""
        with self._write_lock:
            writer = self._writer()
            try:
                return Indexer(self._index, writer, self._catalog, self._committed).remove(paths)
            finally:
                self._release(writer)

    def _writer(self) -> tantivy.IndexWriter:
        try:
            threads = _threads()
            return self._index.writer(heap_size=WRITER_HEAP_PER_THREAD * threads, num_threads=threads)
        except ValueError as exc:
            raise IndexBusyError(f"{self.folder}: another process is writing to this index ({exc})") from None

    def _release(self, writer: tantivy.IndexWriter) -> None:
        try:
            writer.wait_merging_threads()
        except ValueError as exc:  # a merge that failed leaves the committed segments as they were
            log.warning("merging the index segments failed: %s", exc)
        self._committed()
        try:  # checked now, while the new segments are in the page cache, rather than on the next open
            with self._catalog.lock:
                verify(self.folder / TANTIVY, self._catalog.db)
        except (SegmentDamaged, OSError, ValueError) as exc:
            log.warning("%s: %s; the index will be rebuilt when next opened", self.folder, exc)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = (self.folder / TANTIVY / "meta.json").stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def refresh(self) -> bool:
        """See what another writer (another instance, or `trialviewer index` run while the viewer is open)
        committed since this one last looked; True when there was something. A stat of meta.json: cheap
        enough to call before every query."""
        stamp = self._stamp()
        if stamp == self._meta_stamp:
            return False
        self._committed()
        return True

    def _committed(self) -> None:
        self._meta_stamp = self._stamp()
        self._index.reload()
        with self._cache_lock:
            self._generation += 1
            self._vocabularies.clear()
            self._expansions = {}
            self._whole = {}

    # --- searching --------------------------------------------------------------------------------------

    def searcher(self) -> tantivy.Searcher:
        """The tantivy searcher over what is committed (for running compile_query's Query bare)."""
        return self._index.searcher()

    def compile_query(self, text: str, filters: Mapping[str, Collection[str]] | None = None) -> tantivy.Query:
        """The tantivy Query that `search` runs for `text` and `filters` (no snippets, facets or suggestions)."""
        return self.compiler().compile(parse_query(text), filters).query

    def search(self, text: str, limit: int = 20, filters: Mapping[str, Collection[str]] | None = None,
               offset: int = 0, facets: bool = False, fields: bool = True) -> SearchResult:  # fmt: skip
        """Rank the studies matching `text` (and `filters`); never raises on any text. Thread-safe.

        `facets`: also count each filter value over the whole result set (result.facets; the GUI's chips).
        It is a second pass over every match, so it is asked for, not done by default.
        `fields`: find every field of each hit the query matched (`Hit.fields`), a second search over the
        page (~1 ms at 600,000 studies). Without it `Hit.fields` is empty and the snippet comes from the
        first field (SNIPPET_ORDER) that tantivy's highlighter marks; the GUI, answering as the user types,
        finds a hit's fields in its study when the hit is opened (`highlight.fields_holding`).
        """
        start = time.perf_counter()
        parsed = parse_query(text)
        limit, offset = max(0, limit), max(0, offset)
        try:
            return self._search(parsed, limit, filters, offset, start, facets, fields)
        except ValueError as exc:  # tantivy refusing a query it cannot run: answered as plain words instead
            log.info("query %r could not be run (%s); answering its plain words", text, exc)
        except BaseException as exc:
            self._damaged(text, exc)
            return SearchResult(text, _ms(start), 0, (), parsed.terms, parsed.plain_words, (), {})
        plain = parse_query(" ".join(w for w in text.replace('"', " ").split() if w not in ("AND", "OR", "NOT")))
        plain = ParsedQuery(text, plain.node, plain_words=True)
        try:
            return self._search(plain, limit, filters, offset, start, facets, fields)
        except ValueError as exc:
            log.warning("query %r could not be run as plain words either (%s)", text, exc)
        except BaseException as exc:
            self._damaged(text, exc)
        return SearchResult(text, _ms(start), 0, (), plain.terms, True, (), {})

    def _damaged(self, text: str, exc: BaseException) -> None:
        """A panic inside tantivy (pyo3's PanicException derives from BaseException) means damaged files that
        the checksums did not catch: logged, and the answer is empty rather than a crash."""
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
            raise exc
        log.error("searching %r failed inside the index (%s: %s); the index may be damaged", text,
                  type(exc).__name__, exc)  # fmt: skip

    def compiler(self) -> Compiler:
        """A compiler over the current searcher with its generation's caches (what search, compile_query and
        bare.prepare build their queries with). The generation is read
        before the searcher (`_committed` reloads, then counts): a cache never gets an older searcher's terms."""
        with self._cache_lock:
            generation, expansions, whole = self._generation, self._expansions, self._whole
        searcher = self._index.searcher()
        if len(expansions) > EXPANSIONS_KEPT:
            expansions.clear()

        def vocabulary(key: str) -> dict[str, str]:
            found = self._vocabularies.get((generation, key))
            if found is None:
                found = {norm(term): term for term, _ in searcher.terms_with_prefix(key, "")}
                with self._cache_lock:
                    self._vocabularies[(generation, key)] = found
            return found

        return Compiler(searcher, self._schema, vocabulary, expansions, whole)

    def _search(self, parsed: ParsedQuery, limit: int, filters: Mapping[str, Collection[str]] | None, offset: int,
                start: float, facets: bool, fields: bool) -> SearchResult:  # fmt: skip
        compiler = self.compiler()
        searcher = compiler.searcher
        compiled = compiler.compile(parsed, filters)
        # tantivy panics on a limit of 0: ask for one hit and drop it (the count is what such a caller wants)
        found = searcher.search(compiled.query, max(1, limit), count=True, offset=offset)
        total = int(found.count)  # type: ignore[attr-defined]  # there at run time, missing from the 0.27 stub
        page = found.hits[:limit]
        docs = [searcher.doc(address) for _, address in page]
        matched: list[list[str] | None] = (
            list(fields_matched(compiler, compiled, docs, [address for _, address in page]))
            if fields
            else [None] * len(docs)
        )
        generators: dict[str, tantivy.SnippetGenerator | None] = {}
        likely = _Likely(compiled)
        hits = tuple(self._hit(searcher, compiler, compiled, generators, likely, float(score), doc, found)
                     for (score, _), doc, found in zip(page, docs, matched, strict=True))  # fmt: skip
        counts = self._facets(searcher, compiled.query) if facets and total else {}
        suggestions = suggest(searcher, self._schema, parsed) if total == 0 and parsed.node is not None else ()
        return SearchResult(parsed.text, _ms(start), total, hits, parsed.terms, parsed.plain_words, suggestions, counts,
                            scopes=_scopes(compiled))  # fmt: skip

    def _hit(self, searcher: tantivy.Searcher, compiler: Compiler, compiled: Compiled,
             generators: dict[str, tantivy.SnippetGenerator | None], likely: _Likely, score: float,
             doc: tantivy.Document, fields: list[str] | None) -> Hit:  # fmt: skip
        import tantivy

        runs: tuple[tuple[str, bool], ...] = ()
        snippet_field = ""
        tried = sorted(fields, key=SNIPPET_ORDER.index) if fields is not None else likely.fields(doc)
        for name in tried:
            if name not in generators:
                query = compiler.highlight(compiled, name)
                generator = None
                if query is not None:
                    generator = tantivy.SnippetGenerator.create(searcher, query, self._schema, name)
                    generator.set_max_num_chars(SNIPPET_CHARS)
                generators[name] = generator
            generator = generators[name]
            if generator is None:
                continue
            found = generator.snippet_from_doc(doc)
            highlighted = found.highlighted()
            if highlighted:
                runs, snippet_field = runs_of(found, highlighted), name
                break
        if not runs:
            for name in FALLBACK:
                runs = head(doc.get_first(name) or "")
                if runs:
                    snippet_field = name
                    break
        ids = (doc.get_first("id") or "").split("\n")
        titles = (doc.get_first("title") or "").split("\n")
        phases = tuple(doc.get_all("phase"))
        return Hit(
            id=ids[0],
            title=titles[0] or ids[0],
            score=score,
            snippet=to_html(runs),
            snippet_runs=runs,
            snippet_field=snippet_field,
            fields=tuple(fields or ()),
            file=doc.get_first(s.PATH) or "",
            member=doc.get_first(s.MEMBER) or None,
            registry=doc.get_first("registry") or "",
            phase=", ".join(phases),
            status=doc.get_first("status") or "",
            countries=tuple(doc.get_all("country")),
            phases=phases,
            sex=doc.get_first("sex") or "",
        )

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, tuple[tuple[str, int], ...]]:
        """Counts of each filter value over the whole result set (tantivy's terms aggregation, exact here:
        one segment's top values are all kept since FACET_SIZES exceed the vocabularies)."""
        spec = {key: {"terms": {"field": key, "size": FACET_SIZES[key]}} for key in FILTER_KEYS}
        answer = searcher.aggregate(query, spec)
        facets: dict[str, tuple[tuple[str, int], ...]] = {}
        for key in FILTER_KEYS:
            buckets = answer.get(key, {}).get("buckets", [])
            counts = {str(b["key"]): int(b["doc_count"]) for b in buckets}
            if key == "sex":  # as sex:female counts them: female only, plus open to all
                counts = {v: sum(counts.get(x, 0) for x in SEX_ADMITS[v]) for v in SEX_ADMITS if counts.get(v) or (
                    v != "all" and counts.get("all"))}  # fmt: skip
            facets[key] = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return facets


# --- opening safely -----------------------------------------------------------------------------------------


class _Damaged(Exception):
    """What was found wrong with an index folder (the message is shown to the user)."""

    lost: tuple[Path, ...] = ()


class _Likely:
    """Without `Hit.fields`: the fields worth asking tantivy's highlighter for a snippet, in SNIPPET_ORDER.

    Lazily, so a hit costs one scan and one snippet when its first field holds the words: a field whose
    stored text a scan finds the query's words in (as `snippets.matched_fields` does) comes first, and the
    highlighter decides; the fields the scan passed over follow, in case it folded a text otherwise than
    the analyzer did.
    """

    def __init__(self, compiled: Compiled) -> None:
        self._searched = searched_fields(compiled.leaves)
        self._patterns: dict[str, Matcher] | None = None

    def fields(self, doc: tantivy.Document) -> Iterator[str]:
        if not self._searched:
            return
        if self._patterns is None:
            self._patterns = matchers(self._searched)
        passed = []
        for name in SNIPPET_ORDER:
            found = holds(doc, name, self._patterns[name]) if name in self._patterns else None
            if found:
                yield name
            elif found is not None:
                passed.append(name)
        yield from passed


def _scopes(compiled: Compiled) -> tuple[str, ...]:
    """The MATCH_ORDER fields the query's positive words may match in (every one for an unscoped word)."""
    wanted = {name for leaf in compiled.leaves for name in (leaf.fields or MATCH_ORDER)}
    return tuple(name for name in MATCH_ORDER if name in wanted)


def _open_parts(folder: Path) -> tuple[tantivy.Index, Catalog]:
    import tantivy

    try:
        catalog = Catalog(folder)
    except CatalogError as exc:
        raise _Damaged(str(exc)) from None
    try:
        version = catalog.get("schema_version")
        if version is not None and version != s.SCHEMA_VERSION:
            raise _Damaged(f"made by another version of the viewer (schema {version})")
        data = folder / TANTIVY
        meta = data / "meta.json"
        if not meta.exists():
            if catalog.study_count():
                raise _Damaged("the index files are missing")
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir()
            index = tantivy.Index(s.build_schema(), path=str(data), reuse=False)
        else:
            _check_meta(meta)
            try:
                index = tantivy.Index.open(str(data))
            except (ValueError, OSError) as exc:
                raise _Damaged(f"the index cannot be opened: {exc}") from None
        register(index)
        index.config_reader("manual")  # a searcher sees a batch once the catalog has recorded it too
        if version is None:
            with catalog.transaction() as db:
                catalog.set(db, "schema_version", s.SCHEMA_VERSION)
        return index, catalog
    except _Damaged as damage:
        damage.lost = tuple(Path(p) for p in catalog.complete_paths())
        catalog.close()
        raise


def _check_meta(meta: Path) -> None:
    """meta.json names the committed segments and the schema: it must parse and hold our fields."""
    try:
        content = json.loads(meta.read_bytes())
        names = {f["name"] for f in content["schema"]}
        segments = content["segments"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _Damaged(f"its meta.json cannot be read ({type(exc).__name__})") from None
    missing = set(s.FIELD_NAMES) - names
    if missing:
        raise _Damaged(f"its schema lacks {', '.join(sorted(missing))}")
    folder = meta.parent
    for segment in segments:
        stem = str(segment.get("segment_id", "")).replace("-", "")
        for suffix in (".idx", ".term", ".pos", ".store", ".fast", ".fieldnorm"):
            if not (folder / f"{stem}{suffix}").is_file():
                raise _Damaged(f"segment file {stem}{suffix} is missing")


def _reconcile(folder: Path, index: tantivy.Index, catalog: Catalog) -> None:
    """Undo what a killed run left half done, then check that the catalog and the index agree.

    Rows not 'complete' name documents of a batch that may or may not have reached tantivy: they are
    deleted. When another process holds the writer it is mid-batch, and nothing is touched.
    """
    import tantivy

    try:
        searcher = index.searcher()
        searcher.search(tantivy.Query.all_query(), 1, count=True)
    except (ValueError, OSError) as exc:
        raise _Damaged(f"the index cannot be searched: {exc}") from None
    unfinished = catalog.unfinished()
    opstamp = catalog.get("opstamp")
    stamp = _opstamp(folder / TANTIVY)
    if (
        not unfinished
        and (opstamp is None or stamp is None or opstamp == str(stamp))
        and (catalog.study_count() == searcher.num_docs)
    ):
        _verify(folder, catalog)
        _probe(searcher)
        return
    try:
        writer = index.writer(heap_size=50_000_000, num_threads=1)
    except ValueError:
        log.info("%s: another process is writing; not reconciled now", folder)
        return
    try:
        keep = {r.key for r in catalog.rows("state = 'complete'")}
        stale = {r.key for r in unfinished}
        stale |= {term for term, _ in searcher.terms_with_prefix(s.SOURCE, "") if term not in keep}
        for key in stale:
            writer.delete_documents_by_term(s.SOURCE, key)
        committed = writer.commit()
        with catalog.transaction() as db:
            db.execute("DELETE FROM files WHERE state != 'complete'")
            catalog.set(db, "opstamp", str(committed))
        writer.garbage_collect_files()
    except ValueError as exc:
        raise _Damaged(f"the index cannot be repaired: {exc}") from None
    finally:
        with contextlib.suppress(ValueError):
            writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    if catalog.study_count() != searcher.num_docs:
        raise _Damaged(f"the catalog lists {catalog.study_count():,} studies, the index holds {searcher.num_docs:,}")
    log.info("%s: reconciled after an interrupted run (%d unfinished files)", folder, len(stale))
    _verify(folder, catalog)
    _probe(searcher)


def _verify(folder: Path, catalog: Catalog) -> None:
    try:
        with catalog.lock:
            verify(folder / TANTIVY, catalog.db)
    except SegmentDamaged as exc:
        raise _Damaged(str(exc)) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _Damaged(f"its meta.json cannot be read ({type(exc).__name__})") from None


def _probe(searcher: tantivy.Searcher) -> None:
    """Read a stored document and a term dictionary: damage there shows up now rather than mid-search."""
    import tantivy

    try:
        found = searcher.search(tantivy.Query.all_query(), 1, count=False)
        for _, address in found.hits:
            searcher.doc(address)
        searcher.terms_with_prefix(s.SOURCE, "", limit=1)
    except (ValueError, OSError) as exc:
        raise _Damaged(f"the index cannot be read: {exc}") from None


def _opstamp(data: Path) -> int | None:
    try:
        value = json.loads((data / "meta.json").read_bytes()).get("opstamp")
    except (OSError, ValueError, AttributeError):
        return None
    return int(value) if isinstance(value, int) else None


def _clear(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _threads() -> int:
    """tantivy's indexing threads: one per four cores (each thread writes its own segments, which are merged
    later; on two cores one thread keeps up with the parsing workers and leaves fewer segments to merge)."""
    return max(1, min(4, (os.cpu_count() or 1) // 4))


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
