"""The tantivy-py API facts SEARCH_ENGINE.md states, checked: `python bench/tantivy_facts.py` (a few seconds)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from importlib import metadata

import tantivy as t
from tantivy import Filter, Occur, Query, SnippetGenerator, TextAnalyzerBuilder, Tokenizer


def schema() -> t.Schema:
    b = t.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw")  # exact key for delete-by-term
    b.add_text_field("title", stored=True, tokenizer_name="fold")
    b.add_text_field("summary", stored=True, tokenizer_name="fold")
    b.add_text_field("plain", stored=True)  # tokenizer "default": simple + remove_long(40) + lowercase
    b.add_text_field("stemmed", stored=True, tokenizer_name="en_stem")
    b.add_text_field("status", tokenizer_name="raw")
    b.add_float_field("min_age", indexed=True, fast=True)
    return b.build()


FOLD = (
    TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(40)).filter(Filter.lowercase())
    .filter(Filter.ascii_fold()).build()
)  # fmt: skip


def open_index(path: str) -> t.Index:
    index = t.Index(schema(), path=path)  # creates, or opens the one there (reuse=True)
    index.register_tokenizer("fold", FOLD)  # not persisted: register in every process, before searching
    return index


def hits(index: t.Index, query: t.Query) -> list[str]:
    searcher = index.searcher()
    return sorted(str(searcher.doc(address).get_first("id")) for _, address in searcher.search(query, 10).hits)


def check(path: str) -> None:
    index = open_index(path)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    rows = [
        ("NCT1", "Sjögren syndrome", "Pregnant women are excluded; pregnancy test", "RECRUITING", 18.0),
        ("NCT2", "Breast cancer chemotherapy", "Radiotherapy after informed consent", "COMPLETED", 12.0),
    ]
    for key, title, summary, status, age in rows:
        doc = t.Document(id=key, title=title, summary=summary, plain=title, stemmed=summary, status=status)
        doc.add_float("min_age", age)
        writer.add_document(doc)
    writer.commit()
    index.reload()  # the searcher sees a commit after reload() (or soon after, with the default reload policy)
    s = index.searcher()
    fields = ["title", "summary"]

    # Case and diacritics: "fold" matches SJOGREN and sjögren alike; "default" lowercases only.
    assert FOLD.analyze("Sjögren's CAFÉ") == ["sjogren", "s", "cafe"]
    assert hits(index, index.parse_query("SJOGREN", fields)) == ["NCT1"]
    assert hits(index, index.parse_query("plain:sjogren")) == []
    assert hits(index, index.parse_query("plain:Sjögren")) == ["NCT1"]
    # "en_stem" is built in: pregnancies ~ pregnancy.
    assert hits(index, index.parse_query("stemmed:pregnancies")) == ["NCT1"]

    # The query parser: phrases, field scopes, OR, -x; `AND NOT x` (and a parenthesised NOT) matches nothing.
    assert hits(index, index.parse_query('"informed consent"', fields)) == ["NCT2"]
    assert hits(index, index.parse_query("chemotherapy OR sjogren", fields)) == ["NCT1", "NCT2"]
    assert hits(index, index.parse_query("(chemotherapy OR sjogren) -radiotherapy", fields)) == ["NCT1"]
    assert hits(index, index.parse_query("(chemotherapy OR sjogren) AND NOT radiotherapy", fields)) == []
    assert hits(index, index.parse_query("breast cancer", fields, conjunction_by_default=True)) == ["NCT2"]
    # No single-word prefix in the parser: `pregnan*` is the word "pregnan"; `"pregnan"*` is an error.
    assert hits(index, index.parse_query("pregnan*", fields)) == []
    try:
        index.parse_query('"pregnan"*', fields)
        raise AssertionError("single-word phrase prefix parsed")
    except ValueError:
        pass
    prefix = Query.fuzzy_term_query(index.schema, "summary", "pregnan", distance=0, prefix=True)
    assert hits(index, prefix) == ["NCT1"]
    assert s.terms_with_prefix("summary", "pregnan") == [("pregnancy", 1), ("pregnant", 1)]
    # Ranges and filters, in the parser or as Query objects; term_query on a "raw" field is exact.
    assert hits(index, index.parse_query("min_age:[* TO 15]")) == ["NCT2"]
    assert hits(index, Query.range_query(index.schema, "min_age", t.FieldType.Float, upper_bound=15.0)) == ["NCT2"]
    assert hits(index, Query.term_query(index.schema, "status", "RECRUITING")) == ["NCT1"]

    # Field boosts multiply the field's BM25 score; count=True gives the total.
    plain = s.search(index.parse_query("cancer", fields), 1).hits[0][0]
    result = s.search(index.parse_query("cancer", fields, field_boosts={"title": 3.0}), 1, count=True)
    assert abs(result.hits[0][0] - 3 * plain) < 1e-4
    assert result.count == 1  # type: ignore[attr-defined]  # there at run time, missing from the 0.27 stub

    # "Did you mean": fuzzy terms within distance 2, and the vocabulary with document frequencies.
    assert hits(index, Query.fuzzy_term_query(index.schema, "summary", "pregnent", distance=1)) == ["NCT1"]
    assert s.doc_freq("summary", "pregnancy") == 1

    # Snippets: per field; the HTML is escaped; prefix (automaton) queries highlight nothing.
    query = index.parse_query("pregnancy", fields)
    generator = SnippetGenerator.create(s, query, index.schema, "summary")
    generator.set_max_num_chars(60)
    snippet = generator.snippet_from_doc(s.doc(s.search(query, 1).hits[0][1]))
    assert snippet.to_html() == "Pregnant women are excluded; <b>pregnancy</b> test", snippet.to_html()
    assert [(r.start, r.end) for r in snippet.highlighted()] == [(29, 38)]
    generator = SnippetGenerator.create(s, prefix, index.schema, "summary")
    assert generator.snippet_from_doc(s.doc(s.search(prefix, 1).hits[0][1])).highlighted() == []
    pregnant = Query.term_query(index.schema, "summary", "pregnant")
    combined = Query.boolean_query([(Occur.Should, prefix), (Occur.Should, pregnant)])
    generator = SnippetGenerator.create(s, combined, index.schema, "summary")
    assert "<b>Pregnant</b>" in generator.snippet_from_doc(s.doc(s.search(combined, 1).hits[0][1])).to_html()

    # highlighted() ranges are UTF-8 byte offsets into fragment(), not str indices.
    writer.add_document(t.Document(id="NCT3", summary="Sjögren pregnancy"))
    writer.commit()
    index.reload()
    s = index.searcher()
    doc = s.doc(s.search(Query.term_query(index.schema, "id", "NCT3"), 1).hits[0][1])
    found = SnippetGenerator.create(s, query, index.schema, "summary").snippet_from_doc(doc)
    start, end = found.highlighted()[0].start, found.highlighted()[0].end
    assert (start, end) == (9, 18) and found.fragment().encode()[start:end].decode() == "pregnancy"
    writer.delete_documents_by_term("id", "NCT3")

    # Re-index one study: delete by its exact id term, add the new version, one commit.
    writer.delete_documents_by_term("id", "NCT1")
    writer.add_document(t.Document(id="NCT1", title="Sjögren syndrome, amended", summary="x", status="COMPLETED"))
    writer.commit()
    index.reload()
    assert index.searcher().num_docs == 2 and hits(index, index.parse_query("amended", fields)) == ["NCT1"]
    # An index opened without its custom tokenizer registered cannot parse queries on those fields or index.
    bare = t.Index.open(path)
    try:
        bare.parse_query("pregnancy", ["summary"])
        raise AssertionError("parsed without the tokenizer")
    except ValueError:
        pass
    # wait_merging_threads() consumes the writer; one writer per index at a time (a second one: ValueError).
    try:
        index.writer(heap_size=50_000_000)
        raise AssertionError("a second writer was opened")
    except ValueError:
        pass
    writer.wait_merging_threads()
    del writer


def crash(path: str) -> None:
    """A writer killed (SIGKILL) after one commit and 300,000 uncommitted documents leaves the last commit."""
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
        import tantivy as t, tantivy_facts as f
        index = f.open_index({path!r}); w = index.writer(heap_size=20_000_000, num_threads=1)
        for i in range(1000): w.add_document(t.Document(id=f"A{{i}}", summary="first"))
        w.commit(); print("committed", flush=True)
        i = 0
        while True:
            w.add_document(t.Document(id=f"B{{i}}", summary="second " * 50)); i += 1
            if i == 300_000: print("added", flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "committed" and child.stdout.readline().strip() == "added"
    child.send_signal(signal.SIGKILL)
    child.wait()
    files = len(os.listdir(path))
    index = open_index(path)
    assert index.searcher().num_docs == 1000  # the uncommitted segments already on disk are ignored
    writer = index.writer(heap_size=50_000_000, num_threads=1)  # the stale lock file is no obstacle
    writer.garbage_collect_files()  # removes the orphaned segment files
    assert len(os.listdir(path)) < files
    print(f"crash: {files} files after the kill, {len(os.listdir(path))} after garbage_collect_files(); 1000 docs")


def main() -> None:
    for test in (check, crash):
        path = tempfile.mkdtemp(prefix="tantivy-facts-", dir="/tmp")
        try:
            start = time.perf_counter()
            test(path)
            print(f"{test.__name__}: ok ({time.perf_counter() - start:.1f} s), tantivy {metadata.version('tantivy')}")
        finally:
            shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
