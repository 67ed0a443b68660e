"""The Excel renderer writes what the file renderer writes: the same ReportSpec through the
xlwings double and through openpyxl, compared sheet by sheet."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cmxl.core.engine.assessment import assess
from cmxl.core.layout.results import build_in_workbook
from cmxl.core.layout.spec import Cell
from cmxl.core.model.loading import catalogue
from cmxl.excel.render import clear_marks, excel_value, render_into
from cmxl.xlsx.read import read_workbook
from cmxl.xlsx.render import render
from tests.conftest import AS_OF
from tests.xlwings_double import Book, sheet_snapshot

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"list": "list", "decimal": "decimal", "whole": "whole", "date": "date"}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (Cell("0610007"), "'0610007"),  # an id Excel would turn into 610007
        (Cell("=1/0"), "'=1/0"),  # text from input, not a formula
        (Cell("=A1", formula=True), "=A1"),
        (Cell("2024-05-03"), "'2024-05-03"),
        (Cell("TRUE"), "'TRUE"),
        (Cell("张三"), "张三"),
        (Cell(""), None),
        (Cell(float("nan")), None),
        (Cell(dt.date(2024, 2, 29)), dt.datetime(2024, 2, 29)),
        (Cell(81.5), 81.5),
    ],
)
def test_values_reach_excel_as_they_are_meant(cell, expected):
    assert excel_value(cell) == expected


def assessed(name="陕西_2026.xlsx"):
    grid = read_workbook(ROOT / "workbooks" / name)
    cat = catalogue()
    a = assess(grid, cat.framework(), cat, AS_OF)
    return grid, a, build_in_workbook(a, source=name, tool_version="test", created="2026-12-01T09:00:00")


def _hex(color) -> str | None:
    if color is None:
        return None
    if isinstance(color, tuple):
        return "{:02X}{:02X}{:02X}".format(*color)
    return color[-6:]


def _number(value):
    """Numbers compared to 12 significant digits (the file writes floats with 16 or 17)."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def file_snapshot(ws) -> dict:
    """The same view of a sheet written by openpyxl and read back."""
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            fill = _hex(c.fill.fgColor.rgb) if c.fill.fill_type == "solid" else None
            value = c.value
            if isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            entry = (
                _number(value),
                c.number_format,
                fill,
                bool(c.font.b),
                c.comment.text if c.comment else None,
                ("#" + c.hyperlink.location) if c.hyperlink else None,
            )
            if entry != (None, "General", None, False, None, None):
                cells[c.coordinate] = entry
    rules: dict[str, list[str]] = {}
    for cf in ws.conditional_formatting:
        rules.setdefault(str(cf.sqref), []).extend(r.formula[0] for r in cf.rules)
    charts = []
    for ch in ws._charts:
        series = [(s.tx.v, s.val.numRef.f, (s.cat.numRef or s.cat.strRef).f) for s in ch.series]
        charts.append(series)
    return {
        "cells": cells,
        "merges": sorted(str(m) for m in ws.merged_cells.ranges),
        "rules": rules,
        "validations": sorted((v.type, str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation),
        "tables": sorted((t.name, t.ref, t.tableStyleInfo.name) for t in ws.tables.values()),
        "charts": charts,
    }


def double_snapshot(sheet) -> dict:
    snap = sheet_snapshot(sheet)
    cells = {}
    for ref, (content, fmt, color, bold, note, link) in snap["cells"].items():
        entry = (_number(content), fmt, _hex(color), bold, note, link)
        if entry != (None, "General", None, False, None, None):
            cells[ref] = entry
    rules: dict[str, list[str]] = {}
    for rule in snap["conditional"]:
        rules.setdefault(rule["range"], []).append(rule["formula"].removeprefix("="))
    validations = []
    for v in snap["validations"]:
        formula = v.get("source") or ('"' + ",".join(v["options"]) + '"' if "options" in v else str(v["minimum"]))
        validations.append((KINDS[v["kind"]], v["range"], formula))
    return {
        "cells": cells,
        "merges": snap["merges"],
        "rules": rules,
        "validations": sorted(validations),
        "tables": sorted((t["name"], t["ref"], t["style"]) for t in snap["tables"]),
        "charts": [[(n, values, cats) for n, values, cats in series] for _, _, series in snap["charts"]],
    }


def test_results_in_the_open_workbook_equal_the_results_file(tmp_path):
    grid, _, spec = assessed()
    render(spec, tmp_path / "file.xlsx")
    from_file = openpyxl.load_workbook(tmp_path / "file.xlsx")

    book = Book._from_grid(grid, "C:/地市/陕西_2026.xlsx")
    render_into(book, spec)

    assert [s.name for s in book.sheets] == ["测评数据", *[s.name for s in spec.sheets]]
    for sheet in spec.sheets:
        expected, got = file_snapshot(from_file[sheet.name]), double_snapshot(book.sheets[sheet.name])
        for part in expected:
            assert got[part] == expected[part], f"{sheet.name}: {part}"
    assert book.sheets["汇总"].charts._items == [] and len(book.sheets["统计图表"].charts._items) >= 4


def test_marks_highlight_the_clerks_cells_and_clearing_puts_back_what_was_there():
    grid, _, spec = assessed()
    book = Book._from_grid(grid, "C:/地市/陕西_2026.xlsx")
    data = book.sheets["测评数据"]
    first, second = spec.marks[0].cell, spec.marks[1].cell
    data.range(first).color = "#00B0F0"  # the clerk's own colour and note on a cell with an issue
    data.range(first).add_note("区里复核过")
    before = {m.cell: data.range(m.cell).value for m in spec.marks}

    previous = render_into(book, spec)
    error_fill = (0xFF, 0xC7, 0xCE)
    assert data.range(first).color in (error_fill, (0xFF, 0xEB, 0x9C))
    assert data.range(first).note.text == spec.marks[0].note
    assert data.range(second).note.text == spec.marks[1].note

    clear_marks(book, previous)
    assert data.range(first).color == (0x00, 0xB0, 0xF0) and data.range(first).note.text == "区里复核过"
    assert data.range(second).color is None and data.range(second).note is None
    assert {m.cell: data.range(m.cell).value for m in spec.marks} == before  # values never touched
