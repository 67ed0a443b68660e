"""The open workbook as the same cell grid the file reader makes (xlwings)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from cmxl.core.grid import CellError, SheetGrid, WorkbookGrid

ERROR_TEXTS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}


def read_book(book: Any, skip: Collection[str] = ()) -> WorkbookGrid:
    """The open workbook as a cell grid, as cmxl.xlsx.read makes it from a file: rows from A1,
    error values as CellError, hidden rows noted. Sheets in `skip` (cmxl's own) are left out."""
    sheets = []
    for ws in book.sheets:
        if ws.name in skip:
            continue
        used = ws.used_range
        values = used.options(ndim=2, err_to_str=True).value
        top, left = used.row - 1, used.column - 1
        rows: list[list[object]] = [[] for _ in range(top)]
        rows += [[None] * left + [_cell(v) for v in row] for row in values]
        sheets.append(SheetGrid(ws.name, rows, _hidden_rows(ws, top, top + len(values) - 1), visible=ws.visible))
    return WorkbookGrid(source=book.name, sheets=sheets)


def _cell(value: object) -> object:
    if isinstance(value, str) and value in ERROR_TEXTS:
        return CellError(value)
    return value


def _hidden_rows(ws: Any, first: int, last: int) -> frozenset[int]:
    """A hidden row has height 0. One call for the whole block when all rows are alike (the usual
    case: Excel answers None when heights differ), else one a row."""
    if last < first:
        return frozenset()
    height = ws.range(f"{first + 1}:{last + 1}").row_height
    if height is not None:
        return frozenset(range(first, last + 1)) if height == 0 else frozenset()
    return frozenset(r for r in range(first, last + 1) if ws.range(f"{r + 1}:{r + 1}").row_height == 0)
