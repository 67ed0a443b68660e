"""The plain cell grid that adapters hand to the core."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CellError:
    """A spreadsheet error value in a cell, e.g. #N/A or #DIV/0!."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class FormulaNoValue(CellError):
    """A formula cell the file holds no result for: the program that saved it did not
    calculate (Excel stores every formula's last result beside it)."""

    text: str = ""


@dataclass
class SheetGrid:
    """One sheet: rows of Python values (str, float, int, date, datetime, CellError (FormulaNoValue among
    them), None or '').

    rows[i][j] is the cell at 0-based row i, column j (A1 row i+1).
    """

    name: str
    rows: list[list[object]]
    hidden_rows: frozenset[int] = frozenset()
    visible: bool = True
    percent_cells: frozenset[tuple[int, int]] = frozenset()  # (row, col) shown as a percentage (58%)


@dataclass
class WorkbookGrid:
    """All sheets of one workbook, with the file name used in messages."""

    source: str
    sheets: list[SheetGrid] = field(default_factory=list)
    sha256: str = ""  # of the file's bytes, when it came from a file
    producer: str = ""  # "results" / "roster" / "template" when cmxl wrote the file, else ""
