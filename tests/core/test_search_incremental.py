"""Incremental indexing: unchanged files skipped, changed files replaced, removed files gone; zip dumps; threads."""

from __future__ import annotations

import os
import re
import shutil
import threading
import zipfile
from pathlib import Path

from tests.conftest import CORPUS, SEEDS
from tests.core.search_data import dump_zip
from viewer.core.search import IndexProgress, SearchIndex, load_hit

V2 = CORPUS / "A_ctgov_api_v2_json"


def copy(names: list[str], into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(V2 / name, into / name)


def test_unchanged_files_are_skipped_changed_replaced_removed_gone(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    copy(["aact__NCT00763412.json", "aact__NCT02210780.json"], folder)
    shutil.copy(SEEDS / "000_9a8944e657c20510.txt", folder / "seed.txt")
    with SearchIndex.open(tmp_path / "index") as index:
        first = index.add_paths([folder], workers=0)
        assert (first.files_indexed, first.studies_added, first.problems) == (3, 3, ())
        again = index.add_paths([folder], workers=0)
        assert (again.files_indexed, again.files_skipped_unchanged, again.studies_added) == (0, 3, 0)
        # Touched but identical: the hash says unchanged, nothing is parsed.
        os.utime(folder / "seed.txt", ns=(1, 1))
        touched = index.add_paths([folder], workers=0)
        assert (touched.files_indexed, touched.files_skipped_unchanged) == (0, 3)
        # Changed: its old study goes, the new one comes.
        seed = folder / "seed.txt"
        seed.write_text(re.sub("(?i)anakinra", "Zorblimab", seed.read_text(encoding="utf-8")), encoding="utf-8")
        changed = index.add_paths([folder], workers=0)
        assert (changed.files_indexed, changed.studies_added, changed.studies_removed) == (1, 1, 1)
        assert index.search("anakinra").total == 0 and index.search("zorblimab").total == 1
        assert index.study_count() == 3
        # Removed from the folder: gone when the folder is indexed again.
        (folder / "aact__NCT02210780.json").unlink()
        gone = index.add_paths([folder], workers=0)
        assert gone.studies_removed == 1 and index.search("NCT02210780").total == 0
        # remove_paths forgets a file outright.
        assert index.remove_paths([folder / "aact__NCT00763412.json"]) == 1
        assert index.study_count() == 1 and [p.name for p in index.indexed_files()] == ["seed.txt"]
        assert index.remove_paths([folder]) == 1 and index.study_count() == 0


def test_a_bad_file_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    copy(["aact__NCT00763412.json"], folder)
    (folder / "broken.json").write_text('{"protocolSection": {', encoding="utf-8")
    with SearchIndex.open(tmp_path / "index") as index:
        report = index.add_paths([folder], workers=0)
        assert report.studies_added == 1
        assert [Path(p.file).name for p in report.problems] == ["broken.json"]
        assert index.add_paths([folder], workers=0).problems[0].file == str(folder / "broken.json")  # still failing


def test_a_registry_dump_zip_in_worker_processes(tmp_path: Path) -> None:
    dump = tmp_path / "ctg-studies.zip"
    expected = dump_zip(dump, 60, pages=4)
    seen: list[IndexProgress] = []
    with SearchIndex.open(tmp_path / "index") as index:
        report = index.add_paths([dump], workers=2, progress=seen.append, batch_studies=25)
        assert report.problems == () and report.studies_added == len(expected) == index.study_count()
        assert report.files_indexed == 64
        assert seen and seen[-1].studies == len(expected) and seen[-1].files_total
        hit = index.search(expected[7]).hits[0]
        assert hit.id == expected[7] and hit.file == str(dump) and hit.member == f"ctg-studies/{expected[7]}.json"
        assert load_hit(hit).id == expected[7]
        paged = index.search(expected[-1]).hits[0]
        assert paged.member == "pages/page_0003.json" and load_hit(paged).id == expected[-1]
        assert index.add_paths([dump], workers=2).files_skipped_unchanged == 1
        # A new dump: one member changed, one gone, one new; only those are parsed.
        with zipfile.ZipFile(dump) as old:
            members = {name: old.read(name) for name in old.namelist()}
        del members[f"ctg-studies/{expected[0]}.json"]
        changed = f"ctg-studies/{expected[1]}.json"
        members[changed] = members[changed].replace(b'"briefTitle": "', b'"briefTitle": "Quuxified ')
        members["ctg-studies/NCT99999999.json"] = members[f"ctg-studies/{expected[2]}.json"].replace(
            expected[2].encode(), b"NCT99999999"
        )
        with zipfile.ZipFile(dump, "w", zipfile.ZIP_DEFLATED) as new:
            for name, data in members.items():
                new.writestr(name, data)
        update = index.add_paths([dump], workers=0)
        assert (update.files_indexed, update.studies_added, update.studies_removed) == (2, 2, 2)
        assert index.study_count() == len(expected)
        assert index.search(expected[0]).total == 0
        assert [h.id for h in index.search("quuxified").hits] == [expected[1]]
        assert index.search("NCT99999999").hits[0].id == "NCT99999999"


def test_cancel_stops_after_the_current_batch(tmp_path: Path) -> None:
    dump = tmp_path / "dump.zip"
    expected = dump_zip(dump, 80)
    cancel = threading.Event()

    def stop_soon(progress: IndexProgress) -> None:
        if progress.studies >= 10:
            cancel.set()

    with SearchIndex.open(tmp_path / "index") as index:
        report = index.add_paths([dump], workers=0, progress=stop_soon, cancel=cancel, batch_studies=10)
        assert report.cancelled and 10 <= report.studies_added < len(expected)
        assert index.study_count() == report.studies_added
        resumed = index.add_paths([dump], workers=0)  # resumes: committed members are not parsed again
        assert not resumed.cancelled and resumed.studies_added == len(expected) - report.studies_added
        assert index.study_count() == len(expected)


def test_search_from_threads_while_indexing(tmp_path: Path) -> None:
    dump = tmp_path / "dump.zip"
    expected = dump_zip(dump, 150)
    errors: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()
    with SearchIndex.open(tmp_path / "index") as index:

        def searching() -> None:
            try:
                while not done.is_set():
                    for text in ("covid", "NCT9*", "phase:2", '"informed consent"', "pregnan* -smoking", "(x"):
                        result = index.search(text, limit=5)
                        assert result.total >= len(result.hits)
                    totals.append(index.search("registry:ctgov").total)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=searching) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            report = index.add_paths([dump], workers=0, batch_studies=20)
        finally:
            done.set()
            for thread in threads:
                thread.join()
        assert errors == []
        assert report.studies_added == len(expected) == index.study_count()
        assert totals and all(t % 20 == 0 or t == len(expected) for t in totals)  # only whole batches seen


def test_what_another_writer_commits_is_seen_after_refresh(tmp_path: Path) -> None:
    """`trialviewer index` run while the viewer has the index open: the viewer's next query sees it."""
    folder = tmp_path / "index"
    with SearchIndex.open(folder) as reader, SearchIndex.open(folder) as writer:
        assert reader.study_count() == 0 and not reader.refresh()
        writer.add_paths([V2 / "aact__NCT00763412.json"], workers=0)
        assert reader.search("id:NCT00763412").total == 0  # not yet looked
        assert reader.refresh()
        assert reader.search("id:NCT00763412").total == 1 and reader.study_count() == 1
        assert not reader.refresh()  # nothing new since
