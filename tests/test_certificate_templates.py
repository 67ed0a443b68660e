"""cmxl certs print with a template HR edited in Word: every placeholder is filled wherever Word
keeps text that prints (body, tables at any depth, text boxes, content controls, hyperlinks, field
results, headers and footers per section), written with full-width or spaced braces or split
across runs; an unknown or half placeholder anywhere is refused naming where it is, before
anything is written; a template that is too big, a zip bomb or not a Word document is refused
saying what it is.

Templates are built here with python-docx plus raw XML for what python-docx does not make (text
boxes, content controls, hyperlinks, fields, footnotes). The ledger holds two certificates whose
values are typed here: KH2026000001 张三丰 0510001 成都分公司 三级, KH2026000002 李四娘 0510002
宜宾分公司 四级, both issued 2026-12-01 and valid 2 years (to 2028-12-01)."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Cm
from lxml import etree
from typer.testing import CliRunner

from cmxl.cli import app
from cmxl.ledger import Candidate, Ledger
from tests.libreoffice import soffice

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
}
DECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
ALL_BRACES = "{｛}｝"


@pytest.fixture
def ledger(tmp_path) -> Path:
    path = tmp_path / "证书台账.sqlite"
    people = [("0510001", "张三丰", "成都分公司", "三级"), ("0510002", "李四娘", "宜宾分公司", "四级")]
    with Ledger(path) as db:
        db.issue(
            "run-1",
            "测试批次",
            dt.date(2026, 12, 1),
            [
                Candidate(eid, name, unit, "cm-post", "客户经理岗位技能认证", "KH", grade, 2, "a.xlsx", "0" * 64)
                for eid, name, unit, grade in people
            ],
        )
    return path


def words(element) -> str:
    """The text of an element's w:t nodes (python-docx's element classes repeat text in itertext)."""
    return "".join(t.text or "" for t in element.iter(f"{{{NS['w']}}}t"))


def xml(fragment: str):
    """A WordprocessingML element from a fragment that uses the prefixes of NS."""
    root = parse_xml(f"<w:root {DECLS}>{fragment}</w:root>")
    return root[0]


def add(doc, fragment: str) -> None:
    """Append a block (paragraph, table, content control) to the body, before its sectPr."""
    doc.element.body.sectPr.addprevious(xml(fragment))


def text_box(text: str, shape_id: int = 10) -> str:
    """A run holding a text box as Word 2010+ writes it: DrawingML, and VML for older readers."""
    content = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return f"""<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
      <wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="1"
        behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
        <wp:simplePos x="0" y="0"/>
        <wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
        <wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
        <wp:extent cx="2743200" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
        <wp:wrapTopAndBottom/><wp:docPr id="{shape_id}" name="文本框 {shape_id}"/><wp:cNvGraphicFramePr/>
        <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
          <wps:wsp><wps:cNvSpPr txBox="1"/>
            <wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2743200" cy="457200"/></a:xfrm>
              <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
              <a:ln><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></wps:spPr>
            <wps:txbx>{content}</wps:txbx><wps:bodyPr wrap="square"><a:noAutofit/></wps:bodyPr>
          </wps:wsp></a:graphicData></a:graphic>
      </wp:anchor></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><v:shape id="文本框 {shape_id}" o:spid="_x0000_s10{shape_id}" type="#_x0000_t202"
        style="position:absolute;width:216pt;height:36pt"><v:textbox>{content}</v:textbox></v:shape></w:pict>
      </mc:Fallback></mc:AlternateContent></w:r>"""


def vml_text_box(text: str) -> str:
    """A text box as older Word versions write it (VML only), e.g. in a header."""
    return (
        '<w:r><w:pict><v:shape id="文本框 2" type="#_x0000_t202" style="position:absolute;width:200pt;height:30pt">'
        f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>"
        "</v:shape></w:pict></w:r>"
    )


def hyperlink(doc, text: str) -> str:
    rid = doc.part.relate_to("https://hr.example.com/证书", RT.HYPERLINK, is_external=True)
    return f'<w:hyperlink r:id="{rid}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'


def footnote(doc, text: str) -> None:
    """A footnote part holding `text`, referenced from a body paragraph."""
    blob = (
        f'<w:footnotes {DECLS}><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    add(doc, '<w:p><w:r><w:t>注</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>')


def print_with(doc, tmp_path: Path, ledger: Path):
    """Save `doc` as the template and print the ledger's certificates with it."""
    template = tmp_path / "我的模板.docx"
    doc.save(template)
    out = tmp_path / "证书.docx"
    result = runner.invoke(
        app, ["certs", "print", "-o", str(out), "--ledger", str(ledger), "--template", str(template)]
    )
    return result, out


def printed(doc, tmp_path: Path, ledger: Path) -> Path:
    result, out = print_with(doc, tmp_path, ledger)
    assert result.exit_code == 0, (result.output, result.exception)
    return out


def said(result) -> str:
    """The CLI's output without spaces and line breaks (the console wraps long lines)."""
    return "".join(result.output.split())


def nospace(text: str) -> str:
    return "".join(text.split())


def part_texts(docx: Path) -> dict[str, str]:
    """The text of every XML part under word/ (and WordArt's text, kept in an attribute)."""
    out = {}
    with zipfile.ZipFile(docx) as zf:
        for name in zf.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(zf.read(name))
                paths = [el.get("string", "") for el in root.iter(f"{{{NS['v']}}}textpath")]
                out[name] = "".join(root.itertext()) + "".join(paths)
    return out


def assert_no_placeholder_left(docx: Path) -> None:
    left = {name: text for name, text in part_texts(docx).items() if any(b in text for b in ALL_BRACES)}
    assert left == {}


# ---- filled wherever Word keeps text ---------------------------------------------------------------


def test_text_boxes_are_filled_in_both_their_drawingml_and_vml_forms(tmp_path, ledger):
    doc = Document()
    add(doc, f"<w:p>{text_box('持证人：{姓名}')}</w:p>")
    out = printed(doc, tmp_path, ledger)
    body = part_texts(out)["word/document.xml"]
    assert (body.count("持证人：张三丰"), body.count("持证人：李四娘")) == (2, 2)
    assert_no_placeholder_left(out)


def test_every_drawing_of_the_output_has_its_own_id(tmp_path, ledger):
    doc = Document()
    add(doc, f"<w:p>{text_box('{姓名}', shape_id=7)}</w:p>")
    out = printed(doc, tmp_path, ledger)
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    ids = [el.get("id") for el in root.iter(f"{{{NS['wp']}}}docPr")]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_content_controls_block_and_inline_are_filled_and_show_their_text(tmp_path, ledger):
    doc = Document()
    add(
        doc,
        '<w:sdt><w:sdtPr><w:alias w:val="编号"/><w:id w:val="11"/></w:sdtPr>'
        "<w:sdtContent><w:p><w:r><w:t>证书编号：{证书编号}</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    )
    add(
        doc,
        '<w:p><w:r><w:t>单位：</w:t></w:r><w:sdt><w:sdtPr><w:id w:val="12"/><w:showingPlcHdr/>'
        '<w:dataBinding w:xpath="/root/unit" w:storeItemID="{00000000-0000-0000-0000-000000000000}"/></w:sdtPr>'
        "<w:sdtContent><w:r><w:t>{单位}</w:t></w:r></w:sdtContent></w:sdt></w:p>",
    )
    out = printed(doc, tmp_path, ledger)
    paragraphs = [words(p) for p in Document(str(out)).element.body.iter(f"{{{NS['w']}}}p")]
    assert [p for p in paragraphs if p] == [
        "证书编号：KH2026000001",
        "单位：成都分公司",
        "证书编号：KH2026000002",
        "单位：宜宾分公司",
    ]
    body = zipfile.ZipFile(out).read("word/document.xml")
    assert b"showingPlcHdr" not in body and b"dataBinding" not in body  # Word would show the prompt again


def test_tables_in_table_cells_are_filled(tmp_path, ledger):
    doc = Document()
    outer = doc.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "{姓名}"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "编号 {员工编号}"
    out = printed(doc, tmp_path, ledger)
    tables = Document(str(out)).tables
    assert [t.cell(0, 1).tables[0].cell(0, 0).tables[0].cell(0, 0).text for t in tables] == [
        "编号 0510001",
        "编号 0510002",
    ]
    assert_no_placeholder_left(out)


def test_each_certificate_has_its_own_headers_and_footers(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("{姓名}")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "{单位}"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "首页：{姓名}"
    doc.settings.odd_and_even_pages_header_footer = True
    section.even_page_footer.paragraphs[0].text = "{证书编号}"
    section.footer.paragraphs[0].text = "人力资源部"
    out = printed(doc, tmp_path, ledger)
    shown = [
        (s.header.paragraphs[0].text, s.first_page_header.paragraphs[0].text, s.even_page_footer.paragraphs[0].text)
        for s in Document(str(out)).sections
    ]
    assert shown == [("成都分公司", "首页：张三丰", "KH2026000001"), ("宜宾分公司", "首页：李四娘", "KH2026000002")]
    assert [s.footer.paragraphs[0].text for s in Document(str(out)).sections] == ["人力资源部"] * 2
    assert_no_placeholder_left(out)


def test_a_text_box_in_a_header_is_filled_for_each_certificate(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("{姓名}")
    doc.sections[0].header.paragraphs[0]._p.append(xml(vml_text_box("持证人 {姓名}")))
    out = printed(doc, tmp_path, ledger)
    assert [words(s.header._element) for s in Document(str(out)).sections] == ["持证人 张三丰", "持证人 李四娘"]
    assert_no_placeholder_left(out)


def test_a_template_of_several_sections_is_repeated_section_by_section(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("正面：{姓名}")
    doc.sections[0].header.paragraphs[0].text = "{单位}"
    back = doc.add_section()  # the back of the certificate, landscape, its header as the front's
    back.orientation, back.page_width, back.page_height = WD_ORIENT.LANDSCAPE, Cm(29.7), Cm(21.0)
    back.footer.is_linked_to_previous = False
    back.footer.paragraphs[0].text = "{证书编号}"
    doc.add_paragraph("背面：{认证等级}")
    out = printed(doc, tmp_path, ledger)
    sections = Document(str(out)).sections
    assert [(s.header.paragraphs[0].text, s.footer.paragraphs[0].text, s.orientation) for s in sections] == [
        ("成都分公司", "", WD_ORIENT.PORTRAIT),
        ("成都分公司", "KH2026000001", WD_ORIENT.LANDSCAPE),
        ("宜宾分公司", "", WD_ORIENT.PORTRAIT),  # not the footer of the page before
        ("宜宾分公司", "KH2026000002", WD_ORIENT.LANDSCAPE),
    ]
    texts = [p.text for p in Document(str(out)).paragraphs if p.text]
    assert texts == ["正面：张三丰", "背面：三级", "正面：李四娘", "背面：四级"]


def test_full_width_mixed_doubled_and_spaced_braces_are_the_same_placeholder(tmp_path, ledger):
    doc = Document()
    for text in ("｛姓名｝", "{员工编号｝", "｛ 单位 }", "{{认证等级}}", "{　证书编号　}"):
        doc.add_paragraph(text)
    out = printed(doc, tmp_path, ledger)
    texts = [p.text for p in Document(str(out)).paragraphs if p.text]
    assert texts[:5] == ["张三丰", "0510001", "成都分公司", "三级", "KH2026000001"]
    assert_no_placeholder_left(out)


def test_a_placeholder_split_across_runs_takes_the_formatting_of_its_first_run(tmp_path, ledger):
    doc = Document()
    p = doc.add_paragraph()
    p.add_run("持证人：")
    p.add_run("{").bold = True
    p.add_run("姓")
    p.add_run("名}")
    p.add_run("（已认证）").italic = True
    out = printed(doc, tmp_path, ledger)
    first = Document(str(out)).paragraphs[0]
    assert [(r.text, r.bold, r.italic) for r in first.runs if r.text] == [
        ("持证人：", None, None),
        ("张三丰", True, None),
        ("（已认证）", None, True),
    ]


def test_a_paragraph_that_is_only_a_hyperlink_is_filled(tmp_path, ledger):
    doc = Document()
    add(doc, f"<w:p>{hyperlink(doc, '{证书编号}')}</w:p>")
    out = printed(doc, tmp_path, ledger)
    links = Document(str(out)).element.body.findall(".//w:hyperlink", NS)
    assert [words(link) for link in links] == ["KH2026000001", "KH2026000002"]


def test_a_field_result_is_filled_and_the_field_kept(tmp_path, ledger):
    doc = Document()
    add(
        doc,
        '<w:p><w:r><w:t xml:space="preserve">发证日期：</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> QUOTE "x" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{发证日期}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
    )
    out = printed(doc, tmp_path, ledger)
    first = Document(str(out)).element.body.find("w:p", NS)
    assert words(first) == "发证日期：2026年12月1日"
    marks = [el.get(f"{{{NS['w']}}}fldCharType") for el in first.iter(f"{{{NS['w']}}}fldChar")]
    assert marks == ["begin", "separate", "end"]


def test_a_template_ending_with_a_table_gives_each_certificate_its_own_section(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("")
    add(doc, "<w:tbl><w:tblPr/><w:tblGrid/></w:tbl>")  # a table with no rows
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "{姓名}"
    out = printed(doc, tmp_path, ledger)
    result = Document(str(out))
    assert [t.rows[0].cells[0].text for t in result.tables if t.rows] == ["张三丰", "李四娘"]
    assert len(result.sections) == 2


def test_control_characters_in_a_ledger_value_are_left_out(tmp_path):
    ledger = tmp_path / "台账.sqlite"
    with Ledger(ledger) as db:
        candidate = Candidate(
            "0510009", "王\x07五", "成都分公司", "cm-post", "客户经理岗位技能认证", "KH", "四级", 2, "a", "b"
        )
        db.issue("run-1", "批次", dt.date(2026, 12, 1), [candidate])
    doc = Document()
    doc.add_paragraph("{姓名}")
    out = printed(doc, tmp_path, ledger)
    assert Document(str(out)).paragraphs[0].text == "王五"


def test_a_word_template_file_dotx_is_accepted(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("{姓名}")
    docx = tmp_path / "a.docx"
    doc.save(docx)
    dotx = tmp_path / "证书.dotx"
    with zipfile.ZipFile(docx) as zin, zipfile.ZipFile(dotx, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            zout.writestr(info, data)
    out = tmp_path / "证书.docx"
    r = runner.invoke(app, ["certs", "print", "-o", str(out), "--ledger", str(ledger), "--template", str(dotx)])
    assert r.exit_code == 0, r.output
    assert [p.text for p in Document(str(out)).paragraphs if p.text] == ["张三丰", "李四娘"]


# ---- refused, saying where ---------------------------------------------------------------------------


def _in_header(doc):
    doc.sections[0].header.paragraphs[0].text = "{职务}"


def _in_first_page_footer(doc):
    doc.sections[0].different_first_page_header_footer = True
    doc.sections[0].first_page_footer.paragraphs[0].text = "{职务}"


def _in_a_body_text_box(doc):
    add(doc, f"<w:p>{text_box('{职务}')}</w:p>")


def _in_a_header_text_box(doc):
    doc.sections[0].header.paragraphs[0]._p.append(xml(vml_text_box("{职务}")))


def _in_a_content_control(doc):
    add(doc, "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>{职务}</w:t></w:r></w:p></w:sdtContent></w:sdt>")


def _in_a_nested_table(doc):
    doc.add_table(rows=1, cols=1).cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "{职务}"


def _in_a_hyperlink(doc):
    add(doc, f"<w:p>{hyperlink(doc, '{职务}')}</w:p>")


def _in_the_second_sections_even_header(doc):
    doc.settings.odd_and_even_pages_header_footer = True
    header = doc.add_section().even_page_header
    header.is_linked_to_previous = False  # else python-docx edits the first section's header
    header.paragraphs[0].text = "{职务}"


@pytest.mark.parametrize(
    ("plant", "where"),
    [
        (_in_header, "页眉（第 1 节）"),
        (_in_first_page_footer, "首页页脚（第 1 节）"),
        (_in_a_body_text_box, "正文的文本框"),
        (_in_a_header_text_box, "页眉（第 1 节）的文本框"),
        (_in_a_content_control, "正文的内容控件"),
        (_in_a_nested_table, "正文的表格中的表格"),
        (_in_a_hyperlink, "正文的超链接"),
        (_in_the_second_sections_even_header, "偶数页页眉（第 2 节）"),
    ],
)
def test_an_unknown_placeholder_is_refused_naming_where_it_is(tmp_path, ledger, plant, where):
    doc = Document()
    doc.add_paragraph("{姓名}")
    plant(doc)
    result, out = print_with(doc, tmp_path, ledger)
    assert result.exit_code == 1 and not out.exists()
    assert nospace(f"证书模板 我的模板.docx 的{where}中有无法识别的占位符 {{职务}}") in said(result)
    assert "可用的占位符：{姓名}、{员工编号}" in said(result)


def test_an_unknown_placeholder_in_full_width_braces_is_refused_as_written(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("职务：｛职务｝")
    result, out = print_with(doc, tmp_path, ledger)
    assert result.exit_code == 1 and not out.exists()
    assert "的正文中有无法识别的占位符｛职务｝（所在文字：“职务：｛职务｝”）" in said(result)


def test_a_placeholder_missing_a_brace_is_refused(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("持证人：{姓名 （员工编号 {员工编号}）")
    doc.sections[0].footer.paragraphs[0].text = "编号：证书编号｝"
    result, out = print_with(doc, tmp_path, ledger)
    assert result.exit_code == 1 and not out.exists()
    assert "中有2处占位符无法使用：正文中的“{姓名”缺少右括号" in said(result)
    assert "页脚（第1节）中的“证书编号｝”缺少左括号" in said(result)


def test_a_placeholder_in_a_footnote_is_refused_it_cannot_differ_per_certificate(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("{姓名}")
    footnote(doc, "持证人 {姓名}")
    result, out = print_with(doc, tmp_path, ledger)
    assert result.exit_code == 1 and not out.exists()
    assert "脚注中的{姓名}无法按每张证书填写" in said(result)


# ---- the template file itself ------------------------------------------------------------------------


def _bomb(path: Path, size: int) -> None:
    doc = Document()
    doc.add_paragraph("{姓名}")
    doc.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/filler.bin", b"\0" * size)


def _many_parts(path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{姓名}")
    doc.save(path)
    with zipfile.ZipFile(path, "a") as zf:
        for n in range(1200):
            zf.writestr(f"extra/part{n}.xml", b"<a/>")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: _bomb(path, 20 * 1024 * 1024), "压缩比异常（word/media/filler.bin），已拒绝处理（疑似压缩炸弹）"),
        (lambda path: _bomb(path, 101 * 1024 * 1024), "MB，上限100MB），不像是证书模板"),
        (_many_parts, "包含的部件过多（1"),
    ],
)
def test_a_template_too_big_to_unpack_is_refused_before_it_is_opened(tmp_path, ledger, make, says):
    template = tmp_path / "炸弹.docx"
    make(template)
    out = tmp_path / "证书.docx"
    r = runner.invoke(app, ["certs", "print", "-o", str(out), "--ledger", str(ledger), "--template", str(template)])
    assert r.exit_code == 1 and not out.exists()
    assert says in said(r)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "是旧版Office文档（如Word97-2003的.doc）"),
        (b"{\\rtf1\\ansi {\\fonttbl} }", "是RTF文档，请在Word中另存为.docx"),
        ((ROOT / "workbooks" / "四川_2026.xlsx").read_bytes(), "不是Word文档（.docx），是Excel工作簿"),
    ],
)
def test_a_template_that_is_not_a_word_document_is_named_for_what_it_is(tmp_path, ledger, content, says):
    template = tmp_path / "证书模板.docx"
    template.write_bytes(content)
    out = tmp_path / "证书.docx"
    r = runner.invoke(app, ["certs", "print", "-o", str(out), "--ledger", str(ledger), "--template", str(template)])
    assert r.exit_code == 1 and not out.exists()
    assert says in said(r)


def test_a_missing_output_folder_is_said_before_the_template_is_read(tmp_path, ledger):
    out = tmp_path / "没有的文件夹" / "证书.docx"
    r = runner.invoke(app, ["certs", "print", "-o", str(out), "--ledger", str(ledger)])
    assert r.exit_code == 1 and "输出文件夹" in said(r) and "不存在" in said(r)


# ---- as printed ----------------------------------------------------------------------------------------


@pytest.mark.skipif(soffice() is None, reason="LibreOffice 未安装")
def test_printed_by_libreoffice_each_certificate_shows_its_own_values_on_its_own_pages(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("岗位技能认证证书")
    add(doc, f"<w:p>{text_box('持证人：{姓名}')}</w:p>")
    doc.add_table(rows=1, cols=1).cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "编号 {证书编号}"
    doc.sections[0].header.paragraphs[0].text = "页眉 {单位}"
    back = doc.add_section()
    back.footer.is_linked_to_previous = False
    back.footer.paragraphs[0].text = "页脚 {员工编号}"
    doc.add_paragraph("背面 {认证等级}")
    out = printed(doc, tmp_path, ledger)
    profile = tmp_path / "lo"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    pdf = out.with_suffix(".pdf")
    assert pdf.exists()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f") if page.strip()]
    assert len(pages) == 4
    for page in pages[:2]:
        assert "页眉 成都分公司" in page and "李四娘" not in page
    assert "持证人：张三丰" in pages[0] and "编号 KH2026000001" in pages[0]
    assert "背面 三级" in pages[1] and "页脚 0510001" in pages[1]
    assert "持证人：李四娘" in pages[2] and "页眉 宜宾分公司" in pages[2] and "页脚" not in pages[2]
    assert "背面 四级" in pages[3] and "页脚 0510002" in pages[3]
    assert not any(b in text for b in ALL_BRACES)


# ---- what the outside audit of this wave still printed ------------------------------------------


def test_a_placeholder_in_an_equation_is_filled(tmp_path, ledger):
    doc = Document()
    math = "http://schemas.openxmlformats.org/officeDocument/2006/math"
    add(doc, f'<w:p><m:oMath xmlns:m="{math}"><m:r><m:t>{{姓名}}</m:t></m:r></m:oMath></w:p>')
    out = printed(doc, tmp_path, ledger)
    assert "张三丰" in part_texts(out)["word/document.xml"]
    assert_no_placeholder_left(out)


def test_tripled_braces_are_the_placeholder_too(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("{{{姓名}}}")
    out = printed(doc, tmp_path, ledger)
    assert next(p.text for p in Document(str(out)).paragraphs if p.text) == "张三丰"


def test_a_long_unknown_placeholder_is_refused_not_printed(tmp_path, ledger):
    doc = Document()
    doc.add_paragraph("单位：{请填写本人所在单位的完整名称与部门名称全称}")
    result, out = print_with(doc, tmp_path, ledger)
    assert result.exit_code == 1 and not out.exists()
    assert "无法识别的占位符{请填写本人所在单位的完整名称与部门名称全称}" in said(result)


@pytest.mark.parametrize("cut", ["<w:br/>", "<w:tab/>"], ids=["line break", "tab"])
def test_a_placeholder_cut_by_a_line_break_or_a_tab_is_refused(tmp_path, ledger, cut):
    doc = Document()
    add(doc, f"<w:p><w:r><w:t>持证人：{{姓</w:t>{cut}<w:t>名}}</w:t></w:r></w:p>")
    result, out = print_with(doc, tmp_path, ledger)
    assert result.exit_code == 1 and not out.exists()
    assert "“{姓”缺少右括号" in said(result) and "“名}”缺少左括号" in said(result)
