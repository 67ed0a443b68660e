"""Intake: a cell grid in, normalised records and per-cell issues out (docs/rules.md, 测评工作簿).

- headers.py: finding the people sheets by their header row, what each column's header reads as;
- duplicate_columns.py: a column given twice, resolved cell by cell (or a conflict);
- reader.py: one cell's score, level or number; fields.py: the fixed columns' readers (FIELD_READERS);
- rows.py: a sheet read row by row; people.py: the checks over all people, sheets merged;
- text.py: text and dates as a clerk types them; result.py: what intake hands on (Intake)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from cmxl.core.cellref import a1
from cmxl.core.engine.intake.fields import CELL_DEPENDENT, FIELD_READERS, FieldCell, read_field
from cmxl.core.engine.intake.headers import choose_sheets, header_lookup
from cmxl.core.engine.intake.people import merge_sheets
from cmxl.core.engine.intake.reader import CellReader
from cmxl.core.engine.intake.result import Columns, Intake, People
from cmxl.core.engine.intake.rows import people_columns, read_sheet
from cmxl.core.engine.intake.text import DATE_RANGE, EXCEL_EPOCH, SERIAL_RANGE, clean_text, header_key, parse_date
from cmxl.core.grid import WorkbookGrid
from cmxl.core.issues import issue
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import WorkbookFormat

__all__ = [
    "CELL_DEPENDENT",
    "DATE_RANGE",
    "EXCEL_EPOCH",
    "FIELD_READERS",
    "SERIAL_RANGE",
    "CellReader",
    "Columns",
    "FieldCell",
    "Intake",
    "People",
    "clean_text",
    "header_key",
    "parse_date",
    "read_assessment",
    "read_field",
]


def read_assessment(
    grid: WorkbookGrid,
    fw: Framework,
    schemes: dict[str, Scheme],
    fmt: WorkbookFormat,
    as_of: dt.date | None = None,
) -> Intake:
    """Find the people sheets, map their headers and read every person's values. A workbook with
    one sheet per unit is read sheet by sheet (sheets with the same columns as the first); a
    hidden sheet is skipped with a warning, and so is a sheet whose columns differ. A date after
    `as_of` (the assessment date) is an error on its cell."""
    lookup = header_lookup(fw, fmt)
    found = choose_sheets(grid, lookup, fmt)
    visible = [(s, r) for s, r in found if s.visible]
    notes = [
        issue("sheet-hidden-skipped", file=grid.source, sheet=s.name, cell=a1(r, 0), value=s.name)
        for s, r in found
        if not s.visible
    ]
    if not visible:
        if found:  # the people sheets are there, only hidden: said as that, not as "none found"
            hidden = "、".join(f"“{s.name}”" for s, _ in found)
            only = [issue("sheet-all-hidden", file=grid.source, sheet=found[0][0].name, value=hidden)]
            return _no_people_sheet(grid.source, len(fw.competencies), fmt, only)
        return _no_people_sheet(grid.source, len(fw.competencies), fmt, notes)
    parts = [read_sheet(grid.source, sheet, row, lookup, fw, schemes, fmt, as_of) for sheet, row in visible]
    first = parts[0]
    same = [first] + [x for x in parts[1:] if x.columns == first.columns]
    notes += [
        issue(
            "sheet-layout-differs",
            file=grid.source,
            sheet=x.sheet,
            cell=a1(x.header_row, 0),
            value=x.sheet,
            first=first.sheet,
        )
        for x in parts[1:]
        if x.columns != first.columns
    ]
    intake = merge_sheets(same) if len(same) > 1 else first
    if len(intake.people) == 0:
        notes.append(issue("no-people", file=grid.source, sheet=first.sheet, cell=a1(first.header_row, 0)))
    intake.issues = notes + intake.issues
    return intake


def _no_people_sheet(source: str, k: int, fmt: WorkbookFormat, notes: list) -> Intake:
    """The intake of a workbook without a (visible) people sheet: no people, and the issue saying so."""
    return Intake(
        source,
        "",
        -1,
        Columns(),
        People({key: [] for key in people_columns(fmt)}),
        np.empty((0, k)),
        np.empty((0, k), dtype=int),
        np.empty((0, k), dtype=bool),
        {},
        notes if any(i.severity == "error" for i in notes) else [*notes, issue("sheet-not-found", file=source)],
        typed_levels=np.empty((0, k), dtype=int),
    )
