"""Export of one study to JSON, Markdown, HTML and PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from viewer.core.model import Study
from viewer.ui.exporter import StudyExporter, print_document


@pytest.mark.parametrize(("fmt", "check"), [
    ("json", lambda text: json.loads(text)["id"] == "NCT01165008"),
    ("markdown", lambda text: text.startswith("# NCT01165008: Anakinra in Myositis")),
    ("html", lambda text: text.startswith("<!DOCTYPE html>") and "<h2>Eligibility</h2>" in text),
])
def test_text_exports(qtbot: QtBot, tmp_path: Path, seed_studies: list[Study], fmt: str, check: object) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    target = tmp_path / f"out.{fmt}"
    with qtbot.waitSignal(exporter.exported, timeout=10_000) as blocker:
        exporter.export(seed_studies[0], fmt, str(target))
    assert blocker.args == [str(target)]
    assert callable(check) and check(target.read_text(encoding="utf-8"))


def test_pdf_export(qtbot: QtBot, tmp_path: Path, seed_studies: list[Study]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    target = tmp_path / "out.pdf"
    with qtbot.waitSignal(exporter.exported, timeout=10_000):
        exporter.export(seed_studies[1], "pdf", str(target))
    assert target.read_bytes().startswith(b"%PDF")


def test_export_failure_is_reported(qtbot: QtBot, tmp_path: Path, seed_studies: list[Study]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exporter = StudyExporter(parent)
    with qtbot.waitSignal(exporter.failed, timeout=10_000) as blocker:
        exporter.export(seed_studies[0], "markdown", str(tmp_path / "missing-dir" / "x.md"))
    assert "Export failed" in blocker.args[0]


def test_print_document_holds_the_whole_study(seed_studies: list[Study]) -> None:
    document = print_document(seed_studies[0])
    text = document.toPlainText()
    assert "Inclusion (3)" in text and "Exclusion (6)" in text and "Source" in text
