"""cmxl certs print: one page per certificate of the ledger (or of a batch), every placeholder of
the Word template filled; a template with an unknown placeholder is refused, naming it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
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
    section of its own) ends one. Tables' text counts where the table stands."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(docx))
    pages = [""]
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:tbl"):
            pages[-1] += "".join(p.text for c in Table(block, doc)._cells for p in c.paragraphs)
            continue
        if block.tag != qn("w:p"):
            continue
        p = Paragraph(block, doc)
        if any(br.get(qn("w:type")) == "page" for br in p._p.iter() if br.tag == qn("w:br")):
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


def test_the_built_in_certificate_looks_like_one():
    """Issuing organisation and title, a border, the number and the validity prominent, a signature
    line and a seal area; still the same placeholders, as plain text HR can edit in Word."""
    from docx import Document

    doc = Document(str(ROOT / "templates" / "证书模板.docx"))
    body = doc.element.body
    xml = body.xml
    assert "w:pgBorders" in xml  # a border round the page
    texts = [p.text for p in doc.paragraphs] + [p.text for t in doc.tables for c in t._cells for p in c.paragraphs]
    assert texts.count("人力资源部") == 1 and "岗 位 技 能 认 证 证 书" in texts
    assert "负责人（签字）：____________" in texts and "（盖章处）" in texts and "发证单位：人力资源部" in texts
    bold = {r.text for p in doc.paragraphs for r in p.runs if r.bold}
    assert {"证书编号：{证书编号}", "{姓名}", "有效期至 {有效期至}"} <= bold
    assert 'w:val="dashed"' in xml  # the seal area's frame
