"""Big plain sheets are written as XML directly; the result must read exactly like openpyxl's."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
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


def test_table_bodies_read_the_same_either_way(tmp_path, monkeypatch):
    """Rows of plain values, one style a column or one a cell, with cells put over them (a mark
    with a note, a formula), ragged rows, NaN, booleans, dates and text that looks like numbers."""
    sheet = SheetSpec("表")
    sheet.put_row(0, 0, ["编号", "姓名", "得分", "日期", "备注"], "head")
    rows = []
    for r in range(1500):
        rows.append(
            [
                f"{r:05d}",
                None if r % 7 == 0 else ("" if r % 11 == 0 else f"人员{r % 50}"),
                float("nan") if r % 13 == 0 else (r % 100) + 0.5 if r % 2 else r % 100,
                dt.date(2026, 1, 1) + dt.timedelta(days=r % 300) if r % 5 else True,
                *([] if r % 3 else ["<备注> & 空格 "]),
            ]
        )
    sheet.add_rows(1, rows, ["text", None, "num", "date", "wrap"])
    sheet.put(10, 2, "良好", "bad", comment="错误：不是分数")  # over the body
    sheet.put(20, 5, "=C21*2", formula=True)  # beside it
    sheet.heights[30] = 40
    looks = [[("num" if isinstance(v, float) else "text") for v in row] for row in rows]
    other = SheetSpec("逐格")
    other.add_rows(0, [list(row[:4]) for row in rows], [], cell_styles=looks)  # a style list longer than its row
    styles = {
        "head": Style(bold=True),
        "text": Style(number_format="@"),
        "num": Style(number_format="0.0"),
        "date": Style(number_format="yyyy-mm-dd"),
        "wrap": Style(wrap=True),
        "bad": Style(fill="FFC7CE"),
    }
    spec = ReportSpec([sheet, other], styles)
    assert R._fast_ok(sheet) and R._fast_ok(other)
    fast, slow = both(spec, tmp_path, monkeypatch)
    x, y = openpyxl.load_workbook(fast), openpyxl.load_workbook(slow)
    for name in ("表", "逐格"):
        a, b = x[name], y[name]
        assert a.max_row == b.max_row and a.max_column == b.max_column
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
            for p, q in zip(row_a, row_b, strict=True):
                assert (p.value, p.number_format, p.fill.fgColor.rgb, p.font.b, p.alignment.wrap_text) == (
                    q.value,
                    q.number_format,
                    q.fill.fgColor.rgb,
                    q.font.b,
                    q.alignment.wrap_text,
                ), p.coordinate
    ws = x["表"]
    assert ws["B2"].value is None and ws["C15"].value is None  # no name; NaN is left empty
    assert ws["A2"].value == "00000" and ws["A2"].data_type == "s"  # text that looks like a number stays text
    assert ws["C11"].value == "良好" and ws["C11"].comment.text == "错误：不是分数"
    assert ws["F21"].value == "=C21*2" and ws.row_dimensions[31].height == 40
    assert ws["E2"].value == "<备注> & 空格 " and ws["E3"].value is None  # ragged rows end early
    assert ws["D2"].value is True and ws["D3"].value == dt.datetime(2026, 1, 2)


def test_a_sheet_reads_its_bodies_and_put_cells_as_one():
    sheet = SheetSpec("表")
    sheet.put_row(0, 0, ["编号", "说明"], "head")
    sheet.add_rows(1, [["001", "一段很长很长的说明文字"], ["002", None]], ["text", "wrap"])
    sheet.put(2, 1, "改过", "bad")
    assert sheet.cell(1, 0).value == "001" and sheet.cell(1, 1).style == "wrap"
    assert sheet.cell(2, 1).value == "改过" and sheet.cell(5, 5) is None
    assert {k: c.value for k, c in sheet.iter_cells()} == {
        (0, 0): "编号",
        (0, 1): "说明",
        (1, 0): "001",
        (1, 1): "一段很长很长的说明文字",
        (2, 0): "002",
        (2, 1): "改过",
    }
    assert (sheet.max_row, sheet.max_col, sheet.cell_count) == (
        2,
        1,
        7,
    )  # a size: the put cell over the body counts too
    sheet.fit_widths()
    assert sheet.widths == {0: 6.0, 1: 24.0}  # 11 CJK characters count 22, plus 2
    sheet.widths[1] = 10.0
    sheet.fit_heights([1])
    assert sheet.heights == {1: 3 * 13.0 + 2}  # 22 columns of text in a width of 10: three lines
    with pytest.raises(ValueError, match="overlap"):
        sheet.add_rows(2, [["003", "x"]], ["text", "text"])


def test_short_rows_and_empty_runs_keep_their_column_styles_and_heights(tmp_path, monkeypatch):
    """Runs of rows shorter than the body's widest one still have the body's later columns (a
    styled empty cell each), and rows with no values keep their height. Both ways alike."""
    sheet = SheetSpec("表")
    rows = [["x", 1, "宽"]] + [["y", 2] for _ in range(600)] + [[] for _ in range(300)] + [["z"]] * 1500
    sheet.add_rows(0, rows, ["text", "num", "wrap"])
    sheet.heights[700] = 30
    spec = ReportSpec(
        [sheet], {"text": Style(number_format="@"), "num": Style(number_format="0.0"), "wrap": Style(wrap=True)}
    )
    fast, slow = both(spec, tmp_path, monkeypatch)
    x, y = openpyxl.load_workbook(fast)["表"], openpyxl.load_workbook(slow)["表"]
    for ref in ("C2", "C600", "A700", "B800", "C901", "C2000", "B2401"):
        assert (x[ref].number_format, x[ref].alignment.wrap_text) == (
            y[ref].number_format,
            y[ref].alignment.wrap_text,
        ), ref
    assert x["C600"].alignment.wrap_text and x["B800"].number_format == "0.0"
    assert x.row_dimensions[701].height == y.row_dimensions[701].height == 30


def test_a_sheet_of_more_than_zip_sizes_is_written_again_with_zip64(tmp_path, monkeypatch):
    """A sheet whose markup outgrows plain zip sizes (long texts repeated in many cells: more
    than its estimate) is written again with ZIP64 sizes, not lost."""
    import zipfile

    _, spec = results_of("江苏_2026.xlsx")
    plain = tmp_path / "plain.xlsx"
    R.render(spec, plain)
    import cmxl.xlsx.write as W

    tries = []
    real = W._write_members
    monkeypatch.setattr(W, "_write_members", lambda *a, zip64: (tries.append(zip64), real(*a, zip64=zip64)))
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 200_000)  # as if 2 GiB were 200 KB
    big = tmp_path / "big.xlsx"
    R.render(spec, big)
    assert tries == [False, True]
    a, b = pc.CalamineWorkbook.from_path(str(plain)), pc.CalamineWorkbook.from_path(str(big))
    assert a.sheet_names == b.sheet_names
    for name in a.sheet_names:
        assert a.get_sheet_by_name(name).to_python() == b.get_sheet_by_name(name).to_python(), name
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cmxl-")] == []


def results_of(name):
    grid = read_workbook(ROOT / "workbooks" / name)
    cat = catalogue()
    a = assess(grid, cat.framework(), cat, dt.date(2026, 12, 1))
    return a, build_results(a, grid, source=name, sha256="", tool_version="t", created="c")


def test_fit_widths_leaves_a_column_with_no_cells_at_the_default():
    """A blank column in the copy of a clerk's sheet keeps Excel's default width."""
    sheet = SheetSpec("副本")
    sheet.add_rows(
        0,
        [["编号", None, "姓名"], ["0001", None, "张三"]],
        [],
        cell_styles=[["label", None, "label"], ["text", None, "text"]],
    )
    sheet.fit_widths()
    assert 1 not in sheet.widths and sheet.widths[0] == 6.0


def test_times_durations_carriage_returns_and_spacer_rows_either_way(tmp_path, monkeypatch):
    """A clerk's sheet may hold a time of day or a length of time (calamine reads them as
    dt.time / dt.timedelta) and text with a carriage return; a spacer row may have a height and
    no cells. The direct path wrote the first two as text ("1 day, 2:05:00"), turned \\r into
    \\n, and dropped the spacer's height."""
    sheet = SheetSpec("数据")
    rows = [[dt.time(9, 30), dt.timedelta(hours=26, minutes=5), "第一行\r第二行", "甲\r\n乙"] for _ in range(1500)]
    sheet.add_rows(0, rows, ["time", "duration", "text", "text"])
    sheet.heights[1600] = 33  # under the body, nothing in it
    styles = {
        "time": Style(number_format="h:mm:ss"),
        "duration": Style(number_format="[h]:mm:ss"),
        "text": Style(number_format="@"),
    }
    spec = ReportSpec([sheet], styles)
    assert R._fast_ok(sheet)
    for path in both(spec, tmp_path, monkeypatch):
        ws = openpyxl.load_workbook(path)["数据"]
        assert ws["A1500"].value == dt.time(9, 30) and ws["A1500"].number_format == "h:mm:ss"
        assert ws["B2"].value == dt.timedelta(days=1, hours=2, minutes=5) and ws["B2"].number_format == "[h]:mm:ss"
        assert ws["C1"].value == "第一行\r第二行" and ws["D1"].value == "甲\r\n乙"
        assert ws.row_dimensions[1601].height == 33


def test_the_data_copy_keeps_times_as_times():
    from cmxl.core.grid import SheetGrid, WorkbookGrid
    from tests.conftest import grid as people_grid
    from tests.conftest import person

    g = people_grid([person("0001"), person("0002")])
    rows = [list(r) for r in g.sheets[0].rows]
    rows[0].append("面谈时间")
    rows[1].append(dt.time(14, 30))
    rows[2].append(dt.timedelta(minutes=90))
    g = WorkbookGrid(g.source, [SheetGrid(g.sheets[0].name, rows)])
    cat = catalogue()
    a = assess(g, cat.framework(), cat, dt.date(2026, 12, 1))
    copy = build_results(a, g, source="t.xlsx", sha256="", tool_version="t", created="c").sheet("测评数据")
    col = len(rows[0]) - 1
    assert copy.cell(1, col).value == dt.time(14, 30) and copy.cell(1, col).style == "time"
    assert copy.cell(2, col).value == dt.timedelta(minutes=90) and copy.cell(2, col).style == "duration"


def test_big_sheets_are_deflated_by_zlib_ng_and_read_the_same_without_it(tmp_path, monkeypatch):
    """zipfile deflates with zlib; the big sheets' members get zlib-ng's compressor instead (the
    same format, a third faster). Without zlib-ng the file holds the same cells."""
    import zipfile

    from cmxl.xlsx import write as W

    real = W._deflate
    assert real is not None, "zlib-ng is a dependency"
    opened = []

    class Spy:
        DEFLATED = real.DEFLATED

        def compressobj(self, *args):
            opened.append(args)
            return real.compressobj(*args)

    sheet = SheetSpec("数据")
    sheet.add_rows(0, [[f"{r:05d}", f"人员{r % 97}", r * 0.5] for r in range(3000)], ["text", None, None])
    spec = ReportSpec([sheet], {"text": Style(number_format="@")})
    assert R._fast_ok(sheet)
    monkeypatch.setattr(W, "_deflate", Spy())
    R.render(spec, tmp_path / "ng.xlsx")
    assert opened == [(W.COMPRESS_LEVEL, real.DEFLATED, -15)]  # the one direct sheet
    monkeypatch.setattr(W, "_deflate", None)
    R.render(spec, tmp_path / "zlib.xlsx")
    books = [pc.CalamineWorkbook.from_path(str(tmp_path / n)) for n in ("ng.xlsx", "zlib.xlsx")]
    assert books[0].get_sheet_by_name("数据").to_python() == books[1].get_sheet_by_name("数据").to_python()
    for name in ("ng.xlsx", "zlib.xlsx"):
        with zipfile.ZipFile(tmp_path / name) as zf:
            assert zf.testzip() is None
            assert zf.getinfo("xl/worksheets/sheet1.xml").compress_type == zipfile.ZIP_DEFLATED


@pytest.mark.parametrize("direct", [True, False])
def test_a_marked_date_or_time_in_the_data_copy_keeps_its_format(tmp_path, monkeypatch, direct):
    """A cell an issue points at gets the mark's fill; on the direct path the mark's style also
    took away the number format, so a date showed as 46056 and 30:15 as 1.2604."""
    from tests.conftest import grid, person

    values = {
        "成就导向": dt.timedelta(hours=30, minutes=15),  # not a score: marked as an error
        "抗挫能力": dt.time(14, 30),
        "执行能力": dt.date(2026, 2, 3),
        "沟通倾听能力": dt.datetime(2026, 2, 3, 9, 45),
    }
    g = grid([person("0001", **values)] + [person(f"{n:04d}") for n in range(2, 400)])
    cat = catalogue()
    a = assess(g, cat.framework(), cat, dt.date(2026, 12, 1))
    spec = build_results(a, g, source="t.xlsx", sha256="", tool_version="t", created="c")
    assert R._fast_ok(spec.sheet("测评数据"))
    if not direct:
        monkeypatch.setattr(R, "FAST_MIN_CELLS", 10**9)
    R.render(spec, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["测评数据"]
    heads = [c.value for c in ws[1]]
    shown = {h: ws.cell(2, heads.index(h) + 1) for h in values}
    assert all(cell.comment is not None for cell in shown.values())  # each is marked
    assert {h: c.number_format for h, c in shown.items()} == {
        "成就导向": "[h]:mm:ss",
        "抗挫能力": "h:mm:ss",
        "执行能力": "yyyy-mm-dd",
        "沟通倾听能力": "yyyy-mm-dd hh:mm:ss",
    }
    assert shown["成就导向"].value == dt.timedelta(hours=30, minutes=15)
    assert shown["沟通倾听能力"].value == dt.datetime(2026, 2, 3, 9, 45)
