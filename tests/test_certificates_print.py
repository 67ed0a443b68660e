"""cmxl certs print: one page per certificate of the ledger (or of a batch), every placeholder of
the Word template filled; a template with an unknown placeholder is refused, naming it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

import cmxl
from cmxl.cli import app
from cmxl.docx.certificates import PLACEHOLDERS, placeholders_in
from tests.conftest import AS_OF

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def ledger(tmp_path):
    folder = tmp_path / "四川批次"
    folder.mkdir()
    shutil.copy(ROOT / "workbooks" / "四川_2026.xlsx", folder)
    result = cmxl.bulk(folder, issue_date=AS_OF, jobs=1)
    return tmp_path / "证书台账.sqlite", result.new_certificates


def page_texts(docx: Path) -> list[str]:
    """The text of each page: a page break starts one, a section break (each certificate is a
    section of its own) ends one."""
    doc = Document(str(docx))
    pages = [""]
    for p in doc.paragraphs:
        if any(
            br.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") == "page"
            for br in p._p.iter()
            if br.tag.endswith("}br")
        ):
            pages.append("")
        pages[-1] += p.text
        if p._p.pPr is not None and p._p.pPr.sectPr is not None:
            pages.append("")
    return pages


def test_one_page_per_certificate_every_placeholder_filled(tmp_path, ledger):
    path, issued = ledger
    out = tmp_path / "证书.docx"
    r = runner.invoke(app, ["certs", "print", "-o", str(out), "--ledger", str(path), "--batch", "四川批次"])
    assert r.exit_code == 0, r.output
    pages = page_texts(out)
    assert len(pages) == issued > 10
    assert all("{" not in page for page in pages)
    assert "KH2026000001" in pages[0] and "2026年12月1日" in pages[0] and "2028年12月1日" in pages[0]
    numbers = [page.split("证书编号：")[1][:12] for page in pages]
    assert numbers == sorted(numbers) and len(set(numbers)) == issued
    none = runner.invoke(
        app, ["certs", "print", "-o", str(tmp_path / "无.docx"), "--ledger", str(path), "--batch", "别的批次"]
    )
    assert none.exit_code == 1 and not (tmp_path / "无.docx").exists()


def test_the_shipped_template_has_every_placeholder():
    template = Document(str(ROOT / "templates" / "证书模板.docx"))
    assert placeholders_in(template) == set(PLACEHOLDERS)


def test_an_edited_template_with_an_unknown_placeholder_is_refused(tmp_path, ledger):
    path, _ = ledger
    template = tmp_path / "我的模板.docx"
    shutil.copy(ROOT / "templates" / "证书模板.docx", template)
    doc = Document(str(template))
    doc.add_paragraph("持证人：{姓命}")  # a typo HR might make
    doc.save(template)
    out = tmp_path / "证书.docx"
    r = runner.invoke(app, ["certs", "print", "-o", str(out), "--ledger", str(path), "--template", str(template)])
    assert r.exit_code == 1 and "{姓命}" in r.output and not out.exists()
    with zipfile.ZipFile(template) as zf:
        assert "word/document.xml" in zf.namelist()  # the clerk's template is untouched
