"""Workbook file -> cell grid, with python-calamine.

calamine is ~13x faster than openpyxl on large sheets and also reads .xls. It reads formula
error cells (#N/A, #DIV/0!) as empty strings (python-calamine issue #105) and does not report
hidden rows, so for .xlsx/.xlsm one streaming look at each sheet's XML recovers both.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import threading
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

import python_calamine as pc

from cmxl.core.errors import INTERRUPTS, FileProblem
from cmxl.core.grid import CellError, SheetGrid, WorkbookGrid
from cmxl.core.layout.names import DETAIL, INFO, LOG, PASSED_SHEET, REGISTRY_SHEET, SUMMARY
from cmxl.xlsx.safety import check_extent, check_workbook_file

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*\bhidden="(?:1|true)"[^>]*>')


PRODUCER_PROPERTY = "cmxl"  # the custom document property cmxl writes: what it made the file as
_PRODUCER = re.compile(rb'<property\b[^>]*\bname="cmxl"[^>]*>\s*<vt:lpwstr[^>]*>([^<]*)</vt:lpwstr>')
_SHEET_NAME = re.compile(rb'<sheet\b[^>]*\bname="([^"]*)"')


def producer(data: bytes) -> str:
    """What cmxl made the .xlsx in `data` as ('' when not cmxl's, or not a readable package)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _producer(zf)
    except (zipfile.BadZipFile, KeyError):
        return ""


def _producer(zf: zipfile.ZipFile) -> str:
    """What cmxl made an .xlsx as ("results", "roster", "template"), from its document property;
    for files of versions before the property, from their sheets: a 运行信息 sheet beside 汇总
    (results) or 通过名单 (roster), in a file that is not a clerk's workbook cmxl wrote into
    (that has cmxl's hidden registry sheet and the clerk's own data)."""
    names = set(zf.namelist())
    if "docProps/custom.xml" in names:
        found = _PRODUCER.search(zf.read("docProps/custom.xml"))
        if found:
            return found.group(1).decode("utf-8", "replace")
    if "xl/workbook.xml" not in names:
        return ""
    sheets = {m.group(1).decode("utf-8", "replace") for m in _SHEET_NAME.finditer(zf.read("xl/workbook.xml"))}
    if INFO not in sheets or REGISTRY_SHEET in sheets:
        return ""
    if SUMMARY in sheets and DETAIL in sheets:
        return "results"
    if PASSED_SHEET in sheets and LOG in sheets:
        return "roster"
    return ""


class _Ahead:
    """A workbook being read on a thread of its own."""

    def __init__(self, path: Path, stamp: tuple[int, int]):
        self.path, self.stamp = path, stamp
        self.grid: WorkbookGrid | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        threading.Thread(target=self._run, name="cmxl-read", daemon=True).start()

    def _run(self) -> None:
        try:
            self.grid = _read(self.path)
        except BaseException as exc:  # raised where the grid is asked for
            self.error = exc
        finally:
            self.done.set()


_AHEAD: dict[str, _Ahead] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def read_ahead(path: Path) -> None:
    """Start reading a workbook before it is asked for. The command line does this while its
    libraries load (about half a second): calamine, zlib and hashlib let go of the interpreter
    lock, so the two overlap on two cores. read_workbook takes the grid if the file has not
    changed since; anything wrong with the file is reported there, as without this."""
    stamp = _stamp(path)
    if stamp is not None and path.is_file():
        _AHEAD[str(path.resolve())] = _Ahead(path, stamp)


def read_workbook(path: Path) -> WorkbookGrid:
    ahead = _AHEAD.pop(str(path.resolve()), None) if _AHEAD else None
    if ahead is not None:
        ahead.done.wait()
        if ahead.stamp == _stamp(path):
            if ahead.error is not None:
                raise ahead.error
            assert ahead.grid is not None
            ahead.grid.source = path.name
            return ahead.grid
    return _read(path)


def _read(path: Path) -> WorkbookGrid:
    kind, data = check_workbook_file(path)  # the file is read once; everything below uses these bytes
    grid = WorkbookGrid(source=path.name, sha256=hashlib.sha256(data).hexdigest())
    try:  # one look at the package before the reader: limits, what cmxl made it as, errors, hidden rows
        extras, grid.producer = _xml_extras(data, str(path)) if kind == "xlsx" else ({}, "")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise FileProblem(str(path), "damaged", "文件已损坏（数据校验失败），请重新保存或重新发送") from None
    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise FileProblem(str(path), "encrypted", "工作簿设置了密码，请在 Excel 中取消密码后另存再处理") from None
    except BaseException as exc:  # calamine raises several types (in English) for a damaged file
        if isinstance(exc, INTERRUPTS):
            raise
        raise FileProblem(
            str(path), "unreadable", "无法读取工作簿，文件可能已损坏；请在 Excel 中打开后另存再处理"
        ) from None
    for meta in book.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet":
            continue
        try:
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except BaseException as exc:
            if isinstance(exc, INTERRUPTS):
                raise
            if type(exc).__name__ == "PanicException":  # calamine's Rust code stopped on a value
                raise FileProblem(
                    str(path),
                    "unreadable",
                    f"无法读取工作表“{meta.name}”：其中有超出范围的日期或时长（例如设为日期或时间格式的极大数值）；"
                    "请检查设为日期、时间格式的单元格，改正后另存再处理",
                ) from None
            raise FileProblem(
                str(path), "unreadable", f"无法读取工作表“{meta.name}”，文件可能已损坏；请在 Excel 中打开后另存再处理"
            ) from None
        errors, hidden, percent = extras.get(meta.name, ({}, frozenset(), frozenset()))
        for (r, c), text in errors.items():
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = CellError(text)
        visible = str(meta.visible).endswith("Visible")
        grid.sheets.append(SheetGrid(meta.name, rows, hidden, visible, percent_cells=percent))
    return grid


def _col_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


Extras = tuple[dict[tuple[int, int], str], frozenset[int], frozenset[tuple[int, int]]]
_PERCENT_FORMATS = {9, 10}  # Excel's built-in 0% and 0.00%


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (xf) that show a number as a percentage."""
    try:
        styles = ElementTree.fromstring(zf.read("xl/styles.xml"))
    except (KeyError, ElementTree.ParseError):
        return set()
    percent = set(_PERCENT_FORMATS)
    for fmt in styles.findall("m:numFmts/m:numFmt", _NS):
        code = fmt.get("formatCode", "").replace("\\%", "").replace('"%"', "")
        if "%" in code:
            percent.add(int(fmt.get("numFmtId", "-1")))
    xfs = styles.findall("m:cellXfs/m:xf", _NS)
    return {i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent}


def _xml_extras(data: bytes, name: str) -> tuple[dict[str, Extras], str]:
    """One pass over the package, each sheet's XML unpacked once: its extent checked against the
    limits (before the reader allocates it), and sheet name -> (error cells, hidden rows, cells
    formatted as a percentage), 0-based; and what cmxl made the file as."""
    out: dict[str, Extras] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        made = _producer(zf)
        try:
            workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ElementTree.ParseError):
            return out, made
        percent_styles = _percent_styles(zf)
        percent_cell = (
            re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\bs="(?:' + "|".join(map(str, percent_styles)).encode() + rb')"')
            if percent_styles
            else None
        )
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
        names = set(zf.namelist())
        for sheet in workbook.findall("m:sheets/m:sheet", _NS):
            target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if member not in names:
                continue
            data = zf.read(member)
            check_extent(name, data)
            errors: dict[tuple[int, int], str] = {}
            if b't="e"' in data:
                for match in _ERROR_CELL.finditer(data):
                    ref = _REF.search(match.group(1))
                    value = _VALUE.search(match.group(2))
                    if ref:
                        text = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
                        errors[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = text
            hidden: set[int] = set()
            if b"hidden=" in data:
                for match in _HIDDEN_ROW.finditer(data):
                    ref = re.search(rb'\br="(\d+)"', match.group(0))
                    if ref:
                        hidden.add(int(ref.group(1)) - 1)
            percent: set[tuple[int, int]] = set()
            if percent_cell is not None:  # only a workbook that has a percentage format pays for this scan
                for match in percent_cell.finditer(data):
                    percent.add((int(match.group(2)) - 1, _col_index(match.group(1))))
            out[sheet.get("name", "")] = (errors, frozenset(hidden), frozenset(percent))
    return out, made
