"""The shipped certificate template (templates/证书模板.docx, `cmxl certs print` without
--template): one A4 landscape page that looks like a certificate, built with python-docx so it
stays an ordinary Word document HR can edit (change the organisation line, add a logo or a scanned
seal, move things) — the placeholders are plain text in it.

The page: a double border; the issuing organisation and the title; the number top right; the
holder's name large, then id, unit, category and grade; the validity in bold; at the foot a
signature line on the left and, on the right, a dashed seal area with the issuing organisation
and the issue date under it."""

from __future__ import annotations

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Microsoft YaHei"  # Windows' own; LibreOffice substitutes a CJK sans when it is missing
RED = RGBColor(0x9C, 0x1C, 0x1C)
GREY = RGBColor(0x80, 0x80, 0x80)
ORGANISATION = "人力资源部"  # HR types its own organisation here, in Word


def certificate_document():
    doc = Document()
    _page(doc)
    _fonts(doc)
    _para(doc, "", 10, space_after=14)
    _para(doc, ORGANISATION, 15, color=RED, space_after=4, align="center")
    _para(doc, "岗 位 技 能 认 证 证 书", 36, bold=True, color=RED, space_after=2, align="center")
    _para(doc, "POST SKILL CERTIFICATE", 11, color=GREY, space_after=10, align="center")
    _para(doc, "证书编号：{证书编号}", 14, bold=True, space_after=26, align="right")
    _para(doc, "{姓名}", 30, bold=True, space_after=8, align="center")
    _para(doc, "员工编号 {员工编号}　　{单位}", 14, space_after=26, align="center")
    _para(doc, "经考核，符合 {认证类别} {认证等级} 的要求，特发此证。", 18, space_after=12, align="center")
    _para(doc, "有效期至 {有效期至}", 16, bold=True, color=RED, space_after=30, align="center")
    _foot(doc)
    return doc


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)  # A4 landscape
    section.orientation = 1
    section.top_margin = section.bottom_margin = Cm(1.8)
    section.left_margin = section.right_margin = Cm(2.4)
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "thinThickSmallGap")
        edge.set(qn("w:sz"), "24")  # eighths of a point: 3 pt
        edge.set(qn("w:space"), "24")  # points from the page's edge
        edge.set(qn("w:color"), "9C1C1C")
        borders.append(edge)
    sect = section._sectPr
    sect.insert(sect.index(sect.find(qn("w:pgMar"))) + 1, borders)  # the schema's order: after pgMar


def _fonts(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)


def _para(doc_or_cell, text: str, size: float, *, bold=False, color=None, space_after=0, align="left"):
    paragraph = doc_or_cell.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    run = paragraph.add_run(text)
    run.font.size, run.bold = Pt(size), bold
    if color is not None:
        run.font.color.rgb = color
    return paragraph


def _foot(doc) -> None:
    """Signature on the left; the seal area, organisation and date on the right."""
    table = doc.add_table(rows=1, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(9.7), Cm(5.0), Cm(9.7))
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    left, middle, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _para(left, "", 11, space_after=28)
    _para(left, "负责人（签字）：____________", 12, space_after=0)
    seal = middle
    _dashed_box(seal)
    seal.paragraphs[0].text = ""
    _para(seal, "（盖章处）", 10, color=GREY, align="center", space_after=0)
    right.paragraphs[0].text = ""
    _para(right, "", 11, space_after=28)
    _para(right, f"发证单位：{ORGANISATION}", 12, align="right", space_after=4)
    _para(right, "发证日期：{发证日期}", 12, align="right", space_after=0)
    row = table.rows[0]._tr
    props = row.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Cm(4.2).twips)))
    height.set(qn("w:hRule"), "exact")
    props.append(height)
    middle.vertical_alignment = 1  # centre


def _dashed_box(cell) -> None:
    props = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "dashed")
        edge.set(qn("w:sz"), "6")
        edge.set(qn("w:color"), "B0B0B0")
        borders.append(edge)
    props.append(borders)
