"""Person reports as a Word document (python-docx), one page a person, each with a radar image
(matplotlib); and, when LibreOffice is installed, the same as PDF.

Chinese text needs a CJK font in two places: the document names one for Word (Microsoft YaHei,
which Windows has; Word substitutes on other systems), and the radar image is drawn with the
first CJK font found on this machine. With no CJK font the report is refused with a message,
never drawn with boxes for characters."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from cmxl.core.errors import CmxlError
from cmxl.core.layout.person_report import PersonPage
from cmxl.xlsx.render import xml_text
from cmxl.xlsx.write import temp_beside

CJK_FONTS = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
)
WORD_FONT = "Microsoft YaHei"


class ReportProblem(CmxlError):
    pass


def cjk_font() -> str:
    """The first CJK font matplotlib can draw with on this machine."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise ReportProblem(
        "这台电脑上没有中文字体，无法绘制报告中的雷达图（不会用方框代替文字）。"
        "Windows 请确认有“微软雅黑”或“黑体”；Linux 请安装 fonts-noto-cjk"
    )


def radar_png(page: PersonPage, font: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib import pyplot as plt

    n = len(page.radar_labels)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False).tolist()
    fig = plt.figure(figsize=(5.0, 4.4), dpi=110)
    ax = fig.add_subplot(111, polar=True)
    plt.rcParams["font.family"] = font
    top = len(page.level_names)

    def closed(values: list[int | None]) -> list[float]:
        data = [float("nan") if v is None else float(v) for v in values]
        return [*data, data[0]]

    ax.plot([*angles, angles[0]], closed(page.radar_standard), color="#C00000", linewidth=2, label="岗位标准级别")
    ax.plot(
        [*angles, angles[0]], closed(page.radar_assessed), color="#2E75B6", linewidth=2, marker="o", label="测评级别"
    )
    ax.fill([*angles, angles[0]], closed(page.radar_assessed), color="#2E75B6", alpha=0.12)
    ax.set_xticks(angles)
    ax.set_xticklabels(page.radar_labels, fontsize=7, fontfamily=font)
    ax.set_ylim(0, top)
    ax.set_yticks(range(1, top + 1))
    ax.set_yticklabels(page.level_names, fontsize=6, fontfamily=font, color="#7F7F7F")
    ax.set_rlabel_position(100)  # the ring labels between two axes, off the competency names
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, frameon=False, prop={"family": font, "size": 8})
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _xml_safe(value: object) -> object:
    """A page's texts, every one, without the control characters Word's XML cannot hold (\x07
    typed or pasted into a name or unit): python-docx refused the whole report for one."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list):
        return [_xml_safe(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_xml_safe(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: _xml_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
        )
    return value


def write_docx(pages: list[PersonPage], target: Path, title: str) -> None:
    """One page a person; written to a temp file beside `target`, then renamed."""
    pages = [_xml_safe(page) for page in pages]  # type: ignore[misc]
    title = xml_text(title)
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    font = cjk_font()
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "cmxl"
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.top_margin = section.bottom_margin = Cm(1.4)
    section.left_margin = section.right_margin = Cm(1.6)
    for style_name in ("Normal", "Heading 1", "Heading 2", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = WORD_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), WORD_FONT)
    doc.styles["Normal"].font.size = Pt(9)
    doc.styles["Normal"].paragraph_format.space_after = Pt(1)
    for heading, size in (("Heading 1", 15), ("Heading 2", 10.5)):
        doc.styles[heading].font.size = Pt(size)
        doc.styles[heading].paragraph_format.space_before = Pt(6)
        doc.styles[heading].paragraph_format.space_after = Pt(2)

    def small(table, size: float = 8) -> None:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    for run in paragraph.runs:
                        run.font.size = Pt(size)

    for n, page in enumerate(pages):
        doc.add_heading(page.title, level=1)
        if page.warning:
            run = doc.add_paragraph().add_run(page.warning)
            run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0x00, 0x00)
        who = doc.add_table(rows=0, cols=4, style="Table Grid")
        for k in range(0, len(page.who), 2):
            cells = who.add_row().cells
            for j, (label, value) in enumerate(page.who[k : k + 2]):
                cells[2 * j].text, cells[2 * j + 1].text = label, value
        small(who, 8.5)
        # the radar beside the item table: both on the one page a person has
        side = doc.add_table(rows=1, cols=2)
        left, right = side.rows[0].cells
        left.width, right.width = Cm(9.0), Cm(8.8)
        left.paragraphs[0].add_run().add_picture(io.BytesIO(radar_png(page, font)), width=Cm(8.8))
        items = right.add_table(rows=1, cols=5)
        items.style = doc.styles["Table Grid"]
        for cell, head in zip(items.rows[0].cells, ["能力项", "得分", "级别", "标准", "差距"], strict=True):
            cell.text = head
        for line in page.items:
            cells = items.add_row().cells
            for cell, value in zip(cells, [line.name, line.score, line.level, line.standard, line.gap], strict=True):
                cell.text = value
        items.autofit = False
        widths = (3.3, 1.6, 1.3, 1.3, 0.9)  # cm: a competency's name on one line
        for column, width in zip(items.columns, widths, strict=True):
            column.width = Cm(width)
        for row in items.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
        small(items, 7.5)
        right.paragraphs[0].paragraph_format.space_after = Pt(0)
        unknown = (
            "（没有适用的岗位标准，无法判断）"
            if page.no_standard
            else "（有能力项未评定或没有岗位标准，无法判断）"
            if page.gaps_unknown
            else ""
        )
        doc.add_heading("优势", level=2)
        doc.add_paragraph("、".join(page.strengths) if page.strengths else unknown or "（没有高于岗位标准的能力项）")
        doc.add_heading("发展目标（低于岗位标准的能力项：标准级别的行为要求）", level=2)
        if not page.goals:
            doc.add_paragraph(unknown or "（没有低于岗位标准的能力项）")
        texts = []
        for goal in page.goals:  # one paragraph each: a long list must still fit the person's page
            drafted = "（描述为起草稿）" if goal.drafted else ""
            text = f"{goal.item}（标准：{goal.level}）{drafted}：{goal.headline}"
            if goal.indicators:
                text += "  ▶ " + "  ▶ ".join(goal.indicators)
            texts.append(text)
        length = sum(len(x) for x in texts)
        size = 8.5 if length < 700 else 7.5 if length < 1400 else 6.5 if length < 2000 else 5.5
        for text in texts:
            doc.add_paragraph().add_run(text).font.size = Pt(size)
        if page.goals and page.unjudged:  # the goals above are those known: say which are not
            doc.add_paragraph(f"（另有 {len(page.unjudged)} 项未评定，无法判断：{'、'.join(page.unjudged)}）")
        doc.add_heading("岗位技能认证", level=2)
        doc.add_paragraph(f"结果：{page.certification}")
        for reason in page.reasons:
            doc.add_paragraph(reason, style="List Bullet")
        doc.add_paragraph("")
        doc.add_paragraph(page.signature)
        if n < len(pages) - 1:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    save_atomically(doc, target)


def save_atomically(doc, target: Path) -> None:
    """A Word document written to a temp file beside `target`, then renamed over it: a failure
    leaves no half-written file and the earlier one as it was."""
    tmp = temp_beside(target)
    try:
        doc.save(tmp)
        Path(tmp).replace(target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def to_pdf(docx: Path) -> Path:
    """The PDF of a report, by LibreOffice; a clear message when it is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReportProblem("生成 PDF 需要 LibreOffice（未安装）；Word 报告已生成，可在 Word 中另存为 PDF")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(docx.parent),
                str(docx),
            ],
            capture_output=True,
            timeout=600,
            check=False,
        )
    pdf = docx.with_suffix(".pdf")
    if not pdf.exists():  # soffice exits 0 even when it failed
        raise ReportProblem(f"LibreOffice 没能把 {docx.name} 转为 PDF；Word 报告已生成")
    return pdf
