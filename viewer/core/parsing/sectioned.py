"""Section-coded text ("A.3 Full title of the trial: ...") read into fields, also where its line breaks were lost.

The EU Clinical Trials Register writes every field on a line of its own, behind its section code; values run on
over the following lines. Some copies come with every line break removed ("...CorticosteroidsA.3.1 Title of...");
those are cut back into lines at the section codes. Both are read lazily: one line at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from viewer.core import normalize as n
from viewer.core.parsing.textlines import iter_lines

# "E.5.1.1", "D.IMP", "B.3.1 and B.3.2", "D.3.8 to D.3.10", and the letter alone ("N. ", "P. ") before a word.
_CODE = (
    r"(?:[A-H]\.(?:\d{1,2}(?:\.\d{1,2}){0,5}|IMP)(?:\s+(?:and|to)\s+[A-H]\.\d{1,2}(?:\.\d{1,2}){0,5})?"
    r"|[A-HNP]\.(?= [A-Z]))"
)
_CODE_LINE = re.compile(rf"^(?P<code>{_CODE})(?:[ \t]+|(?=:))(?P<rest>.*)$")
_LANG = re.compile(r"\s\(([a-z]{2})\)$")
_ORDER = "ABCDEFGHNP"
_COLON_LABELS = ("Ethics Committee Opinion: Reason(s) for unfavourable opinion",)
_HEADER_LABEL = re.compile(r"^(?P<label>[A-Z][^:]{0,100}):[ \t]*(?P<value>.*)$")
_SECTION_START = "Summary"
_BODY_START = "A. Protocol Information"
_MARKERS = re.compile(r"^(?:Sponsor \d+|MedDRA Classification)$")

# Where a flattened download is cut back into lines.
_FLAT_SECTION = re.compile(r"Summary(?=EudraCT Number:)")
_FLAT_HEADER = re.compile(
    r"(?=((?:EudraCT Number|Sponsor's Protocol Code Number|National Competent Authority|Clinical Trial Type"
    r"|Trial Status|Date on which this record was first entered in the EudraCT database|Link|Trial results):))"
)
_FLAT_BODY = re.compile(
    r"(?=([A-H]\.\d{1,2}(?:\.\d{1,2}){0,5}(?: (?:and|to) [A-H]\.\d{1,2}(?:\.\d{1,2}){0,5})?[ \t][A-Z(]"
    r"|[A-HNP]\. (?:Protocol Information|Sponsor Information|Applicant Identification|IMP Identification"
    r"|General Information on the Trial|Population of Trial Subjects|Investigator Networks|Third Country"
    r"|Review by the|End of Trial|Competent Authority|Date of|Ethics Committee)"
    r"|D\.IMP: |D\.8 Placebo: |MedDRA Classification|Sponsor \d+(?=B\.1)))"
)
_FLAT_PROBE = re.compile(r"[A-H]\.\d{1,2}(?:\.\d{1,2}){0,5} [A-Z]")


@dataclass(frozen=True)
class Entry:
    """One field: its code ("E.3"; "" in the summary block), label, translation language and value."""

    code: str
    label: str
    lang: str | None
    value: str | None


@dataclass
class Section:
    """One block of a download from "Summary" to the next: one trial as one member state records it."""

    entries: list[Entry] = field(default_factory=list)

    def get(self, code: str, label: str | None = None) -> str | None:
        """The first value of a field (in English); `label` narrows fields sharing a code (a prefix, any case)."""
        for entry in self.all_entries(code, label):
            if entry.value:
                return entry.value
        return None

    def all_entries(self, code: str, label: str | None = None) -> Iterator[Entry]:
        low = label.lower() if label else None
        for entry in self.entries:
            if entry.code == code and entry.lang is None and (low is None or entry.label.lower().startswith(low)):
                yield entry

    def values(self, code: str, label: str | None = None) -> list[str]:
        return [e.value for e in self.all_entries(code, label) if e.value]


def is_flat(text: str) -> bool:
    """Whether a download lost its line breaks: field codes are there, but none starts a line."""
    probe = text[:200_000]
    if "SummaryEudraCT Number:" in probe:
        return True
    if len(_FLAT_PROBE.findall(probe)) < 3:
        return False
    return re.search(r"(?m)^[A-H]\.\d{1,2}(?:\.\d{1,2}){0,5} [A-Z]", probe) is None


def lines(text: str) -> Iterator[str]:
    """The text's lines, lazily, whatever its line ends; trailing blanks removed, runs of blank lines as one."""
    return iter_lines(text)


def flat_lines(text: str) -> Iterator[str]:
    """A download with its line breaks lost, cut at its section codes into one field per line."""
    starts = [m.start() for m in _FLAT_SECTION.finditer(text)]
    if not starts or starts[0] > 0:
        starts.insert(0, 0)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end]
        if chunk.startswith("Summary"):
            yield "Summary"
            chunk = chunk[len("Summary") :]
        body_at = chunk.find(_BODY_START)
        header, body = (chunk, "") if body_at < 0 else (chunk[:body_at], chunk[body_at:])
        yield from _cut(header, _FLAT_HEADER)
        yield from _cut(body, _FLAT_BODY)


def _cut(text: str, boundary: re.Pattern[str]) -> Iterator[str]:
    """Pieces of `text` starting at each boundary (none inside the code just cut at: "D.1.2 and D.1.3")."""
    start = 0
    inside = 0
    for match in boundary.finditer(text):
        if match.start() < inside:
            continue
        inside = match.end(1)
        if match.start() > start:
            yield "\x00" + text[start : match.start()]  # NUL: glued to its neighbour when it is no field
        start = match.start()
    if start < len(text):
        yield "\x00" + text[start:]


def sections(rows: Iterator[str]) -> Iterator[Section]:
    """Fields grouped into sections, one section at a time."""
    section = Section()
    current: list[list[str]] | None = None  # lines, each as the pieces a flattened download glues together
    key: tuple[str, str, str | None] = ("", "", None)
    in_header = False
    letter = 0
    started = False

    def close() -> None:
        nonlocal current
        if current is not None:
            section.entries.append(Entry(key[0], key[1], key[2], _tidy(["".join(parts) for parts in current])))
        current = None

    for raw in rows:
        flat = raw.startswith("\x00")
        line = raw[1:] if flat else raw
        stripped = line.strip()
        if stripped == _SECTION_START:
            close()
            if started and section.entries:
                yield section
            section, started, in_header, letter = Section(), True, True, 0
            continue
        if stripped.startswith(_BODY_START):
            close()
            in_header = False
            letter = 0
            continue
        if _MARKERS.match(stripped):
            close()
            section.entries.append(Entry("", stripped, None, None))
            continue
        parsed = _field(stripped, letter) if stripped else None
        if parsed is None and in_header and (m := _HEADER_LABEL.match(stripped)):
            parsed = ("", m.group("label").strip(), m.group("value"))
        if parsed is not None:
            close()
            code, label, value = parsed
            if code:
                letter = max(letter, _ORDER.index(code[0]))
                in_header = False
            lang = _LANG.search(label)
            key = (code, _LANG.sub("", label).strip() if lang else label, lang.group(1) if lang else None)
            current = [[value]] if value is not None else []
            if value is None:
                close()
            started = True
            continue
        if current is not None:
            if flat and current:
                current[-1].append(line)
            else:
                current.append([line])
        elif stripped and section.entries and section.entries[-1].value is None and not flat:
            continue  # text under a heading without a field: nothing to attach it to
    close()
    if section.entries:
        yield section


def _field(line: str, letter: int) -> tuple[str, str, str | None] | None:
    """(code, label, value or None for a heading) when `line` starts a field that may come here."""
    match = _CODE_LINE.match(line)
    if not match:
        return None
    code, rest = match.group("code"), match.group("rest")
    if _ORDER.index(code[0]) < letter:
        return None  # "A.1 ..." inside the criteria of section E is text, not a field: sections only go forward
    if code == "D.IMP" or rest.startswith(":"):
        return code, code.rpartition(".")[2] if code.endswith("IMP") else "", rest[1:].strip()
    for label in _COLON_LABELS:
        if rest.startswith(label):
            return code, label, rest[len(label) :].lstrip(": ")
    label, colon, value = rest.partition(":")
    if not colon:
        label, mark, value = rest.partition("?")
        if mark:
            return code, label.strip() + "?", value.strip()
        if rest[:1].isupper() and len(rest) <= 160:
            return code, rest.strip(), None
        return None
    return code, label.strip(), value.strip()


def _tidy(parts: list[str]) -> str | None:
    if not parts:
        return None
    if len(parts) == 1:
        # Stripped, not collapsed: a download that lost its line breaks keeps its list indentation in the runs of
        # spaces, which is all there is to put the lines back with.
        return parts[0].replace("\t", " ").strip() or None
    return n.clean_block("\n".join(parts))
