"""Rendering to Markdown and HTML: complete, readable, and inert whatever a record contains."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, ROOT, SEEDS
from viewer.core.blocks import Paragraph, Run, prose
from viewer.core.html_writer import to_html
from viewer.core.loader import read_file
from viewer.core.markdown_writer import escape
from viewer.core.model import (
    Arm,
    Contact,
    Criterion,
    Design,
    Eligibility,
    Intervention,
    Outcome,
    Outcomes,
    Reference,
    Site,
    Source,
    Study,
    Summary,
)
from viewer.core.outline import outline
from viewer.core.render import node_html, render_node, study_html, study_markdown, text_size

HOSTILE = [
    "<img src=http://x>",
    "<script>alert(1)</script>",
    "[link](file:///etc/passwd)",
    "![](http://x/y.png)",
    "# Heading",
    "*emphasis* and _under_ and **strong**",
    "<http://auto.example>",
    "&lt;b&gt; &amp; &#60;i&#62;",
    "`code`",
    "| a | b |",
    "<iframe src='file:///etc/passwd'></iframe>",
    '<a href="javascript:alert(1)">x</a>',
]
ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "strong",
    "em",
    "ol",
    "ul",
    "li",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "u",
    "s",
    "span",
    "ins",
    "del",
    "mark",
}
DOCUMENT_TAGS = ALLOWED_TAGS | {"html", "head", "meta", "title", "style", "body", "main"}
# Our markup's only attributes: a class from our own style sheets.
ALLOWED_CLASSES = {"facts", "note", "none", "ins", "del", "match", "gutter"}


def markdown_to_html(md: str) -> str:
    """What a Markdown reader makes of our Markdown export (raw HTML left on, as most readers do)."""
    import markdown

    return str(markdown.markdown(md, extensions=["tables", "sane_lists"]))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "br":
            self.text.append(" ")
        self._skip = tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def _visible(html: str) -> str:
    return " ".join("".join(_parse(html).text).split())


def _hostile_study() -> Study:
    h = " ".join(HOSTILE)
    source = Source(file="<img src=x>.json", format="test", sha256="0" * 64, warnings=(h,))
    return Study(
        id="NCT<script>",
        registry=h,
        source=source,
        summary=Summary(
            brief_title=h,
            official_title=h,
            brief_summary="\n".join(HOSTILE),
            conditions=(h,),
            detailed_description=h,
            interventions=(Intervention(name=h, description=h),),
        ),
        eligibility=Eligibility(
            inclusion=(Criterion(text=h, children=(Criterion(text=h),)),),
            exclusion=(Criterion(text=h),),
            criteria_text=h,
            study_population=h,
        ),
        outcomes=Outcomes(primary=(Outcome(measure=h, time_frame=h, description=h),)),
        sites=(Site(facility=h, city=h, country=h, contacts=(Contact(name=h, email=h, phone=h),)),),
        contacts=(Contact(name=h, role=h),),
        officials=(Contact(name=h),),
        arms=(Arm(label=h, description=h, interventions=(h,)),),
        design=Design(allocation=h),
        references=(Reference(citation=h, url="javascript:alert(1)", pmid=h),),
        extra={h: h},
    )


def _assert_inert(html: str, allowed: set[str] = ALLOWED_TAGS) -> None:
    for tag, attrs in _parse(html).tags:
        assert tag in allowed, f"unexpected <{tag}>"
        if tag not in ("meta", "html"):
            for name, value in attrs:
                assert name == "class" and value in ALLOWED_CLASSES, f"<{tag}> has attribute {name}={value!r}"


def test_hostile_record_renders_literally_in_every_node() -> None:
    study = _hostile_study()
    for node in outline(study).walk():
        for flavor in ("qt", "web"):
            html = node_html(node, flavor)  # type: ignore[arg-type]
            _assert_inert(html)
            assert "<img" not in html and "<script" not in html and "<a " not in html


def test_hostile_record_text_survives_verbatim() -> None:
    study = _hostile_study()
    for html in (markdown_to_html(study_markdown(study)), study_html(study)):
        _assert_inert(html, DOCUMENT_TAGS)
        visible = _visible(html)
        for text in HOSTILE:
            assert " ".join(text.split()) in visible, text


def test_hostile_html_document_is_self_contained() -> None:
    doc = study_html(_hostile_study())
    assert doc.startswith("<!DOCTYPE html>")
    _assert_inert(doc, DOCUMENT_TAGS)
    assert not re.search(r"<[^>]*\b(src|href)\s*=", doc)
    assert "<link" not in doc and "@import" not in doc and "url(" not in doc
    assert "<title>NCT&lt;script&gt;: " in doc


def test_escaped_line_start_syntax() -> None:
    assert escape("1. first") == "1\\. first"
    assert escape("- item") == "\\- item"
    assert escape("# title") == "\\# title"
    assert escape("> quote") == "\\> quote"
    assert escape("===") == "&#61;=="


def test_an_ampersand_always_shows_as_written() -> None:
    """Found by the property test: "&#1" has no semicolon, yet a Markdown reader takes it for a character."""
    for text in ("&#1", "&amp", "&lt;b", "R&D", "&#x41;"):
        assert _visible(markdown_to_html(escape(text))) == text


def test_marks_are_ours_and_record_markup_is_text() -> None:
    para = Paragraph(
        (Run("<ins>x</ins> "), Run("new", mark="ins"), Run(" "), Run("old", mark="del"), Run("hit", mark="match"))
    )
    qt, web = to_html([para], "qt"), to_html([para], "web")
    marked = '<u class="ins">new</u> <s class="del">old</s><span class="match">hit</span>'
    assert qt == f"<p>&lt;ins&gt;x&lt;/ins&gt; {marked}</p>\n"
    assert web == "<p>&lt;ins&gt;x&lt;/ins&gt; <ins>new</ins> <del>old</del><mark>hit</mark></p>\n"


def test_prose_reflows_hard_wrapped_lines_and_keeps_paragraphs_and_lists() -> None:
    text = "A summary hard-wrapped at a\n      hundred characters, as legacy XML has it.\n\n"
    text += "  Second paragraph:\n- one\n- two"
    assert [p.text[0].text for p in prose(text)] == [  # type: ignore[union-attr]
        "A summary hard-wrapped at a hundred characters, as legacy XML has it.",
        "Second paragraph:\n- one\n- two",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 .-+*_#>`[]()!<>&;=|\\/:\"'\n\t")), max_size=40))
def test_any_text_shows_exactly_as_written_in_html(text: str) -> None:
    html = to_html([Paragraph((Run(text),))])
    _assert_inert(html)
    assert _visible(html) == " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 .-+*_#>`[]()!<>&;=|\\/:\"'\n\t")), max_size=40))
def test_any_text_shows_exactly_as_written(text: str) -> None:
    expected = " ".join(text.split())
    html = markdown_to_html(escape(text))
    _assert_inert(html)
    assert _visible(html) == expected


def test_study_markdown_is_complete() -> None:
    study = read_file(ROOT / "protocols" / "02_2024-516057-42-00_medpath-page.txt")[0]
    md = study_markdown(study)
    assert md.startswith("# 2024-516057-42-00: ")
    for heading in (
        "## Summary",
        "## Eligibility",
        "### Inclusion (5)",
        "### Exclusion (5)",
        "## Outcomes (6)",
        "### Primary (1)",
        "### Secondary (5)",
        "## Sites (1)",
        "## Design",
        "## Other details (2)",
        "## Source",
    ):
        assert heading in md, heading
    # Sections the record leaves empty are named once at the end, not printed one by one.
    assert "*Not recorded in this record: Arms and interventions, Contacts, References.*" in md
    assert "## Contacts" not in md and "(0)" not in md and "### Other" not in md
    nested = next(c for c in study.eligibility.inclusion if c.children)
    assert f"    - {escape(nested.children[0].text)}" in md  # nested criteria are nested list items


def test_study_markdown_sites_contacts_extra_and_warnings() -> None:
    source = Source(file="f.json", format="test", sha256="ab" * 32, warnings=("date guessed",))
    study = Study(
        id="X1",
        registry="Test",
        source=source,
        extra={"Ethics committee": "Approved"},
        sites=(
            Site(
                facility="Karolinska",
                city="Stockholm",
                country="Sweden",
                contacts=(Contact(name="Ann Berg", email="ann@example.org", phone="+46 8 123"),),
            ),
        ),
        references=(Reference(citation="Smith J. Trial.", pmid="123"),),
    )
    md = study_markdown(study)
    assert "### Sweden (1)" in md and "**Karolinska** · Stockholm" in md, md
    assert "    - **Ann Berg** · +46 8 123 · ann@example.org" in md
    assert "**Ethics committee:** Approved" in md
    assert "- date guessed" in md and "Smith J\\. Trial\\." not in md and "PMID 123" in md


def test_node_markdown_has_heading_and_empty_state() -> None:
    root = outline(read_file(SEEDS / "000_9a8944e657c20510.txt")[0])
    design = root.find(("design",))
    assert design is not None
    assert render_node(design).startswith("## Design\n\n")
    refs = root.find(("references",))
    assert refs is not None and "Nothing recorded" in render_node(refs)


@pytest.mark.parametrize(
    "path",
    [*sorted(SEEDS.glob("*.txt")), *sorted((CORPUS / "A_ctgov_api_v2_json").glob("*"))],
    ids=lambda p: Path(p).name,
)
def test_real_records_render(path: Path) -> None:
    for study in read_file(path):
        html = study_html(study)
        _assert_inert(html, DOCUMENT_TAGS)
        assert study.id in _visible(html)
        _assert_inert(markdown_to_html(study_markdown(study)))
        for node in outline(study).walk():
            assert render_node(node) and node_html(node)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 .-+*_#>`[]()!<>&;=|\\/:\"'\n\t")), max_size=30))
def test_text_after_a_label_shows_exactly_as_written(text: str) -> None:
    html = markdown_to_html(f"**Label:** {escape(text, line_start=False)}")
    _assert_inert(html)
    assert _visible(html) == " ".join(f"Label: {text}".split())


def test_ages_without_a_limit_render_in_words() -> None:
    source = Source(file="f.xml", format="test", sha256="0" * 64)
    study = Study(
        id="NCT1",
        registry="Test",
        source=source,
        eligibility=Eligibility(minimum_age_raw="18 Years", minimum_age_years=18, maximum_age_raw="N/A"),
    )
    text = render_node(outline(study).children[1])
    assert "**Age:** 18 Years and older" in text and "N/A" not in text


LARGE = CORPUS / "B_ctgov_legacy_xml" / "aact__NCT02465060.xml"  # 1,218 sites


@pytest.mark.parametrize(
    "path",
    [*sorted(SEEDS.glob("*.txt")), *sorted((CORPUS / "A_ctgov_api_v2_json").glob("*")), LARGE],
    ids=lambda p: Path(p).name,
)
def test_text_size_never_much_under_what_renders(path: Path) -> None:
    """It decides whether a node renders in a worker, so a big render must never look small."""
    for study in read_file(path):
        for node in outline(study).walk():
            rendered = len(render_node(node))
            if rendered > 2_000:  # below that, labels and markup outweigh the record text: cheap either way
                assert text_size(node) >= 0.75 * rendered, (node.key, text_size(node), rendered)


def test_text_size_stops_counting_past_the_limit() -> None:
    (study,) = read_file(LARGE)
    sites = outline(study).find(("sites",))
    assert sites is not None
    full = text_size(sites)
    assert full > 200_000  # the whole list of sites and their contacts
    assert 1_000 < text_size(sites, limit=1_000) < 2_000 < full
