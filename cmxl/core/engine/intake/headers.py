"""Finding the people sheets by their header row, and what each column's header reads as: a fixed
field, a competency, its level, a knowledge sub-item (a column given twice noted as such); a copy of
the header further down."""

from __future__ import annotations

import re

from cmxl.core.cellref import column_letter
from cmxl.core.engine.intake.reader import CellReader
from cmxl.core.engine.intake.result import Columns
from cmxl.core.engine.intake.text import clean_text, header_key
from cmxl.core.grid import SheetGrid, WorkbookGrid
from cmxl.core.model.framework import Framework
from cmxl.core.model.workbook_format import WorkbookFormat

_BRACKETED_TAIL = re.compile(r"\([^()]*\)$")


def header_lookup(fw: Framework, fmt: WorkbookFormat) -> dict[str, tuple]:
    """Every header a column may have (cleaned) -> what it reads as: ("field", key), ("item", i),
    ("item_level", i) or ("sub", i, j)."""
    table: dict[str, tuple] = {}
    for spec in fmt.fields:
        for name in (spec.header, *spec.aliases):
            table[header_key(name)] = ("field", spec.key)
    for i, comp in enumerate(fw.competencies):
        names = [comp.name] + ([comp.code + comp.name] if comp.code else [])
        for name in names:
            table[header_key(name)] = ("item", i)
            table[header_key(name + "级别")] = ("item_level", i)
            table[header_key(name + "得分")] = ("item", i)
        for j, sub in enumerate(comp.subitems):
            table[header_key(sub)] = ("sub", i, j)
    return table


def match_header(lookup: dict[str, tuple], value: object) -> tuple | None:
    key = header_key(value)
    if not key:
        return None
    if key in lookup:
        return lookup[key]
    trimmed = _BRACKETED_TAIL.sub("", key)
    return lookup.get(trimmed) if trimmed != key else None


def _find_header(sheet: SheetGrid, lookup: dict[str, tuple], search_rows: int) -> int | None:
    best, best_row = 0, None
    for r, row in enumerate(sheet.rows[:search_rows]):
        hits = [match_header(lookup, v) for v in row]
        keys = {h[1] for h in hits if h and h[0] == "field"}
        count = sum(1 for h in hits if h)
        if keys & {"employee_id", "name"} and count >= 3 and count > best:
            best, best_row = count, r
    return best_row


def choose_sheets(grid: WorkbookGrid, lookup: dict, fmt: WorkbookFormat) -> list[tuple[SheetGrid, int]]:
    """Every sheet with a header row of the people sheet, the one named 测评数据 first, then in
    workbook order; hidden ones too (the caller skips them with a warning)."""
    preferred = [s for s in grid.sheets if clean_text(s.name) == fmt.format.sheet]
    others = [s for s in grid.sheets if s not in preferred]
    found = []
    for sheet in preferred + others:
        row = _find_header(sheet, lookup, fmt.format.header_search_rows)
        if row is not None:
            found.append((sheet, row))
    return found


def _column_label(hit: tuple, fw: Framework, fmt: WorkbookFormat) -> str:
    """The canonical header of what a column holds."""
    if hit[0] == "field":
        return fmt.by_key[hit[1]].header
    comp = fw.competencies[hit[1]]
    if hit[0] == "item":
        return comp.name
    if hit[0] == "item_level":
        return comp.name + "级别"
    return comp.subitems[hit[2]]


def map_columns(
    reader: CellReader, header: list, lookup: dict, header_row: int, fw: Framework, fmt: WorkbookFormat
) -> Columns:
    cols = Columns()
    date_fields = {spec.key for spec in fmt.fields if spec.type == "date"}
    seen: dict[tuple, int] = {}
    for c, value in enumerate(header):
        hit = match_header(lookup, value)
        if hit is None:
            if clean_text(value):
                reader.add("column-unknown", header_row, c, "", "", clean_text(value))
            continue
        cols.hits[c] = hit
        if hit[0] == "field" and hit[1] in date_fields:
            cols.date_columns.add(c)
        if hit in seen:  # read beside the first: a row whose two cells differ is an error (DOMAIN §4.4)
            cols.duplicates.setdefault(seen[hit], []).append(c)
            label = _column_label(hit, fw, fmt)
            reader.add("column-duplicate", header_row, c, "", label, clean_text(value), other=column_letter(seen[hit]))
            continue
        seen[hit] = c
        if hit[0] == "field":
            cols.fields[hit[1]] = c
        elif hit[0] == "item":
            cols.items[hit[1]] = c
        elif hit[0] == "item_level":
            cols.item_levels[hit[1]] = c
        else:
            cols.subitems[(hit[1], hit[2])] = c
    _missing_columns(reader, cols, header_row, fw, fmt)
    return cols


def _missing_columns(reader: CellReader, cols: Columns, header_row: int, fw: Framework, fmt: WorkbookFormat) -> None:
    for spec in fmt.fields:
        if spec.required and spec.key not in cols.fields:
            reader.add("column-missing", header_row, 0, "", spec.header, "")
    for i, comp in enumerate(fw.competencies):
        has_subs = any((i, j) in cols.subitems for j in range(len(comp.subitems)))
        if has_subs:
            for j, sub in enumerate(comp.subitems):
                if (i, j) not in cols.subitems:
                    reader.add("column-missing", header_row, 0, "", sub, "")
        elif i not in cols.items and i not in cols.item_levels:
            reader.add("column-missing", header_row, 0, "", comp.name, "")


def header_like(value: object, lookup: dict) -> bool:
    """Is this id (or name) cell a header word? Most ids are numbers or start with a digit: they
    are not looked up, so that a sheet of 50,000 people is not matched against the headers."""
    return (
        isinstance(value, str)
        and value[:1] != ""
        and not value[:1].isdigit()
        and match_header(lookup, value) is not None
    )


def header_copy(reader: CellReader, row: list, r: int, cols: Columns, lookup: dict, header_row: int) -> bool:
    """Is row `r` the header row again (noted and skipped)? One whose recognised headers stand in
    other columns than the header's is an error: the rows under it are read by the first header."""
    hits = {c: match_header(lookup, v) for c, v in enumerate(row) if isinstance(v, str)}
    hits = {c: h for c, h in hits.items() if h is not None}
    if len(hits) < 3 or not any(h[0] == "field" and h[1] in ("employee_id", "name") for h in hits.values()):
        return False
    if all(cols.hits.get(c) == h for c, h in hits.items()):
        reader.add("header-repeated", r, 0, "", "", "", row_no=r + 1)
    else:
        reader.add("header-repeated-differs", r, 0, "", "", "", row_no=r + 1, header_no=header_row + 1)
    return True
