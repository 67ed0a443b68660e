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
from cmxl.core.grid import CellError, FormulaNoValue, SheetGrid, WorkbookGrid
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
# a shared-string cell whose index is not a plain number (-1, " 1") or is too long to be one (2**64 and
# more wrap round): calamine reads it as string 0. No table holds a billion strings.
_BAD_SHARED = re.compile(rb't="s"[^>]*>\s*<v>(?!\d{1,9}<)')
_SHARED_INDEX = re.compile(rb't="s"[^>]*>\s*<v>(\d+)<')
# the end of a formula cell with no result stored: "<f>…</f></c>", or an empty <v> after it
_FORMULA_END = re.compile(rb"(?:</f>|<f\b[^>]*/>)(?:<v\s*/>|<v></v>)?</c>")
_CELL_START = re.compile(rb'<c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*>')


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
            if "string index" in str(exc):  # a shared-string index beyond the table: a damaged file
                raise FileProblem(str(path), "damaged", _bad_shared_index(data, meta.name)) from None
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
        errors, hidden, percent, uncalculated = extras.get(meta.name, ({}, frozenset(), frozenset(), frozenset()))
        for (r, c), text in errors.items():
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = CellError(text)
        for r, c in uncalculated:  # calamine reads them as empty, and leaves them out at the range's edge
            while len(rows) <= r:
                rows.append([])
            if len(rows[r]) <= c:
                rows[r].extend([""] * (c + 1 - len(rows[r])))
            rows[r][c] = FormulaNoValue()
        visible = str(meta.visible).endswith("Visible")
        grid.sheets.append(SheetGrid(meta.name, rows, hidden, visible, percent_cells=percent))
    return grid


def _col_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


# per sheet: error cells and their text, hidden rows, cells shown as a percentage, formula cells
# without a stored result
Extras = tuple[dict[tuple[int, int], str], frozenset[int], frozenset[tuple[int, int]], frozenset[tuple[int, int]]]
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
    limits (before the reader allocates it), its shared-string cells checked, and sheet name ->
    (error cells, hidden rows, cells formatted as a percentage, formula cells without a result),
    0-based; and what cmxl made the file as. Two sheet entries naming one sheet's data (the
    reader would count everyone on it twice) are refused."""
    out: dict[str, Extras] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        made = _producer(zf)
        parts = _sheet_parts(zf)
        if parts is None:
            return out, made
        percent_styles = _percent_styles(zf)
        percent_cell = (
            re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\bs="(?:' + "|".join(map(str, percent_styles)).encode() + rb')"')
            if percent_styles
            else None
        )
        names = set(zf.namelist())
        seen: dict[str, str] = {}  # sheet part -> the first sheet entry naming it
        for sheet_name, member in parts:
            if (member in seen and member in names) or sheet_name in seen.values():
                first = seen.get(member, sheet_name)
                twice = (
                    f"工作表“{sheet_name}”列出了两次"
                    if first == sheet_name
                    else f"工作表“{first}”和“{sheet_name}”是同一张表的数据"
                )
                raise FileProblem(
                    name,
                    "damaged",
                    f"工作簿的结构有误：{twice}（读取时会把其中每个人算两次）；"
                    "请在 Excel 中打开该工作簿，检查工作表后另存再处理，或请报送单位重新发送",
                )
            seen[member] = sheet_name
            if member not in names:
                continue
            data = zf.read(member)
            check_extent(name, data)
            bad = _BAD_SHARED.search(data) if b't="s"' in data else None
            if bad is not None:
                raise FileProblem(name, "damaged", _shared_problem(data, bad.start(), sheet_name))
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
            uncalculated = _uncalculated(data) if b"<f" in data else frozenset()
            out[sheet_name] = (errors, frozenset(hidden), frozenset(percent), uncalculated)
    return out, made


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]] | None:
    """(sheet name, package member of its XML) for each sheet entry of the workbook, in order;
    None when the workbook part or its relationships cannot be read."""
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    parts = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts.append((sheet.get("name", ""), member))
    return parts


def _cell_at(data: bytes, pos: int) -> tuple[str, bytes]:
    """The A1 address and the start tag of the cell whose XML holds position `pos`."""
    start = max(data.rfind(b"<c ", 0, pos), data.rfind(b"<c>", 0, pos))
    found = _CELL_START.match(data, start) if start >= 0 else None
    if found is None:
        return "", b""
    return (found.group(1) + found.group(2)).decode(), found.group(0)


def _uncalculated(sheet_xml: bytes) -> frozenset[tuple[int, int]]:
    """Formula cells without a stored result (0-based): a program that does not calculate saved
    the file. A text formula whose result is empty ("" stored as t="str") has its result."""
    cells = set()
    for end in _FORMULA_END.finditer(sheet_xml):
        ref, tag = _cell_at(sheet_xml, end.start())
        if not ref or (b"<v" in end.group(0) and b't="str"' in tag):
            continue
        letters = ref.rstrip("0123456789")
        cells.add((int(ref[len(letters) :]) - 1, _col_index(letters.encode())))
    return frozenset(cells)


def _shared_problem(sheet_xml: bytes, pos: int, sheet: str, index: str = "") -> str:
    ref, _ = _cell_at(sheet_xml, pos)
    if not index:
        found = re.match(rb"[^>]*>\s*<v>([^<]*)<", sheet_xml[pos + 5 : pos + 300])
        index = found.group(1).decode("utf-8", "replace") if found else ""
    where = f"工作表“{sheet}”的单元格 {ref} " if ref else f"工作表“{sheet}”中有单元格"
    return (
        f"文件已损坏：{where}引用的共享文字（编号“{index}”）不存在，无法知道其内容；"
        "请在 Excel 中打开该工作簿，核对该单元格后另存再处理，或请报送单位重新发送"
    )


def _bad_shared_index(data: bytes, sheet: str) -> str:
    """What calamine's 'string index not found' means, with the cell: found only when it has
    happened (a look at every shared-string cell), so a sound file pays nothing for it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            table = zf.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in zf.namelist() else b""
            count = table.count(b"<si>") + table.count(b"<si ")
            for member in [m for name, m in _sheet_parts(zf) or [] if name == sheet]:
                xml = zf.read(member)
                for found in _SHARED_INDEX.finditer(xml):
                    if int(found.group(1)) >= count:
                        return _shared_problem(xml, found.start(), sheet, found.group(1).decode())
    except (zipfile.BadZipFile, KeyError, zlib.error):
        pass
    return _shared_problem(b"", 0, sheet, "?")
