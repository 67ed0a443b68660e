"""The add-in's actions on an open workbook (through the xlwings double): validate, score,
re-run, fix-and-revalidate, and never replacing a sheet of the clerk's."""

from pathlib import Path

import openpyxl
import pytest

from cmxl.addin import actions
from cmxl.addin.actions import REGISTRY, Registry, SheetNameTaken
from cmxl.core.engine.assessment import assess
from cmxl.core.grid import CellError, FormulaNoValue, WorkbookGrid
from cmxl.core.layout.results import build_in_workbook
from cmxl.core.model.loading import catalogue
from cmxl.excel.read import read_book
from cmxl.xlsx.read import read_workbook
from cmxl.xlsx.render import render
from tests.conftest import AS_OF, UNITS_SHEETS
from tests.test_excel_render import double_snapshot, file_snapshot
from tests.xlwings_double import App, Book

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "陕西_2026.xlsx"


def as_opened(path=SAMPLE) -> WorkbookGrid:
    """A workbook's cells as Excel has them once open: Excel calculates a formula the file holds
    no result for (陕西 O10, =1/0, written by openpyxl: the file reader says it needs calculating),
    which the double, without a calculation engine, cannot."""
    grid = read_workbook(path)
    for sheet in grid.sheets:
        for row in sheet.rows:
            for c, value in enumerate(row):
                if isinstance(value, FormulaNoValue):
                    row[c] = CellError("#DIV/0!")  # the only one, O10's =1/0
    return grid


def open_book(path=SAMPLE):
    """The workbook as a clerk has it open in Excel."""
    return Book._from_grid(as_opened(path), f"C:/地市/{path.name}")


def issues(a):
    return [(i.sheet, i.cell, i.code) for i in a.report.issues]


def test_reading_the_open_workbook_gives_what_reading_the_file_gives():
    cat = catalogue()
    from_file = assess(as_opened(), cat.framework(), cat, AS_OF)
    from_excel = assess(read_book(open_book()), cat.framework(), cat, AS_OF)
    assert issues(from_excel) == issues(from_file)
    assert ("测评数据", "A21", "row-hidden") in issues(from_excel)  # hidden rows are seen
    assert ("测评数据", "Y9", "formula-error") in issues(from_excel)  # and error values
    assert from_excel.scores.total.tolist() == pytest.approx(from_file.scores.total.tolist(), nan_ok=True)


def test_validate_lists_issues_and_marks_cells_without_touching_values():
    book = open_book()
    data = book.sheets["测评数据"]

    def typed():
        return {k: (s.value, s.formula) for k, s in data._cells.items() if (s.value, s.formula) != (None, None)}

    before = typed()
    outcome = actions.validate(book, as_of=AS_OF)
    assert (outcome.people, outcome.errors, outcome.warnings) == (48, 10, 5)  # O10 calculated: #DIV/0!
    assert "10 个错误" in outcome.summary and "校验问题" in outcome.summary
    assert [s.name for s in book.sheets] == ["测评数据", "校验问题", REGISTRY]
    assert not book.sheets[REGISTRY].visible
    assert data.range("W7").color == (0xFF, 0xC7, 0xCE) and "超出 0–100" in data.range("W7").note.text
    assert book.sheets["校验问题"].range("E3").formula  # a link to its cell
    assert typed() == before


def test_validate_then_score_writes_what_the_results_file_has(tmp_path):
    book = open_book()
    actions.validate(book, as_of=AS_OF)
    actions.score(book, as_of=AS_OF)
    names = [s.name for s in book.sheets]
    assert names == [
        "测评数据",
        *UNITS_SHEETS,  # the sample has several units
        "运行信息",
        REGISTRY,
    ]

    cat = catalogue()
    a = assess(as_opened(), cat.framework(), cat, AS_OF)
    spec = build_in_workbook(a, source=book.name, tool_version="t", created="t")
    render(spec, tmp_path / "file.xlsx")
    from_file = openpyxl.load_workbook(tmp_path / "file.xlsx")
    for sheet in spec.sheets:
        if sheet.name == "运行信息":  # tool version and time differ
            continue
        expected, got = file_snapshot(from_file[sheet.name]), double_snapshot(book.sheets[sheet.name])
        assert got == expected, sheet.name


def test_fixing_a_cell_and_validating_again_clears_its_highlight():
    book = open_book()
    data = book.sheets["测评数据"]
    data.range("X7").color = "#00B0F0"  # a colour of the clerk's own, on a cell without issues
    actions.validate(book, as_of=AS_OF)
    data.range("W7").value = 80  # the clerk fixes 120
    outcome = actions.validate(book, as_of=AS_OF)
    assert outcome.errors == 9
    assert data.range("W7").color is None and data.range("W7").note is None
    assert data.range("V6").color == (0xFF, 0xC7, 0xCE)  # still wrong, still marked
    assert data.range("X7").color == (0x00, 0xB0, 0xF0)
    assert [s.name for s in book.sheets].count("校验问题") == 1


def test_scoring_again_replaces_cmxls_sheets_and_only_those():
    book = open_book()
    actions.score(book, as_of=AS_OF)
    book.sheets.add("我的备注", after=book.sheets[-1]).range("A1").value = "区里的说明"
    actions.score(book, as_of=AS_OF)
    names = [s.name for s in book.sheets]
    assert names.count("汇总") == 1 and "我的备注" in names
    assert book.sheets["我的备注"].range("A1").value == "区里的说明"
    assert Registry.load(book).sheets == {
        *UNITS_SHEETS,
        "运行信息",
    }


def test_a_clerks_own_sheet_with_cmxls_name_is_never_replaced():
    book = open_book()
    book.sheets.add("汇总", after=book.sheets[-1]).range("A1").value = "区里自己的汇总"
    with pytest.raises(SheetNameTaken) as caught:
        actions.score(book, as_of=AS_OF)
    assert "汇总" in caught.value.message and "改名" in caught.value.message
    assert [s.name for s in book.sheets] == ["测评数据", "汇总"]
    assert book.sheets["汇总"].range("A1").value == "区里自己的汇总"
    assert book.sheets["测评数据"].range("W7").color is None  # nothing was marked either


def test_the_registry_remembers_notes_colours_and_sheets():
    book = open_book()
    reg = Registry(
        {"汇总"},
        [actions.Previous("测评数据", "B12", (1, 2, 3), "备注 1"), actions.Previous("测评数据", "C3", None, None)],
    )
    reg.save(book)
    assert Registry.load(book) == reg


def test_a_new_template_is_written_and_opened(tmp_path):
    app = App()
    target = actions.new_template(app, tmp_path / "测评模板.xlsx", "cm11")
    assert target.exists() and [b.fullname for b in app.books._items] == [str(target)]
    assert "填写说明" in openpyxl.load_workbook(target).sheetnames


def test_scoring_a_workbook_without_people_says_why_and_adds_nothing():
    from cmxl.core.errors import CmxlError
    from cmxl.core.grid import SheetGrid, WorkbookGrid

    book = Book._from_grid(WorkbookGrid("新建.xlsx", [SheetGrid("Sheet1", [["说明"]])]), "C:/新建.xlsx")
    with pytest.raises(CmxlError) as caught:
        actions.score(book, as_of=AS_OF)
    assert "找不到测评数据表" in caught.value.message and [s.name for s in book.sheets] == ["Sheet1"]
    assert "没有找到测评数据表" in actions.validate(book, as_of=AS_OF).summary  # validating explains it in 校验问题


def test_person_reports_from_the_open_workbook(tmp_path):
    """The window's 个人报告 button: one page and one radar per person of the open workbook (the
    radar itself is drawn and checked in tests/test_person_report.py)."""
    import zipfile

    book = open_book()
    target = actions.person_reports(book, tmp_path / "陕西_个人报告.docx")
    with zipfile.ZipFile(target) as zf:
        assert zf.read("word/document.xml").count(b"<a:blip ") == 48  # a radar on each person's page
    assert [s.name for s in book.sheets] == ["测评数据"]  # nothing written into the workbook
