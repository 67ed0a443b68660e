"""Render tables into a new workbook, atomically. Knows nothing about what the tables mean."""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import unicodedata
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font

from cmxl.core.errors import CmxlError

_FORMULA_STARTS = ("=", "+", "-", "@")


class OutputProblem(CmxlError):
    pass


def _cell(ws, value, bold: bool = False):
    if isinstance(value, float) and math.isnan(value):
        value = None
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and (value.startswith(_FORMULA_STARTS) or value in ERROR_CODES):
        cell.data_type = "s"  # text from a workbook stays text, never a formula or an error value
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_tables(path: Path, tables: list[tuple[str, pd.DataFrame]]) -> None:
    """Write each (sheet name, table) to a new workbook at `path`, via a temp file and rename."""
    check_target(path)
    wb = Workbook(write_only=True)
    for name, frame in tables:
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for i, col in enumerate(frame.columns):
            ws.column_dimensions[_letter(i)].width = _fit_width([col, *frame.iloc[:200, i].tolist()])
        ws.append([_cell(ws, str(c), bold=True) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([_cell(ws, v) for v in row])
    save_atomically(wb, path)


def _display_width(value: object) -> int:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_width(values: list[object]) -> float:
    """Column width (in characters) that shows the header and the first rows without '#####'."""
    return float(max(6, min(60, max(_display_width(v) for v in values) + 2)))


def _letter(i: int) -> str:
    from cmxl.core.cellref import column_letter

    return column_letter(i)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def check_target(path: Path) -> None:
    """Fail before any work when the target cannot be replaced."""
    if path.exists() and not _writable(path):
        raise OutputProblem(f"{path}：目标文件是只读的，无法覆盖；请换一个输出位置（-o）")
    if not path.parent.exists():
        raise OutputProblem(f"{path}：输出文件夹 {path.parent} 不存在")


def save_atomically(wb: Workbook, path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".cmxl-", suffix=".xlsx", dir=folder)
    except OSError as exc:
        raise OutputProblem(f"{path}：无法在 {folder} 中写文件（{exc.strerror}）；请换一个输出位置（-o）") from None
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError:
        raise OutputProblem(f"{path}：文件被占用或没有写权限（是否在 Excel 中打开着？），请关闭后重试") from None
    except OSError as exc:
        raise OutputProblem(f"{path}：写入失败（{exc.strerror}），未生成结果文件") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
