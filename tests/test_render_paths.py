"""Big plain sheets are written as XML directly; the result must read exactly like openpyxl's."""

import datetime as dt
from pathlib import Path

import openpyxl
import python_calamine as pc

from cmxl.core.engine.assessment import assess
from cmxl.core.layout.results import build_results
from cmxl.core.layout.spec import ReportSpec, SheetSpec, Style
from cmxl.core.model.loading import catalogue
from cmxl.xlsx import render as R
from cmxl.xlsx.read import read_workbook

ROOT = Path(__file__).resolve().parents[1]


def both(spec, tmp_path, monkeypatch):
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    R.render(spec, fast)
    monkeypatch.setattr(R, "FAST_MIN_CELLS", 10**9)
    R.render(spec, slow)
    return fast, slow


def test_results_workbook_reads_the_same_either_way(tmp_path, monkeypatch):
    grid = read_workbook(ROOT / "workbooks" / "江苏_2026.xlsx")
    cat = catalogue()
    a = assess(grid, cat.framework(), cat, dt.date(2026, 12, 1))
    spec = build_results(a, grid, source="江苏_2026.xlsx", sha256="", tool_version="t", created="c")
    assert R._fast_ok(spec.sheet("评分明细"))  # the path under test is taken
    fast, slow = both(spec, tmp_path, monkeypatch)
    a_book, b_book = pc.CalamineWorkbook.from_path(str(fast)), pc.CalamineWorkbook.from_path(str(slow))
    for name in a_book.sheet_names:
        assert a_book.get_sheet_by_name(name).to_python() == b_book.get_sheet_by_name(name).to_python(), name
    x, y = openpyxl.load_workbook(fast)["评分明细"], openpyxl.load_workbook(slow)["评分明细"]
    for ref in ("A1", "A2", "G2", "BX2", "BY2"):
        assert (x[ref].value, x[ref].number_format, x[ref].font.b, x[ref].fill.fgColor.rgb) == (
            y[ref].value,
            y[ref].number_format,
            y[ref].font.b,
            y[ref].fill.fgColor.rgb,
        ), ref
    assert x.freeze_panes == y.freeze_panes and len(x.conditional_formatting) == len(y.conditional_formatting)


def test_text_dates_and_odd_characters_survive_the_direct_path(tmp_path, monkeypatch):
    sheet = SheetSpec("数据")
    rows = [["=1+1", "@张三", " 前后空格 ", "a<b&c>", "响铃\x07字符", dt.date(2024, 2, 29), 85.5, True, None, "#N/A"]]
    for r in range(600):
        sheet.put_row(r, 0, rows[0])
        sheet.put(r, 5, dt.date(2024, 2, 29), "date")
    sheet.put(0, 10, "=SUM(G1:G600)", formula=True)
    spec = ReportSpec([sheet], {"date": Style(number_format="yyyy-mm-dd")})
    fast, slow = both(spec, tmp_path, monkeypatch)
    for path in (fast, slow):
        ws = openpyxl.load_workbook(path)["数据"]
        assert [ws.cell(1, c).value for c in range(1, 11)] == [
            "=1+1",
            "@张三",
            " 前后空格 ",
            "a<b&c>",
            "响铃字符",
            dt.datetime(2024, 2, 29),
            85.5,
            True,
            None,
            "#N/A",
        ]
        assert ws["A1"].data_type == "s" and ws["J1"].data_type == "s"  # text, not a formula or an error
        assert ws["F1"].number_format == "yyyy-mm-dd" and ws["K1"].value == "=SUM(G1:G600)"


def test_comments_and_links_on_the_direct_path(tmp_path, monkeypatch):
    data, index = SheetSpec("测评数据"), SheetSpec("问题")
    for r in range(1000):
        data.put_row(r, 0, [f"{r:04d}", "张三", 80, 70, 60, 50])
    data.put(5, 2, "良好", "bad", comment="错误：不是分数")
    index.put(0, 0, "C6", link="'测评数据'!C6")
    spec = ReportSpec([data, index], {"bad": Style(fill="FFC7CE")})
    assert R._fast_ok(data)
    fast, slow = both(spec, tmp_path, monkeypatch)
    for path in (fast, slow):
        wb = openpyxl.load_workbook(path)
        cell = wb["测评数据"]["C6"]
        assert (cell.value, cell.comment.text, cell.fill.fgColor.rgb) == ("良好", "错误：不是分数", "00FFC7CE")
        assert wb["问题"]["A1"].hyperlink.location == "'测评数据'!C6"
