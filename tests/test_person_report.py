"""cmxl report: a page per person (Word, and PDF by LibreOffice) with a radar image, the items
against the standard, the standard level's behaviour text for every item below it, and the
certification result with its reasons."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

import cmxl
from cmxl.core.model.loading import catalogue
from tests.conftest import AS_OF, ITEMS_A
from tests.libreoffice import soffice
from tests.test_files import write_xlsx

HEAD = ["员工编号", "姓名", "单位", "现岗位级别", "申报认证等级", "培训学时", "笔试成绩", "面试成绩", *ITEMS_A]


def book(path: Path) -> Path:
    """张三 meets every standard of 中级 (50s); 李四 is 初级 (35) in 成就导向 and 执行能力 only."""
    zhang = ["0001", "张三", "南京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)]
    li = ["0002", "李四", "南京", "中级客户经理", "四级", 30, 70, 50, *[55] * len(ITEMS_A)]
    li[HEAD.index("成就导向")] = li[HEAD.index("执行能力")] = 35
    return write_xlsx(path, [HEAD, zhang, li])


def pages(docx: Path) -> list[list[str]]:
    """The document's paragraphs (and table cells), split at the page breaks (a break after a
    paragraph, or a paragraph that starts a page)."""
    doc = Document(str(docx))
    out: list[list[str]] = [[]]
    body = doc.element.body
    for child in body.iterchildren():
        if out[-1] and any(e.tag.endswith("}pageBreakBefore") for e in child.iter()):
            out.append([])
        texts = [
            "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
            for p in child.iter()
            if p.tag.endswith("}p")
        ]
        out[-1] += [t for t in texts if t]
        if any(
            br.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") == "page"
            for br in child.iter()
            if br.tag.endswith("}br")
        ):
            out.append([])
    return out


def test_one_page_per_person_with_goals_from_the_model(tmp_path):
    [result] = cmxl.report([book(tmp_path / "南京.xlsx")], as_of=AS_OF)
    assert result.problem is None and result.output == tmp_path / "南京_个人报告.docx"
    with zipfile.ZipFile(result.output) as zf:
        assert len([n for n in zf.namelist() if n.startswith("word/media/")]) == 2  # one radar each
    zhang, li = pages(result.output)
    assert "张三" in zhang and "李四" in li
    assert "（没有低于岗位标准的能力项）" in zhang
    fw = catalogue().framework()
    goals = [t for t in li if "（标准：中级）" in t]
    assert [g.split("（")[0] for g in goals] == ["成就导向", "执行能力"]  # exactly the items below standard
    for goal in goals:  # each with the model's text for the standard level
        comp = next(c for c in fw.competencies if c.name == goal.split("（")[0])
        text = next(b for b in comp.behaviours if b.level == "中级")
        assert text.headline in goal and all(line in goal for line in text.indicators)
    assert "-1" in li and "结果：未通过" in li
    assert any("面试成绩 50 分，低于合格线 60 分" in t for t in li)
    assert any("被测评人签字" in t for t in li)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by tools/install_test_deps.sh")
def test_the_pdf_has_a_page_per_person_and_no_missing_glyphs(tmp_path):
    [result] = cmxl.report([book(tmp_path / "南京.xlsx")], as_of=AS_OF, pdf=True)
    pdf = result.output.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           2" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "CJK" in fonts  # a Chinese font is embedded: characters are drawn, not boxes
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "李四" in text and "发展目标" in text and "成就导向" in text


def test_no_chinese_font_is_said_not_drawn_as_boxes(tmp_path, monkeypatch):
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    [result] = cmxl.report([book(tmp_path / "南京.xlsx")], as_of=AS_OF)
    assert result.problem is not None and "没有中文字体" in result.problem.message
    assert not (tmp_path / "南京_个人报告.docx").exists()


def test_the_command_writes_into_a_folder(tmp_path):
    shutil.copy(book(tmp_path / "南京.xlsx"), tmp_path / "a.xlsx")
    exe = Path(__import__("sys").executable).with_name("cmxl")
    done = subprocess.run([exe, "report", tmp_path / "a.xlsx", "-o", tmp_path / "报告"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "报告" / "a_个人报告.docx").exists() and "2 人" in done.stderr


def test_bulk_writes_the_reports_beside_each_results_file(tmp_path):
    folder = tmp_path / "批次"
    folder.mkdir()
    book(folder / "南京.xlsx")
    cmxl.bulk(folder, issue_date=AS_OF, jobs=1, reports=True)
    out = tmp_path / "批次_输出"
    assert (out / "南京_评分结果.xlsx").exists() and (out / "南京_个人报告.docx").exists()


def test_a_row_with_errors_says_its_results_are_not_final(tmp_path):
    rows = [HEAD, ["0001", "王五", "南京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)]]
    rows[1][HEAD.index("成就导向")] = "很好"  # not a score: the item is not rated
    [result] = cmxl.report([write_xlsx(tmp_path / "a.xlsx", rows)], as_of=AS_OF)
    [page] = pages(result.output)
    assert any(t.startswith("注意：本人的测评数据有 1 处有待核实") for t in page)
    assert "（成就导向 未评定，无法判断）" in page  # not "no item below standard", and the item named


def test_a_control_character_in_a_name_does_not_stop_the_report(tmp_path):
    """\\x07 typed or pasted into a name or unit: Word's XML cannot hold it, and python-docx
    refused the whole report (everyone's page) for it. It is left out, as in the results. (The file
    holds it as Excel does, escaped: _x0007_.)"""
    rows = [HEAD, ["0001", "王_x0007_五", "南_x001B_京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)]]
    rows.append(["0002", "赵六", "南京", "中级客户经理", "四级", 30, 70, 70, *[55] * len(ITEMS_A)])
    [result] = cmxl.report([write_xlsx(tmp_path / "a.xlsx", rows)], as_of=AS_OF)
    first, second = pages(result.output)[:2]
    assert "王五" in "".join(first) and "南京" in "".join(first) and "赵六" in "".join(second)
