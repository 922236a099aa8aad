"""ICU's data, cut to what Qt uses: the largest single file of the bundle drops from 31 MB to about 6 MB.

PySide6's Qt links ICU 73, whose data library (libicudata.so.73) is one symbol, `icudt73_dat`, holding a
"common data" package of ~3,900 items: every locale's names of languages, currencies, units and time
zones, dictionaries for line breaking in Thai and Chinese, transliterators, number spell-out rules, 190
converter tables. Qt 6 calls ICU for four things only (the ICU symbols libQt6Core imports): case mapping
(u_strToUpper/Lower: tables compiled into libicuuc), collation (ucol_*: QCollator, which sorts the file
dialog), time zone ids and display names (ucal_*), and converters for legacy encodings asked for by name
(ucnv_*). So keep() below keeps collation (but for three large CJK tailorings), the time zone tables with
root and English names, the single-byte converter tables, and the non-locale tables any of these read;
everything else goes.

The package is rewritten item by item (the format is ICU's udata "CmnD" package: a header, a sorted table
of contents, 16-byte aligned items) and linked back into a library of the same name and symbol with
binutils' `as` and `ld` (PyInstaller needs binutils on Linux anyway). build.spec swaps it in; tests in
tests/release/test_icudata.py run Qt's ICU paths against the cut data.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9]+)*\.res$")
_ENGLISH = re.compile(r"^(?:root|en(?:_[A-Za-z0-9]+)*)\.res$")
# The three collation tailorings over 100 KiB (1.1 MB together): Chinese pinyin/stroke, Korean and Japanese
# orders. Without them those locales sort by the root (Unicode) order; the viewer itself sorts without
# QCollator, so this reaches only the order of names in Qt's file dialog. Left out to make room for the
# search index's engine (tantivy, 12 MB) under the 100 MB aim.
LARGE_TAILORINGS = frozenset({"zh.res", "ja.res", "ko.res"})
SMALL_CONVERTER = 32 * 1024  # single-byte tables are 2-20 KiB; multi-byte (CJK, EBCDIC DBCS) 50-550 KiB


def keep(name: str, size: int) -> bool:
    """Whether the item `name` (without the package prefix, e.g. "coll/de.res") stays; `size` in bytes."""
    folder, _, leaf = name.rpartition("/")
    if folder == "coll":  # QCollator (the file dialog's sort): the root order and the languages' tailorings,
        return leaf not in LARGE_TAILORINGS
    if folder == "zone":  # QTimeZone display names: root and English; the folder's pool and index
        return bool(_ENGLISH.match(leaf)) or leaf in {"pool.res", "res_index.res", "tzdbNames.res"}
    if folder:  # brkitr, curr, lang, region, unit, translit, rbnf: not used by Qt
        return False
    if leaf.endswith(".cnv"):  # QStringConverter by name: single-byte tables (Windows, ISO 8859, KOI8, ...)
        return size < SMALL_CONVERTER
    if leaf.endswith((".spp", ".cfu")) or leaf == "unames.icu":  # StringPrep, confusables, character names
        return False
    if leaf.endswith(".res") and _LOCALE.match(leaf) and leaf != "root.res":
        return bool(_ENGLISH.match(leaf))  # each locale's own data: Qt formats dates and numbers itself
    return True  # the tables: pool, likely subtags, supplemental data, zoneinfo64, converter aliases, ...


def read_package(data: bytes) -> tuple[bytes, str, list[tuple[str, bytes]]]:
    """(header, item name prefix like "icudt73l", [(name without prefix, item bytes)]) of a CmnD package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    if data[8] != 0:
        raise ValueError("big-endian ICU data is not supported")
    toc = header_size
    (count,) = struct.unpack_from("<I", data, toc)
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    names = [data[toc + n : data.index(b"\0", toc + n)].decode("ascii") for n, _ in entries]
    prefix = names[0].split("/", 1)[0]
    bounds = [toc + offset for _, offset in entries] + [len(data)]
    items = [(name.split("/", 1)[1], data[bounds[i] : bounds[i + 1]]) for i, name in enumerate(names)]
    return data[:header_size], prefix, items


def write_package(header: bytes, prefix: str, items: Iterable[tuple[str, bytes]]) -> bytes:
    """A CmnD package of `items` (kept in name order, as ICU's binary search needs)."""
    items = sorted(items, key=lambda item: f"{prefix}/{item[0]}".encode("ascii"))
    names = b"".join(f"{prefix}/{name}".encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    name_start = toc_size
    data_start = _align(name_start + len(names))
    table = bytearray(struct.pack("<I", len(items)))
    name_offset, data_offset, body = name_start, data_start, bytearray()
    for name, blob in items:
        table += struct.pack("<II", name_offset, data_offset)
        name_offset += len(prefix) + 1 + len(name) + 1
        padded = blob + b"\0" * (_align(len(blob)) - len(blob))
        body += padded
        data_offset += len(padded)
    toc = bytes(table) + names
    return header + toc + b"\0" * (data_start - len(toc)) + bytes(body)


def _align(n: int) -> int:
    return (n + 15) & ~15


def trimmed(data: bytes) -> bytes:
    header, prefix, items = read_package(data)
    return write_package(header, prefix, [(name, blob) for name, blob in items if keep(name, len(blob))])


def extract(library: Path) -> tuple[str, bytes]:
    """(symbol, package bytes) of an ICU data library, located through `objdump` (its one exported symbol)."""
    symbols = subprocess.run(["objdump", "-T", str(library)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^([0-9a-f]+)\s.*\s([0-9a-f]+)\s+(icudt\d+_dat)\s*$", symbols, re.M)
    if found is None:
        raise ValueError(f"{library}: no icudt*_dat symbol")
    address, size, symbol = int(found.group(1), 16), int(found.group(2), 16), found.group(3)
    sections = subprocess.run(["objdump", "-h", str(library)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[0].isdigit():
            vma, offset, length = int(parts[3], 16), int(parts[5], 16), int(parts[2], 16)
            if vma <= address < vma + length:
                blob = library.read_bytes()[offset + address - vma : offset + address - vma + size]
                return symbol, blob
    raise ValueError(f"{library}: {symbol} is in no section")


def link(package: bytes, symbol: str, soname: str, out: Path) -> Path:
    """A shared library named `soname` exporting `symbol` = `package`, linked with binutils."""
    out.parent.mkdir(parents=True, exist_ok=True)
    dat = out.with_name(f"{symbol}.dat")
    dat.write_bytes(package)
    asm = out.with_name(f"{symbol}.s")
    asm.write_text(
        "\t.section .rodata\n\t.balign 16\n"
        f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.size {symbol}, {len(package)}\n"
        f'{symbol}:\n\t.incbin "{dat}"\n'
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    obj = out.with_name(f"{symbol}.o")
    subprocess.run(["as", "-o", str(obj), str(asm)], check=True)
    subprocess.run(["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", str(out), str(obj)], check=True)
    return out


def trim_library(library: Path, out_dir: Path) -> Path:
    """The cut copy of ICU data library `library`, as `out_dir`/<same file name>."""
    symbol, package = extract(library)
    return link(trimmed(package), symbol, library.name, out_dir / library.name)


if __name__ == "__main__":  # python packaging/icudata.py LIBICUDATA OUT_DIR: what stays, and its size
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    result = trim_library(source, target)
    print(f"{source.name}: {source.stat().st_size / 1e6:.1f} MB -> {result.stat().st_size / 1e6:.1f} MB ({result})")
