"""Text of a ClinicalTrials.gov study page copied from a browser (classic and newer layouts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from viewer.core import extra_keys as K
from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.model import Study
from viewer.core.parsers.base import Format, make_study
from viewer.core.parsing import ctgov_page_new
from viewer.core.parsing.pagetext import (
    age_range,
    label_value,
    parse_address,
    split_conditions,
    split_intervention_line,
)
from viewer.core.parsing.patterns import NCT as _NCT
from viewer.core.parsing.patterns import is_phone
from viewer.core.parsing.textlines import lines as split_lines

NAME = "ctgov-page-text"

# Lines that end a free-text block in the classic layout.
_STOPS = (
    "Condition or disease", "Layout table for", "Study Design", "Arms and Interventions", "Outcome Measures",
    "Eligibility Criteria", "Contacts and Locations", "More Information", "Information from the National Library",
    "Detailed Description:", "Choosing to participate", "Sponsors and Collaborators", "Go to", "Publications",
    "Primary Outcome Measures", "Secondary Outcome Measures", "Other Outcome Measures",
)  # fmt: skip
_INFO_LABELS = (
    "Study Type", "Actual Enrollment", "Estimated Enrollment", "Anticipated Enrollment", "Enrollment",
    "Allocation", "Intervention Model Description", "Intervention Model", "Masking Description", "Masking",
    "Primary Purpose", "Official Title", "Actual Study Start Date", "Estimated Study Start Date", "Study Start Date",
    "Actual Primary Completion Date", "Estimated Primary Completion Date", "Primary Completion Date",
    "Actual Study Completion Date", "Estimated Study Completion Date", "Study Completion Date",
    "Observational Model", "Time Perspective", "Number of Arms", "Biospecimen Retention", "Target Follow-Up Duration",
    "Recruitment Status", "First Posted", "Results First Posted", "Last Update Posted", "Last Verified",
    "Ages Eligible for Study", "Sexes Eligible for Study", "Genders Eligible for Study", "Gender Eligible for Study",
    "Accepts Healthy Volunteers", "Sampling Method", "Responsible Party", "Other Study ID Numbers",
    "Sponsor", "Collaborators", "Collaborator", "Information provided by (Responsible Party)", "Study Acronym",
    "Acronym", "Brief Title", "ClinicalTrials.gov Identifier", "Keywords provided by", "Plan to Share IPD",
    "Studies a U.S. FDA-regulated Drug Product", "Studies a U.S. FDA-regulated Device Product", "Why Stopped",
)  # fmt: skip


_ELIGIBILITY_FACTS = (
    "Layout table for eligibility information", "Ages Eligible for Study", "Sexes Eligible for Study",
    "Genders Eligible for Study", "Gender Eligible for Study", "Accepts Healthy Volunteers", "Sampling Method",
)  # fmt: skip


_CLASSIC_FACTS = ("Recruitment Status :", "First Posted :", "Last Update Posted :", "Sponsor:", "Brief Summary:",
                  "Information provided by", "Layout table for")  # fmt: skip
_NEW_FACTS = ("Study Overview", "Brief Summary", "Participation Criteria", "Study Details", "Conditions")


def score(head: str) -> int:
    """A study page needs its id and at least two of the page's own headings or labels in the head.

    An id alone is not a study: a 200 MB text with one "Identifier: NCT99999999" line is not a page.
    """
    if head.startswith(("<", "{", "[")) or not _NCT.search(head):
        return 0
    if "Identifier: NCT" in head or "ClinicalTrials.gov Identifier" in head:
        return 80 if sum(m in head for m in _CLASSIC_FACTS) >= 2 else 0
    if "ClinicalTrials.gov ID" in head:
        return 80 if sum(m in head for m in _NEW_FACTS) >= 2 else 0
    return 0


def parse(doc: Document) -> Iterator[Study]:
    warnings: list[str] = []
    if ctgov_page_new.is_new_layout(doc.text):
        fields = ctgov_page_new.fields(doc.text, warnings, doc.name)
    else:
        page = _Page(split_lines(doc.text))
        fields = page.fields(doc)
        warnings = page.warnings
    if not (fields["summary"]["brief_title"] or fields["summary"]["official_title"]) or not (
        fields["summary"]["brief_summary"] or fields["eligibility"]["criteria_text"] or fields["summary"]["conditions"]
    ):
        raise doc.fail("ClinicalTrials.gov page text without the study's title and sections (summary, eligibility)")
    yield make_study(doc, NAME, 0, fields, warnings)


class _Page:
    """A cursor over the page's lines with the lookups the classic layout needs."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.stripped = [n.clean(line) or "" for line in lines]
        self.warnings: list[str] = []
        self.info: dict[str, str] = {}
        for text in self.stripped:
            found = label_value(text, _INFO_LABELS)
            if found and found[0] not in self.info and found[1]:
                self.info[found[0]] = found[1]

    def index(self, predicate: str, start: int = 0) -> int:
        for i in range(start, len(self.stripped)):
            if self.stripped[i].startswith(predicate):
                return i
        return -1

    def block(self, heading: str, stops: tuple[str, ...] = _STOPS) -> tuple[int, int]:
        """Line range after `heading` up to the next stop line (exclusive)."""
        start = self.index(heading)
        if start < 0:
            return -1, -1
        end = start + 1
        while end < len(self.stripped) and not (
            self.stripped[end].startswith(stops) and not self.stripped[end].startswith(heading)
        ):
            end += 1
        return start, end

    def text_block(self, heading: str, stops: tuple[str, ...] = _STOPS) -> str | None:
        start, end = self.block(heading, stops)
        if start < 0:
            return None
        first = self.stripped[start][len(heading) :].strip()
        body = "\n".join(([first] if first else []) + self.lines[start + 1 : end])
        return n.clean_block(body)

    def list_block(self, heading: str, stops: tuple[str, ...] = _STOPS) -> list[str]:
        start, end = self.block(heading, stops)
        if start < 0:
            return []
        # Raw lines (only trimmed): table cells copied from a browser are separated by tabs or runs of spaces.
        return [
            raw.strip()
            for raw, s in zip(self.lines[start + 1 : end], self.stripped[start + 1 : end], strict=True)
            if s and not s.startswith("Layout table")
        ]

    def fields(self, doc: Document) -> dict[str, Any]:
        info = self.info
        head = "\n".join(self.stripped[:80])
        ids = _NCT.findall(info.get("ClinicalTrials.gov Identifier", "") + " " + head)
        nct = ids[0] if ids else None
        if nct is None:
            match = _NCT.search(doc.text)
            if not match:
                raise doc.fail("ClinicalTrials.gov page text without an NCT number")
            nct = match.group(0)
        mesh = [
            n.clean(m) or m
            for m in self.list_block(
                "Layout table for MeSH terms", stops=("Keywords provided by", "Layout table", "Go to")
            )
        ]
        keywords = self._keywords()
        conditions, interventions, phase_text = self._condition_table(mesh)
        status_raw = re.split(r"\s+Verified\b|\s+\(", info.get("Recruitment Status", ""))[0] or None
        ages = info.get("Ages Eligible for Study", "")
        minimum, maximum = age_range(ages)
        criteria = self._criteria_text()
        enrollment = next((info[k] for k in info if k.endswith("Enrollment")), None)
        enrollment_type = next((k.split()[0].upper() for k in info if k.endswith("Enrollment")), None)
        masking, who_masked = n.masking(info.get("Masking"))
        sponsors = [
            n.clean(s) or s
            for s in self.list_block(
                "Sponsors and Collaborators", stops=("Investigators", "Layout table", "More Information")
            )
        ]
        sponsor = info.get("Sponsor") or (sponsors[0] if sponsors else None)
        collaborators = [c for c in sponsors[1:] if c != sponsor] if sponsors else []
        if "Collaborators" in info or "Collaborator" in info:
            collaborators = [info.get("Collaborators") or info["Collaborator"], *collaborators]
        title = self._brief_title(nct)
        other_ids = self._other_ids()
        extra = {
            K.INFORMATION_PROVIDED_BY: self._after_line("Information provided by (Responsible Party)")
            or self._after_line("Information provided by"),
            K.RESPONSIBLE_PARTY: re.split(
                r"\s*(?:ClinicalTrials\.gov )?Identifier:", info.get("Responsible Party", "")
            )[0]
            or None,
            K.STATUS_VERIFIED: n.iso_date(info.get("Last Verified")),
            K.AGE_GROUPS: (m.group(1) if (m := re.search(r"\(([^)]*)\)\s*$", ages)) else None),
            K.SAMPLING_METHOD: info.get("Sampling Method"),
            K.CONDITION_MESH_TERMS: "; ".join(mesh) or None,
            K.RESULTS_FIRST_POSTED: n.iso_date(_strip_tail(info.get("Results First Posted"))),
        }
        if not conditions:
            self.warnings.append("no conditions found on the page")
        return {
            "id": nct,
            "secondary_ids": tuple(i for i in other_ids if i != nct),
            "registry": "ClinicalTrials.gov",
            "summary": {
                "brief_title": title,
                "official_title": info.get("Official Title"),
                "acronym": info.get("Study Acronym") or info.get("Acronym"),
                "overall_status": n.status(status_raw),
                "overall_status_raw": status_raw,
                "why_stopped": info.get("Why Stopped"),
                "phases": n.phases(phase_text),
                "study_type": n.study_type(info.get("Study Type")),
                "sponsor": sponsor,
                "collaborators": tuple(dict.fromkeys(collaborators)),
                "conditions": tuple(conditions),
                "keywords": tuple(keywords),
                "interventions": [{"type": n.code(kind), "name": name} for kind, name in interventions],
                "enrollment": int(m.group(0))
                if enrollment and (m := re.search(r"\d+", enrollment.replace(",", "")))
                else None,
                "enrollment_type": "ESTIMATED"
                if enrollment_type in {"ESTIMATED", "ANTICIPATED"}
                else enrollment_type
                if enrollment_type == "ACTUAL"
                else None,
                "start_date": n.iso_date(_first(info, "Study Start Date")),
                "primary_completion_date": n.iso_date(_first(info, "Primary Completion Date")),
                "completion_date": n.iso_date(_first(info, "Study Completion Date")),
                "first_posted": n.iso_date(_strip_tail(info.get("First Posted"))),
                "last_update_posted": n.iso_date(_strip_tail(info.get("Last Update Posted"))),
                "brief_summary": self.text_block("Brief Summary:"),
                "detailed_description": self.text_block("Detailed Description:"),
            },
            "eligibility": eligibility_fields(
                minimum,
                maximum,
                info.get("Sexes Eligible for Study")
                or info.get("Genders Eligible for Study")
                or info.get("Gender Eligible for Study"),
                info.get("Accepts Healthy Volunteers"),
                criteria,
                self.text_block("Study Population"),
            ),
            "outcomes": {
                "primary": self._outcomes("Primary Outcome Measures"),
                "secondary": self._outcomes("Secondary Outcome Measures"),
                "other": self._outcomes("Other Outcome Measures"),
            },
            "sites": self._sites(),
            "references": self._references(),
            "contacts": self._contacts("Layout table for location contacts"),
            "officials": self._contacts("Layout table for investigator information"),
            "design": {
                "allocation": n.code(info.get("Allocation")),
                "intervention_model": n.code(info.get("Intervention Model")),
                "intervention_model_description": info.get("Intervention Model Description"),
                "primary_purpose": n.code(info.get("Primary Purpose")),
                "masking": masking,
                "masking_description": info.get("Masking Description"),
                "who_masked": who_masked,
                "observational_model": n.code(info.get("Observational Model")),
                "time_perspective": n.code(info.get("Time Perspective")),
            },
            "extra": {k: v for k, v in extra.items() if v},
        }

    def _brief_title(self, nct: str) -> str | None:
        """The title is the first substantial line before the disclaimer paragraph."""
        for text in self.stripped[:40]:
            if not text or text.startswith(("Working...", "Menu", "ClinicalTrials.gov", "Skip to", "Home")):
                continue
            if text.startswith("The safety and scientific validity") or nct in text:
                break
            return text
        return None

    def _after_line(self, heading: str) -> str | None:
        i = self.index(heading)
        if i < 0:
            return None
        rest = self.stripped[i][len(heading) :].strip(" :")
        if rest:
            return rest
        return self.stripped[i + 1] if i + 1 < len(self.stripped) else None

    def _condition_table(self, mesh: list[str]) -> tuple[list[str], list[tuple[str, str]], str]:
        start = self.index("Condition or disease")
        if start < 0:
            return [], [], ""
        rows: list[str] = []
        for text in self.stripped[start + 1 :]:
            if not text or text.startswith(_STOPS):
                break
            rows.append(text)
        conditions, interventions, phase = split_intervention_line(" ".join(rows))
        return split_conditions(conditions, mesh), interventions, phase

    def _keywords(self) -> list[str]:
        start = self.index("Keywords provided by")
        if start < 0:
            return []
        out: list[str] = []
        for text in self.stripped[start + 1 :]:
            if not text or text.startswith(("Additional relevant MeSH", "Layout table", "Go to")):
                break
            out.append(text)
        return out

    def _references(self) -> list[dict[str, Any]]:
        """Citations listed under 'Publications:' (and the automatically indexed ones), PubMed ids kept."""
        out: list[dict[str, Any]] = []
        for heading in ("Publications:", "Publications of Results:", "Publications automatically indexed"):
            start = self.index(heading)
            if start < 0:
                continue
            for text in self.stripped[start + 1 :]:
                if not text or label_value(text, _INFO_LABELS) or text.startswith(("Publications", "Layout table")):
                    break
                pmid = re.search(r"\b(?:PMID|PubMed)\s*:?\s*(\d{5,9})\b", text)
                out.append({"citation": text, "pmid": pmid.group(1) if pmid else None})
        return out

    def _other_ids(self) -> list[str]:
        start = self.index("Other Study ID Numbers")
        if start < 0:
            return []
        first = self.info.get("Other Study ID Numbers", "")
        rows = [first] if first else []
        for text in self.stripped[start + 1 :]:
            if not text or label_value(text, _INFO_LABELS):
                break
            rows.append(text)
        return [re.sub(r"\s*\(.*\)\s*$", "", row).strip() for row in rows if row.strip()]

    def _criteria_text(self) -> str | None:
        """The criteria as stated: from the eligibility block (not any line that mentions them) to its end."""
        anchor = max(
            (self.index(label) for label in _ELIGIBILITY_FACTS),
            default=-1,
        )
        if anchor >= 0:
            criteria_line = self.index("Criteria", anchor)
            start = (
                criteria_line + 1 if criteria_line >= 0 and self.stripped[criteria_line] == "Criteria" else anchor + 1
            )
            while start < len(self.stripped) and not self.stripped[start]:
                start += 1
        else:
            start = self.index("Inclusion Criteria")
        if start < 0 or start >= len(self.stripped):
            return None
        end = start + 1
        while end < len(self.stripped) and not self.stripped[end].startswith(
            ("Information from the National Library", "Contacts and Locations", "Layout table for location", "Go to")
        ):
            end += 1
        return n.clean_block("\n".join(self.lines[start:end]))

    def _outcomes(self, heading: str) -> list[dict[str, Any]]:
        start, end = self.block(heading, stops=(*_STOPS, "Eligibility Criteria", "Layout table"))
        if start < 0:
            return []
        out: list[dict[str, Any]] = []
        for text in self.stripped[start + 1 : end]:
            match = re.match(r"^(?:\d+\.\s*)?(.*?)\s*\[\s*Time Frame:\s*(.*?)\s*\]\s*$", text)
            if match:
                out.append({"measure": match.group(1), "time_frame": match.group(2), "description": None})
            elif text and out:
                previous = out[-1]["description"]
                out[-1]["description"] = f"{previous}\n\n{text}" if previous else text
        return out

    def _sites(self) -> list[dict[str, Any]]:
        rows = self.list_block(
            "Layout table for location information",
            stops=(
                "Sponsors and Collaborators",
                "Investigators",
                "More Information",
                "Layout table for additonal",
                "Layout table for additional",
            ),
        )
        sites: list[dict[str, Any]] = []
        pending: str | None = None
        for row in rows:
            address = parse_address(row)
            contact = re.match(
                r"^(Contact|Principal Investigator|Sub-Investigator|Study Chair|Study Director):\s*(.*)$", row
            )
            if address and pending is not None:
                facility, status = _facility_status(n.clean(pending) or pending)
                sites.append({"facility": facility, "status": n.code(status), **address, "contacts": []})
                pending = None
            elif contact and sites:
                sites[-1]["contacts"].append(_contact(contact.group(1), contact.group(2)))
            elif ctgov_page_new.is_group_header(row):
                continue
            elif address is None:
                if pending is not None:
                    self.warnings.append(f"site line without an address: {pending}")
                pending = row
        if pending is not None and not parse_address(pending) and "," not in pending:
            self.warnings.append(f"site line without an address: {pending}")
        return sites

    def _contacts(self, heading: str) -> list[dict[str, Any]]:
        rows = self.list_block(
            heading, stops=("Layout table", "Locations", "More Information", "Sponsors and Collaborators")
        )
        out = []
        for row in rows:
            match = re.match(r"^([A-Za-z -]+):\s*(.*)$", row)
            if match:
                out.append(_contact(match.group(1), match.group(2)))
        return out


def _contact(role: str, rest: str) -> dict[str, Any]:
    parts = [p for p in re.split(r"\s{2,}|\t", rest) if p.strip()]
    email = next((p for p in parts if "@" in p), None)
    phone = next((p for p in parts if is_phone(p)), None)
    others = [p for p in parts if p not in (email, phone)]
    return {
        "name": n.clean(others[0]) if others else None,
        "role": n.code(role),
        "phone": n.clean(phone),
        "email": n.clean(email),
        "affiliation": n.clean(" ".join(others[1:])) if len(others) > 1 else None,
    }


def _facility_status(row: str) -> tuple[str, str | None]:
    match = re.match(
        r"^(.*?)\s+(Recruiting|Not yet recruiting|Active, not recruiting|Completed|Terminated|Withdrawn|Suspended"
        r"|Enrolling by invitation)$",
        row,
    )
    return (match.group(1), match.group(2)) if match else (row, None)


def _first(info: dict[str, str], suffix: str) -> str | None:
    return next((v for k, v in info.items() if k.endswith(suffix)), None)


def _strip_tail(value: str | None) -> str | None:
    """'July 19, 2010    Key Record Dates' -> 'July 19, 2010'."""
    if not value:
        return None
    return re.split(r"\s{2,}|\s+Key Record Dates", value)[0]


FORMAT = Format(NAME, "ClinicalTrials.gov page text", score, parse, (".txt",))
