"""Hostile and broken input: a ParseError naming the file and the reason; never a traceback, a hang or a blowup."""

from __future__ import annotations

import gzip
import os
import random
import re
import signal
import socket
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import CORPUS, DATA, SEEDS
from viewer.core import loader
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.formats import all_formats, detect
from viewer.core.loader import load_paths, parse_bytes, read_file
from viewer.core.model import Study
from viewer.core.parsers import jsonl
from viewer.core.policy import INTERACTIVE, Policy

resource: ModuleType | None
try:
    import resource
except ImportError:  # Windows: no rlimits and no SIGALRM, so the tests below run without the guards
    resource = None

BAD = DATA / "bad"
MIB = 2**20

# One real file per format (and some for formats still to come): whichever formats are registered, each
# must find its sample here, so every hostile transformation below is tried on every supported format.
CANDIDATES = (
    CORPUS / "A_ctgov_api_v2_json" / "aact__NCT00973089.json",
    CORPUS / "A1_ctgov_api_v1_classic_json" / "aact__NCT04780763.json",
    CORPUS / "B_ctgov_legacy_xml" / "aact__NCT03182660.xml",
    CORPUS / "B_ctgov_legacy_xml" / "archive_schema_2005-2014" / "fabianvf__NCT00000201_20050623.xml",
    CORPUS / "C_ctgov_archive_page_html" / "fabianvf__NCT00000201_20051208.html",
    CORPUS / "D_euctr_text" / "eudract-py__one_study_summary.txt",
    CORPUS / "D_euctr_text" / "eudract-py__one_study_full_2015-001314-10.txt",
    CORPUS / "E_ictrp_xml" / "machado-t__ICTRP-Results(1).xml",
    CORPUS / "F_usdm_json" / "DDF-RA_early-IG__CDISC_Pilot_Study.json",
    SEEDS / "000_9a8944e657c20510.txt",
    SEEDS / "004_5c3f0f274010b228.txt",
)
JSON_FILE = CORPUS / "A_ctgov_api_v2_json" / "aact__NCT00973089.json"
JSON_PAGE = CORPUS / "A_ctgov_api_v2_json" / "jamesvdinh__studies-page_2025-06-17T11-16-37-179Z.json"
XML_FILE = CORPUS / "B_ctgov_legacy_xml" / "aact__NCT03182660.xml"

REFUSED = ("not a trial record", "no study", "not a study", "protocolsection", "study model", "export schema")
TRUNCATED = ("json", "xml", "truncat", "incomplete", "end of", "no element", "unclosed", *REFUSED)
XML_UNSAFE = ("entit", "external", "dtd", "document type", "safety", "refused", "not a trial record")


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so no parser's `except Exception` can swallow it."""


@contextmanager
def bounded(seconds: float = 20, memory: int = 768 * MIB) -> Iterator[None]:
    """Fail instead of hanging or swapping: a wall-clock alarm and a ceiling on new address space."""

    if resource is None or not hasattr(signal, "SIGALRM"):
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds:.1f} s")

    old_handler = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    status = Path("/proc/self/status")
    if status.exists():
        vm_kib = int(re.search(r"VmSize:\s+(\d+)", status.read_text()).group(1))  # type: ignore[union-attr]
        ceiling = vm_kib * 1024 + memory
        hard = old_limit[1]
        soft = ceiling if hard == resource.RLIM_INFINITY else min(ceiling, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    try:
        yield
    except (Hang, MemoryError) as exc:
        failure = f"{type(exc).__name__}: {exc}"
    else:
        failure = ""
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old_limit)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
    if failure:
        # A short report: the traceback of an exception raised by a signal handler can defeat pytest's formatter.
        pytest.fail(failure, pytrace=False)


def outcome(data: bytes, name: str, **limits: Any) -> list[Study] | ParseError:
    """parse_bytes under time and memory bounds: studies or a ParseError, anything else fails the test."""
    try:
        with bounded(**limits):
            return parse_bytes(data, name)
    except ParseError as exc:
        return exc


def refused(result: list[Study] | ParseError, name: str, keywords: tuple[str, ...]) -> ParseError:
    """The result is a ParseError naming `name`, whose reason contains one of `keywords`."""
    assert isinstance(result, ParseError), f"expected a ParseError, got {len(result)} studies"
    assert result.file == name
    assert name in str(result)
    assert result.reason.strip()
    assert any(k in result.reason.lower() for k in keywords), f"reason {result.reason!r} has none of {keywords}"
    return result


def refused_or_warned(result: list[Study] | ParseError, name: str, keywords: tuple[str, ...]) -> None:
    """Either refused as `refused` says, or a partial study whose source says what was wrong."""
    if isinstance(result, ParseError):
        refused(result, name, keywords)
        return
    assert result and all(isinstance(s, Study) for s in result)
    assert all(s.source.warnings for s in result), "a partial study must carry a warning"


def content(studies: list[Study]) -> list[dict[str, Any]]:
    return [s.model_dump(exclude={"source"}) for s in studies]


def _samples() -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    texts = [(p.name, p.read_bytes()) for p in CANDIDATES if p.exists()]
    texts.append(("export.jsonl", jsonl.dumps(parse_bytes(JSON_PAGE.read_bytes(), JSON_PAGE.name)).encode()))
    for name, data in texts:
        try:
            fmt = detect(Document(name, data))
        except ParseError:
            continue
        found.setdefault(fmt.name, (name, data))
    return found


SAMPLES = _samples()
SAMPLE_IDS = sorted(SAMPLES)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record (and refuse) every attempt to open a connection or resolve a name."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args))
        raise OSError("network access is not allowed in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert not attempts, f"the parser tried to reach the network: {attempts}"


# --- every format has a sample, and every sample opens --------------------------------------------------


def test_every_format_has_a_sample() -> None:
    assert sorted(f.name for f in all_formats()) == SAMPLE_IDS


@pytest.mark.parametrize("fmt", SAMPLE_IDS)
def test_sample_opens(fmt: str) -> None:
    name, data = SAMPLES[fmt]
    result = outcome(data, name)
    assert not isinstance(result, ParseError), result
    assert result


# --- fixture files: each refused with its reason -------------------------------------------------------

FIXTURES: dict[str, tuple[str, ...]] = {
    "empty.json": ("empty",),
    "whitespace.txt": ("empty",),
    "not_a_study_object.json": REFUSED,
    "not_a_study_array.json": REFUSED,
    "not_a_study_string.json": REFUSED,
    "studies_of_numbers.json": REFUSED,
    "protocol_section_null.json": REFUSED,
    "png_header.png": ("png image",),
    "study.json.gz": ("gzip-compressed", "unpack it first"),
    "billion_laughs.xml": XML_UNSAFE,
    "xxe_file.xml": XML_UNSAFE,
    "xxe_http.xml": XML_UNSAFE,
    "xxe_parameter_entity.xml": XML_UNSAFE,
}
# Fixtures that may open, as long as nothing unsafe happens and what was wrong is said.
OPENABLE = {"external_dtd.xml", "latin1_study.json", "studies_with_a_number.json"}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted([*FIXTURES, *OPENABLE])


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_fixture_refused(fixture: str, no_network: list[str]) -> None:
    path = BAD / fixture
    with pytest.raises(ParseError) as info, bounded():
        read_file(path)
    refused(info.value, str(path), FIXTURES[fixture])


def test_xxe_does_not_leak_the_file(tmp_path: Path, no_network: list[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-8b1f")
    for uri in (secret.as_uri(), "file:///etc/passwd"):
        data = (BAD / "xxe_file.xml").read_bytes().replace(b"file:///etc/passwd", uri.encode())
        refused(outcome(data, "xxe.xml"), "xxe.xml", ("entities",))  # refused outright: nothing to leak


def test_external_dtd_is_not_fetched(no_network: list[str]) -> None:
    result = outcome((BAD / "external_dtd.xml").read_bytes(), "external_dtd.xml")
    # The record itself is fine: it opens, and the DTD it names is never fetched.
    assert not isinstance(result, ParseError) and [s.id for s in result] == ["NCT00000001"]
    assert no_network == []


def test_xml_quadratic_blowup_refused() -> None:
    # One 100 kB entity referenced 20 000 times: 2 GB of text if expanded, no nesting for a depth check to see.
    entity = "x" * 100_000
    body = "&big;" * 20_000
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY big "{entity}">]>\n'
        f"<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info><brief_title>{body}</brief_title>"
        "</clinical_study>\n"
    ).encode()
    refused(outcome(data, "quadratic.xml", memory=256 * MIB), "quadratic.xml", XML_UNSAFE)


def test_latin1_opens_with_a_warning() -> None:
    [study] = read_file(BAD / "latin1_study.json")
    assert study.title == "Étude de café à Montréal – phase “pilote”"
    assert any("1252" in w or "latin" in w.lower() for w in study.source.warnings)


def test_partial_page_refused_or_warned() -> None:
    name = "studies_with_a_number.json"
    refused_or_warned(outcome((BAD / name).read_bytes(), name), name, REFUSED)


# --- empty, blank and binary input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b" ", b"\n\n", b"\t \r\n \x0c", b"\xef\xbb\xbf", b"\xff\xfe \x00\n\x00", b"\xef\xbb\xbf\x00\x00"],
    ids=["nothing", "space", "newlines", "blanks", "utf-8-bom", "utf-16-bom-blanks", "bom-nuls"],
)
def test_empty_or_blank(data: bytes) -> None:
    refused(outcome(data, "blank.json"), "blank.json", ("empty",))


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes(seed: int) -> None:
    data = random.Random(seed).randbytes(64 * (seed + 1) ** 2)
    refused(outcome(data, "noise.bin"), "noise.bin", ("binary", "not valid", *REFUSED))


def test_gzip_of_every_sample() -> None:
    for name, data in SAMPLES.values():
        refused(outcome(gzip.compress(data, mtime=0), name + ".gz"), name + ".gz", ("gzip-compressed",))


def _zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def test_zip_bytes_given_as_a_record() -> None:
    data = _zip_bytes({"a.json": JSON_FILE.read_bytes()})
    refused(outcome(data, "a.zip"), "a.zip", ("binary", "zip", "archive"))


# --- encodings -----------------------------------------------------------------------------------------

ENCODINGS = {
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
    "utf-32-bom": lambda t: t.encode("utf-32"),
}


def _known(fmt: str, *encodings: str) -> list[Any]:
    return [pytest.param(fmt, e, id=f"{fmt}-{e}") for e in encodings]


@pytest.mark.parametrize(("fmt", "encoding"), [p for f in SAMPLE_IDS for p in _known(f, *sorted(ENCODINGS))])
def test_encodings_give_the_same_studies(fmt: str, encoding: str) -> None:
    name, data = SAMPLES[fmt]
    expected = parse_bytes(data, name)
    result = outcome(ENCODINGS[encoding](data.decode("utf-8")), name)
    assert not isinstance(result, ParseError), result
    assert content(result) == content(expected)
    if "bom" not in encoding:
        assert all(any("UTF-16" in w for w in s.source.warnings) for s in result), "a guessed encoding is a warning"


@pytest.mark.parametrize(("fmt", "encoding"), [p for f in SAMPLE_IDS for p in _known(f, "cp1252")])
def test_cp1252_opens_with_a_warning(fmt: str, encoding: str) -> None:
    name, data = SAMPLES[fmt]
    [first, *_] = parse_bytes(data, name)
    text = data.decode("utf-8")
    title = first.title
    assert title in text, "the sample's title must be in its text to mark it"
    text = text.replace(title, title + " Café Señor", 1)
    result = outcome(text.encode(encoding, errors="replace"), name)
    assert not isinstance(result, ParseError), result
    assert "Café Señor" in "".join(s.model_dump_json() for s in result)
    for study in result:
        assert any("1252" in w or "latin" in w.lower() for w in study.source.warnings), study.source.warnings


@pytest.mark.parametrize("data", [b"\xff\xfe{\x00x", b"\xfe\xff\x00{\x00", b"\xff\xfe\x00\xd8\x00\x00"])
def test_broken_utf16(data: bytes) -> None:
    refused(outcome(data, "u16.json"), "u16.json", ("utf-16", "utf-32", "binary", "not valid"))


def test_invalid_utf8_after_bom() -> None:
    refused(outcome(b'\xef\xbb\xbf{"protocolSection": \xff}', "bom.json"), "bom.json", ("utf-8",))


# --- truncation ----------------------------------------------------------------------------------------


def _cuts(size: int) -> list[int]:
    return sorted({1, 2, 10, 100, size // 7, size // 3, size // 2, size * 2 // 3, size - 100, size - 10, size - 3})


@pytest.mark.parametrize("fmt", SAMPLE_IDS)
def test_truncated(fmt: str) -> None:
    name, data = SAMPLES[fmt]
    whole = content(parse_bytes(data, name))
    for cut in _cuts(len(data)):
        result = outcome(data[:cut], name)
        if data[:cut].strip() == data.strip():
            assert not isinstance(result, ParseError) and content(result) == whole
        elif fmt.endswith("json") or fmt.endswith("xml"):
            # A cut JSON or XML document is not the record any more: at most a partial study, with a warning.
            refused_or_warned(result, name, TRUNCATED)
        elif isinstance(result, ParseError):
            refused(result, name, (*TRUNCATED, "empty"))


@pytest.mark.parametrize("path", [JSON_PAGE, XML_FILE], ids=["json", "xml"])
def test_truncated_at_every_line(path: Path) -> None:
    data = path.read_bytes()
    for cut in [m.start() for m in re.finditer(b"\n", data)][:-1]:
        refused_or_warned(outcome(data[:cut], path.name, seconds=5), path.name, TRUNCATED)


# --- nesting -------------------------------------------------------------------------------------------

DEEP = 100_000


@pytest.mark.parametrize(
    "data",
    [
        b"[" * DEEP + b"]" * DEEP,
        b"[" * DEEP,
        b'{"protocolSection": {}, "x": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        b'{"protocolSection": {"identificationModule": {"nctId": "NCT00000001", "briefTitle": %s}}}'
        % (b'{"a": ' * DEEP + b"1" + b"}" * DEEP),
        b'{"studies": [' + b"[" * DEEP + b"]" * DEEP + b'], "x": "protocolSection"}',
        b'{"id": "NCT00000001", "registry": "x", "source": ' + b"[" * DEEP + b"]" * DEEP + b"}\n",
    ],
    ids=["bare", "unclosed", "beside-study", "in-field", "in-page", "jsonl"],
)
def test_deeply_nested_json(data: bytes) -> None:
    refused(outcome(data, "deep.json"), "deep.json", ("nest", "deep", "recursion", *TRUNCATED))


@pytest.mark.parametrize("where", ["root", "field", "unclosed"])
def test_deeply_nested_xml(where: str) -> None:
    head = b'<?xml version="1.0"?>\n<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>'
    if where == "root":
        data = head + b"<a>" * DEEP + b"</a>" * DEEP + b"</clinical_study>"
    elif where == "field":
        data = head + b"<brief_title>" + b"<b>" * DEEP + b"x" + b"</b>" * DEEP + b"</brief_title></clinical_study>"
    else:
        data = head + b"<a>" * DEEP
    result = outcome(data, "deep.xml")
    if where == "unclosed":
        refused(result, "deep.xml", TRUNCATED)
    else:  # well-formed: the C tree builder does not recurse, so deep nesting costs nothing and the record opens
        assert not isinstance(result, ParseError) and [s.id for s in result] == ["NCT00000001"]


# --- size limits ---------------------------------------------------------------------------------------


def test_oversized_bytes() -> None:
    data = JSON_FILE.read_bytes()
    with pytest.raises(ParseError) as info:
        loader.parse_bytes(data, "big.json", Policy(max_file_bytes=1024))
    refused(info.value, "big.json", ("too large",))


def test_oversized_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:  # sparse: no disk space used
        handle.write(b'{"protocolSection": {')
        handle.truncate(INTERACTIVE.max_file_bytes + 1)
    with pytest.raises(ParseError) as info, bounded(memory=64 * MIB):
        read_file(path)
    refused(info.value, str(path), ("too large",))
    [result] = list(load_paths([path]))
    refused(result.error, str(path), ("too large",))  # type: ignore[arg-type]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_not_read_to_the_end() -> None:
    with pytest.raises(ParseError) as info, bounded(seconds=10, memory=256 * MIB):
        read_file("/dev/zero", Policy(max_file_bytes=MIB))
    assert "/dev/zero" in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with bounded(seconds=3):
        results = list(load_paths([tmp_path]))
    assert [r.name for r in results] == [str(fifo)] and results[0].error is not None


# --- paths: missing, folders, permissions --------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(ParseError) as info:
        read_file(path)
    refused(info.value, str(path), ("cannot be read", "no such", "not found", "does not exist"))
    [result] = list(load_paths([path]))
    refused(result.error, str(path), ("cannot be read", "no such", "not found", "does not exist"))  # type: ignore[arg-type]
    [result] = list(load_paths([tmp_path / "nope.zip"]))
    assert result.error is not None and "nope.zip" in str(result.error)


def test_folder_given_to_read_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        read_file(tmp_path)
    refused(info.value, str(tmp_path), ("folder", "directory"))


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.json"
    path.write_bytes(JSON_FILE.read_bytes())
    path.chmod(0)
    try:
        try:
            path.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("this user can read a file with mode 000 (root)")
        with pytest.raises(ParseError) as info:
            read_file(path)
        refused(info.value, str(path), ("cannot be read", "permission"))
        [result] = list(load_paths([path]))
        assert result.error is not None
    finally:
        path.chmod(0o600)


def _tree(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_folder_mixing_good_and_bad(tmp_path: Path) -> None:
    good = JSON_FILE.read_bytes()
    _tree(
        tmp_path,
        {
            "a_good.json": good,
            "b_empty.json": b"",
            "c_noise.bin": random.Random(1).randbytes(500),
            "d_page.json": JSON_PAGE.read_bytes(),
            "e_record.xml": XML_FILE.read_bytes(),
            "f_not_study.json": b"{}",
            ".hidden.json": b"",
            "sub/g_truncated.json": good[: len(good) // 2],
            "sub/h_seed.txt": (SEEDS / "000_9a8944e657c20510.txt").read_bytes(),
            "sub/.git/config": b"[core]",
            "sub/deeper/i_good.json": good,
            "sub/j_records.zip": _zip_bytes({"y_bad.json": b"[]", "x_good.json": good}),
        },
    )
    with bounded():
        results = list(load_paths([tmp_path]))
    names = [Path(r.name).relative_to(tmp_path).as_posix() for r in results]
    assert names == [
        "a_good.json", "b_empty.json", "c_noise.bin", "d_page.json", "e_record.xml", "f_not_study.json",
        "sub/g_truncated.json", "sub/h_seed.txt", "sub/j_records.zip!x_good.json", "sub/j_records.zip!y_bad.json",
        "sub/deeper/i_good.json",
    ]  # fmt: skip
    assert [r.ok for r in results] == [True, False, False, True, True, False, False, True, True, False, True]
    assert [len(r.studies) for r in results] == [1, 0, 0, 2, 1, 0, 0, 1, 1, 0, 1]
    for result in results:
        if result.error is not None:
            assert result.error.file == result.name and result.name in str(result.error)


def test_zip_with_good_bad_and_nested_members(tmp_path: Path) -> None:
    good = JSON_FILE.read_bytes()
    archive = tmp_path / "records.zip"
    archive.write_bytes(
        _zip_bytes(
            {
                "nested/deeper/d_empty.txt": b"",
                "a_good.json": good,
                "nested/": b"",
                "b_bad.json": good[:100],
                "nested/c_record.xml": XML_FILE.read_bytes(),
                "__MACOSX/._a_good.json": b"\x00\x05\x16\x07",
                ".DS_Store": b"\x00\x00\x00\x01Bud1",
                "nested/e_noise.bin": random.Random(2).randbytes(300),
            }
        )
    )
    with bounded():
        results = list(load_paths([archive]))
    assert [r.name.split("!", 1)[1] for r in results] == [
        "a_good.json", "b_bad.json", "nested/c_record.xml", "nested/deeper/d_empty.txt", "nested/e_noise.bin",
    ]  # fmt: skip
    assert [r.ok for r in results] == [True, False, True, False, False]
    assert all(r.name.startswith(f"{archive}!") for r in results)
    for result in results:
        if result.error is not None:
            assert result.name in str(result.error)


def test_zip_of_garbage(tmp_path: Path) -> None:
    rng = random.Random(3)
    archive = tmp_path / "garbage.zip"
    archive.write_bytes(_zip_bytes({f"{i}.json": rng.randbytes(200 * (i + 1)) for i in range(4)}))
    results = list(load_paths([archive]))
    assert len(results) == 4 and not any(r.ok for r in results)
    for result in results:
        refused(result.error, result.name, ("binary", "not valid", *REFUSED))  # type: ignore[arg-type]


def _listing(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


def test_zip_members_with_unsafe_paths_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    archive = work / "evil.zip"
    good = JSON_FILE.read_bytes()
    archive.write_bytes(_zip_bytes({"../../x.json": good, "/tmp/abs_evil.json": good}))
    before, tmp_before = _listing(tmp_path), Path("/tmp/abs_evil.json").exists()
    results = list(load_paths([archive]))
    assert _listing(tmp_path) == before
    assert Path("/tmp/abs_evil.json").exists() == tmp_before
    assert [r.name.split("!", 1)[1] for r in results] == ["../../x.json", "/tmp/abs_evil.json"]
    for result in results:
        refused(result.error, result.name, ("absolute", ".."))  # type: ignore[arg-type]


def test_corrupt_zip_archives(tmp_path: Path) -> None:
    whole = _zip_bytes({"a.json": JSON_FILE.read_bytes(), "b.json": JSON_PAGE.read_bytes()})
    cases = {
        "magic_only.zip": b"PK\x03\x04" + random.Random(4).randbytes(200),
        "half.zip": whole[: len(whole) // 2],
        "named_zip.zip": JSON_FILE.read_bytes(),
        "empty.zip": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        [result] = list(load_paths([tmp_path / name]))
        refused(result.error, str(tmp_path / name), ("zip", "archive"))  # type: ignore[arg-type]


def _corrupt_first_member(data: bytes, method: int) -> bytes:
    # Past the local header (30 bytes + name) and the LZMA properties (9 bytes): damage the stream itself.
    raw = bytearray(data)
    start = 30 + len("a.json") + 16
    for i in range(start, start + 64):
        raw[i] ^= 0x5A
    return bytes(raw)


@pytest.mark.parametrize(
    "method",
    [
        zipfile.ZIP_STORED,
        zipfile.ZIP_DEFLATED,
        zipfile.ZIP_BZIP2,
        zipfile.ZIP_LZMA,
    ],
    ids=["stored", "deflated", "bzip2", "lzma"],
)
def test_zip_with_corrupt_member_data(tmp_path: Path, method: int) -> None:
    good = JSON_FILE.read_bytes()
    archive = tmp_path / "corrupt.zip"
    archive.write_bytes(_corrupt_first_member(_zip_bytes({"a.json": good, "b.json": good}, method), method))
    with bounded():
        results = list(load_paths([archive]))
    assert [r.name.split("!", 1)[1] for r in results] == ["a.json", "b.json"]
    assert results[0].error is not None and results[0].name in str(results[0].error)
    assert results[1].ok


def test_zip_member_over_the_limit(tmp_path: Path) -> None:
    archive = tmp_path / "big.zip"
    archive.write_bytes(_zip_bytes({"big.json": b" " * 8192 + JSON_FILE.read_bytes(), "small.json": b"{}"}))
    results = list(load_paths([archive], policy=Policy(max_file_bytes=4096)))
    refused(results[0].error, results[0].name, ("too large",))  # type: ignore[arg-type]
    assert results[1].error is not None


def test_zip_member_lying_about_its_size(tmp_path: Path) -> None:
    # 64 MiB of zeros said to be 100 bytes: memory stays within the file limit whatever the header claims.
    data = bytearray(_zip_bytes({"bomb.json": bytes(64 * MIB)}))
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 100)
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(bytes(data))
    with bounded(memory=48 * MIB):
        [result] = list(load_paths([archive], policy=Policy(max_file_bytes=MIB)))
    assert result.error is not None and result.name in str(result.error)


# --- pathological text: bounded time -------------------------------------------------------------------


def _study_with_criteria(criteria: str) -> bytes:
    import json

    record = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": "Pathological criteria"},
            "eligibilityModule": {"eligibilityCriteria": criteria},
        }
    }
    return json.dumps(record).encode()


# Each hostile criteria text with a benign one of the same size that takes the linear path: the hostile one
# may cost a few times more, not orders of magnitude (quadratic work on megabytes is a hang to the user).
PATHOLOGICAL: dict[str, tuple[Callable[[], str], Callable[[], str]]] = {
    # 20 000 hard-wrapped lines of one criterion (10 MB) vs. the same lines as separate paragraphs.
    "wrapped-lines": (lambda: "\n".join(["x" * 500] * 20_000), lambda: "\n\n".join(["x" * 500] * 20_000)),
    # A 96 kB paragraph with 8 000 abbreviations that do not end a sentence vs. 8 000 short sentences.
    "abbreviations": (lambda: "see Dr. Who " * 8_000, lambda: "See a Who. " * 8_000),
    # 2 000 bullets, each indented one column deeper than the one before vs. all at one level.
    "staircase": (lambda: "\n".join(" " * i + "- item" for i in range(2_000)), lambda: "- item\n" * 2_000),
    # 20 000 inline bullets on one line vs. on lines of their own.
    "inline-bullets": (lambda: "Patients: • " + "a • " * 20_000, lambda: "Patients:\n" + "• a\n" * 20_000),
    "semicolons": (lambda: "Adults; " * 30_000, lambda: "Adults. " * 30_000),
}


def _seconds(data: bytes, limit: float) -> float:
    start = time.perf_counter()
    result = outcome(data, "criteria.json", seconds=limit)
    if isinstance(result, ParseError):
        refused(result, "criteria.json", ("nest", "deep", "too"))
    return time.perf_counter() - start


@pytest.mark.parametrize("case", list(PATHOLOGICAL))
def test_pathological_criteria_never_hang(case: str) -> None:
    """A hang detector, not a speed check: the budget is fifty times a same-sized harmless text, plus 5 s."""
    hostile, benign = (_study_with_criteria(make()) for make in PATHOLOGICAL[case])
    baseline = min(_seconds(benign, 20) for _ in range(2))
    budget = 50 * baseline + 5
    assert _seconds(hostile, budget) < budget


# --- what opens must also export -----------------------------------------------------------------------


def test_lone_surrogate_escape_opens_with_a_warning_and_exports() -> None:
    data = b'{"protocolSection": {"identificationModule": {"nctId": "NCT00000001", "briefTitle": "a\\ud800b"}}}'
    result = outcome(data, "surrogate.json")
    assert not isinstance(result, ParseError)
    [study] = result
    assert study.summary.brief_title == "a\ufffdb" and "surrogate" in study.source.warnings[0]
    study.model_dump_json()
