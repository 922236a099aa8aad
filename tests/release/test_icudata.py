"""packaging/icudata.py: ICU's data package cut to what Qt uses, and Qt's ICU paths still answering."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import icudata
import pytest


def _package(items: dict[str, bytes]) -> bytes:
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + struct.pack("<HHBBBB", 20, 0, 0, 0, 2, 0) + b"CmnD"
    header += b"\x01\x00\x00\x00" + b"\x00" * 4
    header += b"\x00" * (32 - len(header))
    return icudata.write_package(header, "icudt73l", items.items())


def test_a_package_reads_back_as_written_in_name_order() -> None:
    items = {"zone/en.res": b"z" * 5, "coll/root.res": b"c" * 40, "af.res": b"a" * 17}
    header, prefix, read = icudata.read_package(_package(items))
    assert prefix == "icudt73l" and len(header) == 32
    assert [name for name, _ in read] == ["af.res", "coll/root.res", "zone/en.res"]
    assert {name: blob.rstrip(b"\0") for name, blob in read} == items


def test_the_cut_keeps_what_qt_reads() -> None:
    keep = ["coll/root.res", "coll/ucadata.icu", "coll/de.res", "coll/sv.res", "coll/zh_Hant.res",
            "zone/root.res", "zone/en_GB.res", "zone/pool.res", "root.res", "en.res", "en_US_POSIX.res",
            "pool.res", "zoneinfo64.res", "metaZones.res", "cnvalias.icu", "nfkc.nrm", "likelySubtags.res",
            "supplementalData.res"]  # fmt: skip
    drop = ["coll/zh.res", "coll/ja.res", "coll/ko.res", "zone/de.res", "lang/de.res", "curr/en.res",
            "brkitr/cjdict.dict", "translit/root.res", "de.res", "zh_Hant_TW.res", "unames.icu", "rfc3491.spp",
            "confusables.cfu"]  # fmt: skip
    assert all(icudata.keep(name, 1000) for name in keep)
    assert not any(icudata.keep(name, 1000) for name in drop)
    assert icudata.keep("ibm-5348_P100-1997.cnv", 2_000) and not icudata.keep("gb18030.cnv", 232_816)


def _qt_icu_data() -> Path | None:
    import PySide6

    lib = Path(PySide6.__file__).parent / "Qt" / "lib" / "libicudata.so.73"
    tools = all(shutil.which(tool) for tool in ("objdump", "as", "ld"))
    return lib if sys.platform.startswith("linux") and lib.is_file() and tools else None


PROBE = """
import functools, json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
words = ["zebra", "Ähre", "apple", "Öl", "ångström", "Zürich", "東京", "北京", "서울", "ob", "Oz"]
out = {}
for name in ("en_US", "de_DE", "sv_SE", "fr_FR", "tr_TR", "zh_CN", "ja_JP"):
    collator = QCollator(QLocale(name))
    out[name] = sorted(words, key=functools.cmp_to_key(collator.compare))
zone = QTimeZone(b"Europe/Berlin")
out["zone"] = [zone.isValid(), zone.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                                QLocale("en_US"))]
out["codecs"] = [QStringDecoder(n).isValid() for n in ("windows-1252", "ISO-8859-15", "KOI8-R", "IBM037")]
out["upper"] = QLocale("tr_TR").toUpper("istanbul")
maps = open("/proc/self/maps", encoding="utf-8").read().splitlines()
out["loaded"] = next(line.split()[-1] for line in maps if "libicudata" in line)
print(json.dumps(out))
"""


@pytest.mark.slow
def test_qt_sorts_names_zones_and_codecs_as_before_on_the_cut_data(tmp_path: Path) -> None:
    library = _qt_icu_data()
    if library is None:
        pytest.skip("needs Linux, PySide6's libicudata.so.73 and binutils (objdump, as, ld)")
    cut = icudata.trim_library(library, tmp_path)
    assert cut.stat().st_size < library.stat().st_size / 4
    runs = {}
    for name, extra in (("full", {}), ("cut", {"LD_LIBRARY_PATH": str(tmp_path)})):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}
        done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        runs[name] = json.loads(done.stdout)
    assert runs["cut"].pop("loaded") == str(cut) and runs["full"].pop("loaded") == str(library)
    for cjk in ("zh_CN", "ja_JP"):  # their large tailorings are left out: root order, the same words
        assert sorted(runs["cut"].pop(cjk)) == sorted(runs["full"].pop(cjk))
    assert runs["cut"] == runs["full"]
    assert runs["cut"]["zone"] == [True, "Central European Standard Time"] and runs["cut"]["upper"] == "İSTANBUL"
    assert all(runs["cut"]["codecs"])
