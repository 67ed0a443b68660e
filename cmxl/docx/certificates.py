"""Printable certificates: a Word template, editable by HR in Word, filled once per certificate
of the ledger, one per page (or as many pages as the template has).

A template marks what is filled in with placeholders in braces, e.g. {姓名}, anywhere Word keeps
text that prints: the body, tables, text boxes, content controls, hyperlinks, headers and footers
(cmxl/docx/placeholders.py finds them). The placeholders are PLACEHOLDERS below; a template with
any other, or with half of one ({姓名 without its closing brace), or with one where a value cannot
be filled per certificate (footnotes, charts), is refused before anything is written, each named
with where it is: a misspelt {姓命} would otherwise print as it is on every certificate.

The template is looked at before it is unpacked (size, number of parts, zip bombs: the checks of
cmxl/xlsx/safety.py) and must be a Word document (.docx, or a Word template .dotx)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from cmxl.core.errors import CertificateProblem, FileProblem, not_a_file
from cmxl.core.ledger_records import Certificate
from cmxl.docx.pages import header_footer_parts, repeat
from cmxl.docx.placeholders import Found, scan
from cmxl.files import check_target, replacing
from cmxl.xlsx.render import xml_text
from cmxl.xlsx.safety import OLE_MAGIC, ZIP_MAGIC, check_unpacked

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
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # a certificate with a scanned border or seal picture is a few MB
MAX_TEMPLATE_UNPACKED = 100 * 1024 * 1024
MAX_TEMPLATE_PARTS = 1000  # a Word document has a dozen parts; a few dozen with pictures
BUILT_IN = "内置证书模板"
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_MACROS = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
# parts whose text prints once for the whole document: a placeholder there cannot differ per certificate
_ONCE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml": ("脚注", False),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": ("尾注", False),
    "application/vnd.openxmlformats-officedocument.drawingml.chart+xml": ("图表", True),
    "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml": ("SmartArt 图形", True),
    "application/vnd.ms-office.drawingml.diagramDrawing+xml": ("SmartArt 图形", True),
}


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def default_template(target: Path) -> Path:
    """The shipped certificate: a bordered A4 page with every placeholder (HR edits it in Word)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target, program="Word", what="证书模板") as tmp:
        _default_document().save(tmp)
    return target


def _default_document():
    from cmxl.docx.certificate_design import certificate_document

    return certificate_document()


def placeholders_in(doc) -> set[str]:
    """The names of the placeholders a template has, wherever they are."""
    return {f.key for found, _, _ in _scan(doc) for f in found}


def _stories(doc):
    """(label, XML root, DrawingML text?, filled per certificate?) for every part whose text prints."""
    from docx.oxml import parse_xml

    yield "正文", doc.element.body, False, True
    for label, part in header_footer_parts(doc):
        yield label, part.element, False, True
    for part in doc.part.package.iter_parts():
        if part.content_type in _ONCE:
            label, drawing = _ONCE[part.content_type]
            root = part.element if hasattr(part, "element") else parse_xml(part.blob)
            yield label, root, drawing, False


def _scan(doc) -> list[tuple[list[Found], list[Found], bool]]:
    out = []
    for label, root, drawing, filled in _stories(doc):
        found, broken = scan(root, label, PLACEHOLDERS, drawing)
        out.append((found, broken, filled))
    return out


def check_template(doc, name: str) -> None:
    """Refuse a template with a placeholder that would print as it is, each named with where it
    is and the text around it (so the clerk finds it with Word's 查找)."""
    problems: list[tuple[str, Found]] = []
    for found, broken, filled in _scan(doc):
        problems += [("unknown", f) for f in found if f.key not in PLACEHOLDERS]
        problems += [("broken", f) for f in broken]
        if not filled:
            problems += [("once", f) for f in found if f.key in PLACEHOLDERS]
    if not problems:
        return
    allowed = "、".join("{" + k + "}" for k in PLACEHOLDERS)
    kind, f = problems[0]
    if len(problems) == 1 and kind == "unknown":
        raise CertificateProblem(
            f"证书模板 {name} 的{f.where}中有无法识别的占位符 {f.shown}（所在文字：“{f.excerpt}”）；"
            f"可用的占位符：{allowed}。请在 Word 中改正模板后再打印"
        )
    shown = [_problem(kind, f) for kind, f in problems[:8]]
    more = f"等 {len(problems)} 处" if len(problems) > 8 else ""
    raise CertificateProblem(
        f"证书模板 {name} 中有 {len(problems)} 处占位符无法使用：{'；'.join(shown)}{more}。"
        f"可用的占位符：{allowed}。请在 Word 中改正模板后再打印"
    )


def _problem(kind: str, f: Found) -> str:
    at = f"（所在文字：“{f.excerpt}”）"
    if kind == "unknown":
        return f"{f.where}中的 {f.shown} 无法识别{at}"
    if kind == "broken":
        side = "右" if f.shown[0] in "{｛" else "左"
        return f"{f.where}中的“{f.shown}”缺少{side}括号{at}"
    return f"{f.where}中的 {f.shown} 无法按每张证书填写，请把它移到正文、表格、文本框或页眉页脚中{at}"


def _template_bytes(path: Path) -> bytes:
    """The template file's bytes, once it is known to be a Word document of a sane size."""
    if not path.exists():
        raise CertificateProblem(f"找不到证书模板 {path}，请检查路径")
    special = not_a_file(path)
    if special:
        raise CertificateProblem(f"证书模板 {path} {special}，请指定 Word 文档（.docx）")
    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        raise FileProblem(
            str(path),
            "too-large",
            f"文件过大（{size / 1048576:.0f} MB，上限 {MAX_TEMPLATE_BYTES // 1048576} MB），不像是证书模板；"
            "请在 Word 中压缩图片后另存",
        )
    try:
        data = path.read_bytes()
    except OSError:
        raise CertificateProblem(f"无法读取证书模板 {path}，请先在 Word 中关闭它或检查文件权限") from None
    not_word = f"证书模板 {path} 不是 Word 文档（.docx）"
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise CertificateProblem(f"证书模板 {path} 设置了打开密码，请在 Word 中取消密码后另存为 .docx")
        raise CertificateProblem(f"{not_word}，是旧版 Office 文档（如 Word 97-2003 的 .doc），请在 Word 中另存为 .docx")
    if data.startswith(b"{\\rtf"):
        raise CertificateProblem(f"{not_word}，是 RTF 文档，请在 Word 中另存为 .docx")
    if data.startswith(b"%PDF"):
        raise CertificateProblem(f"{not_word}，是 PDF 文件；请用 Word 文档作证书模板")
    if not data.startswith(ZIP_MAGIC):
        raise CertificateProblem(f"{not_word}，请在 Word 中另存为 .docx")
    return _as_docx(path, data)


def _as_docx(path: Path, data: bytes) -> bytes:
    """A .docx package: checked for size before anything is unpacked; a Word template (.dotx)
    read as the document it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            check_unpacked(
                str(path),
                infos,
                "证书模板",
                MAX_TEMPLATE_UNPACKED,
                members=MAX_TEMPLATE_PARTS,
                advice="；请在 Word 中压缩或删去过大的图片后另存",
            )
            names = {i.filename for i in infos}
            types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if _DOTX.encode() in types:  # a Word template (另存为 Word 模板): the same document inside
                return _retyped(zf, infos)
    except (zipfile.BadZipFile, KeyError, EOFError):
        raise CertificateProblem(f"证书模板 {path} 已损坏或不完整（无法解压），请在 Word 中重新保存") from None
    if any(t.encode() in types for t in _MACROS):
        raise CertificateProblem(f"证书模板 {path} 是启用宏的 Word 文档，请在 Word 中另存为 .docx（不含宏）")
    if _MAIN.encode() not in types:
        other = "压缩包或其他文件"
        if "xl/workbook.xml" in names:
            other = " Excel 工作簿"
        elif "ppt/presentation.xml" in names:
            other = " PowerPoint 演示文稿"
        raise CertificateProblem(f"证书模板 {path} 不是 Word 文档（.docx），是{other}；请指定 Word 文档")
    return data


def _retyped(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> bytes:
    """The package of a .dotx with its main part typed as a document's, which python-docx opens."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in infos:
            data = zf.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(_DOTX.encode(), _MAIN.encode())
            package.writestr(info, data)
    return out.getvalue()


def _open(name: str, data: bytes):
    from docx import Document

    try:
        return Document(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds for a package it cannot read
        raise CertificateProblem(
            f"证书模板 {name} 无法作为 Word 文档打开（已损坏？），请在 Word 中打开后另存为 .docx"
        ) from None


def _values(cert: Certificate) -> dict[str, str]:
    return {k: xml_text(str(get(cert))) for k, get in PLACEHOLDERS.items()}


def print_certificates(certs: list[Certificate], template: Path | None, target: Path) -> Path:
    """One copy of the template per certificate, from `template` (the built-in one when None).
    The template is checked whole before anything is written; the file appears complete or not at all."""
    if not certs:
        raise CertificateProblem("台账中没有要打印的证书（检查 --batch 和 --ledger）")
    check_target(target)
    if template is None:
        name, data = BUILT_IN, _bytes_of(_default_document())
    else:
        name, data = template.name, _template_bytes(template)
    doc = _open(name, data)
    check_template(doc, name)

    def has_placeholders(part) -> bool:
        return bool(scan(part.element, "", PLACEHOLDERS)[0])

    repeat(doc, [_values(c) for c in certs], has_placeholders)
    with replacing(target, program="Word", what="证书文件") as tmp:
        doc.save(tmp)
    return target


def _bytes_of(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
