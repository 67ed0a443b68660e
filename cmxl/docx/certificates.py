"""Printable certificates: a Word template, editable by HR in Word, filled once per certificate
of the ledger, one per page.

A template marks what is filled in with placeholders in braces, e.g. {姓名}. The placeholders
are PLACEHOLDERS below; a template with any other is refused, naming it (a misspelt {姓命}
would otherwise print as it is on every certificate)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from cmxl.core.errors import CmxlError
from cmxl.core.records import Certificate
from cmxl.docx.render import save_atomically

PLACEHOLDERS = {
    "姓名": lambda c: c.name,
    "员工编号": lambda c: c.employee_id,
    "单位": lambda c: c.unit,
    "认证类别": lambda c: c.scheme_name,
    "认证等级": lambda c: c.grade,
    "证书编号": lambda c: c.number,
    "发证日期": lambda c: _date(c.issue_date),
    "有效期至": lambda c: _date(c.expiry),
}
_PLACEHOLDER = re.compile(r"\{([^{}]{1,20})\}")


class CertificateProblem(CmxlError):
    pass


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def default_template(target: Path) -> Path:
    """The shipped certificate: a bordered A4 page with every placeholder (HR edits it in Word)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)  # A4 landscape
    section.orientation = 1
    for margin in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, margin, Cm(2.5))
    style = doc.styles["Normal"]
    style.font.name = "Microsoft YaHei"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Microsoft YaHei")

    def line(text: str, size: float, bold: bool = False, space: float = 10) -> None:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(space)
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold

    line("岗位技能认证证书", 30, bold=True, space=28)
    line("{姓名}（员工编号 {员工编号}，{单位}）", 16)
    line("经考核，符合{认证类别}{认证等级}的要求，特发此证。", 16, space=36)
    line("证书编号：{证书编号}", 12, space=4)
    line("发证日期：{发证日期}    有效期至：{有效期至}", 12, space=40)
    line("（发证单位盖章）", 12)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.save(target)
    return target


def placeholders_in(doc) -> set[str]:
    return {m.group(1) for p in _paragraphs(doc) for m in _PLACEHOLDER.finditer(p.text)}


def _paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _fill(paragraph, values: dict[str, str]) -> None:
    """Replace the placeholders of one paragraph; Word may have split one across runs, so the
    paragraph's text is rebuilt in its first run (its formatting kept)."""
    text = paragraph.text
    if "{" not in text:
        return
    filled = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    runs = paragraph.runs
    runs[0].text = filled
    for run in runs[1:]:
        run.text = ""


def print_certificates(certs: list[Certificate], template: Path | None, target: Path) -> Path:
    """One page per certificate, from `template` (the shipped one when None)."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    if not certs:
        raise CertificateProblem("台账中没有要打印的证书（检查 --batch 和 --ledger）")
    if template is None:
        template = default_template(target.with_name(".cmxl-证书模板.docx"))
        remove = template
    else:
        remove = None
        if not template.is_file():
            raise CertificateProblem(f"找不到证书模板 {template}")
    try:
        try:
            master = Document(str(template))
        except Exception:  # python-docx raises several kinds for a file that is not a .docx
            raise CertificateProblem(f"{template} 不是 Word 文档（.docx），请在 Word 中另存为 .docx") from None
        unknown = sorted(placeholders_in(master) - set(PLACEHOLDERS))
        if unknown:
            allowed = "、".join("{" + k + "}" for k in PLACEHOLDERS)
            raise CertificateProblem(
                f"证书模板 {template.name} 中有无法识别的占位符：{'、'.join('{' + u + '}' for u in unknown)}（可用：{allowed}）"
            )
        body = master.element.body
        page = [copy.deepcopy(el) for el in body.iterchildren() if not el.tag.endswith("}sectPr")]
        for el in list(body.iterchildren()):
            if not el.tag.endswith("}sectPr"):
                body.remove(el)
        section = body[-1] if len(body) else None
        for n in range(len(certs)):
            for el in page:
                clone = copy.deepcopy(el)
                if section is not None:
                    section.addprevious(clone)
                else:
                    body.append(clone)
            if n < len(certs) - 1:
                breaker = master.add_paragraph()
                breaker.add_run().add_break(WD_BREAK.PAGE)
                if section is not None:
                    section.addprevious(breaker._p)
        _fill_all(master, certs, len(page))
        save_atomically(master, target)
    finally:
        if remove is not None:
            remove.unlink(missing_ok=True)
    return target


def _fill_all(doc, certs: list[Certificate], per_page: int) -> None:
    """Fill each certificate's copy of the page: the body holds, per certificate, `per_page`
    elements (and a page-break paragraph between certificates)."""
    body = [el for el in doc.element.body.iterchildren() if not el.tag.endswith("}sectPr")]
    step = per_page + 1
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for n, cert in enumerate(certs):
        values = {k: str(get(cert)) for k, get in PLACEHOLDERS.items()}
        for el in body[n * step : n * step + per_page]:
            if el.tag.endswith("}p"):
                _fill(Paragraph(el, doc._body), values)
            elif el.tag.endswith("}tbl"):
                for row in Table(el, doc._body).rows:
                    for cell in row.cells:
                        for paragraph in cell.paragraphs:
                            _fill(paragraph, values)
