"""Look at a file before parsing it: say clearly what it is when it is not a workbook we can read."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from cmxl.core.errors import FileProblem, not_a_file

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 200 * 1024 * 1024  # a regional workbook is a few MB; 200 MB is not one
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # all parts together: a 50,000-person workbook is ~100 MB unpacked
MAX_RATIO = 200  # real sheet XML compresses ~10-30x; a zip bomb compresses thousands of times
MAX_SHEETS = 100  # a regional workbook has a few sheets (one per unit at most)
MAX_CELLS = 25_000_000  # rows x columns of a sheet's used range: the reader holds it as a dense grid
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
_LAST_ROW = re.compile(rb'<row r="(\d+)"')
_FAR_COLUMN = re.compile(rb'<c r="([A-Z]{3})(\d+)"')  # beyond column ZZ: rare in a real sheet
SUPPORTED = {".xlsx", ".xlsm", ".xls"}


def check_workbook_file(path: Path) -> tuple[str, bytes]:
    """Return the format ('xlsx' or 'xls') and the file's bytes (read once), or raise FileProblem
    saying what is wrong."""
    name = str(path)
    if not path.exists():
        raise FileProblem(name, "missing", "文件不存在，请检查路径")
    special = not_a_file(path)
    if special:
        raise FileProblem(name, "not-a-file", f"这{special}，不是工作簿文件")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileProblem(
            name,
            "too-large",
            f"文件过大（{size / 1048576:.0f} MB，上限 {MAX_FILE_BYTES // 1048576} MB），不像是测评工作簿",
        )
    if size == 0:
        raise FileProblem(name, "not-a-workbook", "文件是空的（0 字节），请重新保存或重新发送")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise FileProblem(name, "unreadable", "没有读取权限，请检查文件权限或先在 Excel 中关闭它") from None
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileProblem(name, "encrypted", "工作簿设置了打开密码（已加密），请在 Excel 中取消密码后另存再处理")
        return "xls", data
    if data.startswith(ZIP_MAGIC):
        _check_zip(name, data)
        return "xlsx", data
    raise FileProblem(
        name,
        "not-a-workbook",
        "不是 Excel 工作簿（.xlsx/.xlsm/.xls），请确认文件类型；如是 CSV 请在 Excel 中另存为 .xlsx",
    )


def _check_zip(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise FileProblem(name, "not-a-workbook", "文件已损坏或不完整（无法解压），请重新保存或重新发送") from None
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise FileProblem(name, "not-a-workbook", "这是一个压缩包或其他 Office 文档，不是 Excel 工作簿")
    if "xl/workbook.bin" in names:
        raise FileProblem(name, "not-a-workbook", "这是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx")
    check_unpacked(name, infos, "测评工作簿", MAX_UNPACKED_BYTES, advice="；如确是，请把人员分到几个工作簿中")
    sheets = [i for i in infos if _SHEET_PART.match(i.filename)]
    if len(sheets) > MAX_SHEETS:
        raise FileProblem(
            name, "too-many-sheets", f"工作表过多（{len(sheets)} 张，上限 {MAX_SHEETS} 张），请删除无关的工作表后另存"
        )


def check_unpacked(
    name: str,
    infos: list[zipfile.ZipInfo],
    what: str,
    limit: int,
    members: int | None = None,
    advice: str = "",
) -> None:
    """Refuse an Office file (a zip) before unpacking it when its parts would unpack too big: all
    together (`limit`), one of them compressed too well (a zip bomb), or too many of them
    (`members`, when given). `what` says what the file should have been (测评工作簿, 证书模板)."""
    if members is not None and len(infos) > members:
        raise FileProblem(
            name, "too-large", f"包含的部件过多（{len(infos)} 个，上限 {members} 个），不像是{what}{advice}"
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limit:
        raise FileProblem(
            name,
            "too-large",
            f"解压后过大（{unpacked / 1048576:.0f} MB，上限 {limit // 1048576} MB），不像是{what}{advice}",
        )
    for info in infos:
        if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileProblem(name, "zip-bomb", f"压缩比异常（{info.filename}），已拒绝处理（疑似压缩炸弹）")


def check_extent(name: str, sheet_xml: bytes) -> None:
    """Refuse a sheet whose used range is too big to hold (a stray value at XFD1048576 makes a
    54 KB file a grid of 17 billion cells), before the reader allocates it. Judged on the sheet's
    XML (which the reader has already unpacked for its own look): the declared dimension, the
    columns of the first and last rows, the last row, and any cell beyond column ZZ anywhere."""
    cols, far = 0, ""
    if dim := _DIMENSION.search(sheet_xml, 0, 65536):
        cols, far = _column_number(dim.group(1)), (dim.group(1) + dim.group(2)).decode()
    cols = max(cols, _widest(sheet_xml[:65536]), _widest(sheet_xml[-65536:]))
    for found in _FAR_COLUMN.finditer(sheet_xml):
        col = _column_number(found.group(1))
        if col > cols:
            cols, far = col, (found.group(1) + found.group(2)).decode()
    at = sheet_xml.rfind(b'<row r="')  # rows come in order: the last one is the highest
    last = _LAST_ROW.match(sheet_xml, at) if at >= 0 else None
    rows = int(last.group(1)) if last else 0
    if rows * cols > MAX_CELLS:
        where = far or f"第 {rows} 行"
        raise FileProblem(
            name,
            "too-large",
            f"工作表的使用范围过大（{rows} 行 × {cols} 列，最远处 {where}），多半是误填了远处的单元格；"
            "请在 Excel 中删除该单元格（或多余的行、列）后另存再处理",
        )


_CELL_COLUMN = re.compile(rb'<c r="([A-Z]+)\d')


def _widest(xml: bytes) -> int:
    """The highest column number of the cells in a stretch of sheet XML."""
    return max((_column_number(m.group(1)) for m in _CELL_COLUMN.finditer(xml)), default=0)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
