"""A column given twice (two headers that read the same, DOMAIN §4.4): in each row the cell filled in
is read; when the filled cells say different things, the value is a conflict, an error on the row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cmxl.core.cellref import a1
from cmxl.core.engine.intake.result import Columns
from cmxl.core.engine.intake.text import any_date, clean_text, has_comma
from cmxl.core.grid import CellError, FormulaNoValue
from cmxl.core.model.workbook_format import WorkbookFormat
from cmxl.core.numbers import exact, has_inner_space, parse_number


@dataclass(frozen=True)
class Conflict(CellError):
    """The cell of a column given twice whose cells in this row differ (`text`: which say what);
    read like an error value, it is reported by whoever reads it, under the column's name."""

    first: str = ""  # the first filled cell's text (an id given twice still names its person)


def column_kinds(cols: Columns, fmt: WorkbookFormat) -> dict[int, str]:
    """How the content of each column given twice is compared: as a date, a number or text."""
    kinds = {}
    for first in cols.duplicates:
        hit = cols.hits[first]
        kind = "number"
        if hit[0] == "field":
            spec_type = fmt.by_key[hit[1]].type
            kind = "date" if spec_type == "date" else "number" if spec_type in ("number", "score") else "text"
        kinds[first] = kind
    return kinds


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _content(raw: object, kind: str) -> object:
    """What a cell says, for comparing the cells of a column given twice: 85, "85" and "85分"
    say the same; so do a date and the same date typed as text."""
    if isinstance(raw, CellError) or isinstance(raw, bool):
        return raw
    if kind == "date" and (day := any_date(raw)) is not None:
        return day
    if kind == "number" and not has_comma(raw) and not has_inner_space(raw):
        value, _ = parse_number(raw)
        if value is not None:
            return value
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return clean_text(raw) if isinstance(raw, str) else raw


def resolve(row: list, r: int, duplicates: dict[int, list[int]], kinds: dict[int, str]) -> tuple[list, dict]:
    """The row with each column given twice resolved into its first column: the value of the cell
    filled in (when the others are empty or say the same), or a Conflict when the filled cells
    differ; and first column -> the column a value was taken from, where that is another."""
    row = list(row)
    moved: dict[int, int] = {}
    for first, others in duplicates.items():
        filled = [c for c in (first, *others) if not _blank(row[c])]
        if not filled:
            continue
        if len({_content(row[c], kinds[first]) for c in filled}) > 1:
            cells = "，".join(f"{a1(r, c)} 为 {_cell_text(row[c])}" for c in filled)
            shown = row[filled[0]]
            row[first] = Conflict(cells, first=str(int(shown)) if _is_whole(shown) else clean_text(shown))
        elif filled[0] != first:
            row[first] = row[filled[0]]
            moved[first] = filled[0]
    return row, moved


def _is_whole(value: object) -> bool:
    return isinstance(value, float) and value.is_integer()


def _cell_text(value: object) -> str:
    """A cell's value as a message quotes it."""
    if isinstance(value, FormulaNoValue):
        return "没有计算结果的公式"
    if isinstance(value, CellError):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return exact(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return f"“{value}”" if isinstance(value, str) else str(value)
